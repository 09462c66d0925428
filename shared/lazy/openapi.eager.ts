// `#lazy/openapi` outside a Lambda bundle: the document built from the routes and their schemas (zod-openapi), once.
// In a bundle: openapi.lazy.ts, the generated copy (functions/coordinator-api/openapi.json, held equal to this by test/unit/openapi-generated.test.ts).
import { buildOpenApiDocument } from '#functions/coordinator-api/openapi.ts';
import { API_ROUTES, API_VERSION } from '#functions/coordinator-api/routes/all.ts';

let cached: string | undefined;
/** The OpenAPI 3.1 document as served at /openapi.json (JSON text). */
export function openApiJson(): string {
  cached ??= JSON.stringify(buildOpenApiDocument(API_ROUTES, API_VERSION));
  return cached;
}
