import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '#functions/coordinator-api/openapi.ts';
import { OPENAPI_FILE, renderOpenApiFile } from '#functions/coordinator-api/generate-openapi.ts';
import { OPENAPI_JSON } from '#functions/coordinator-api/openapi-document.ts';
import { API_ROUTES, API_VERSION, openApiDocument } from '#functions/coordinator-api/handler.ts';

/**
 * The Lambda serves the generated openapi.json (a side module, shared/lazy/openapi.lazy.ts); the
 * document's one source is `buildOpenApiDocument` over the route table. The file must be what
 * the source builds now: regenerate with `npx tsx functions/coordinator-api/generate-openapi.ts`.
 */
describe('generated OpenAPI document', () => {
  it('openapi.json is in sync with the routes and their schemas (run generate-openapi.ts after changing them)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApiFile());
  });

  it('the side module serves exactly the text the handler serves from source', () => {
    expect(OPENAPI_JSON).toBe(JSON.stringify(buildOpenApiDocument(API_ROUTES, API_VERSION)));
    expect(JSON.parse(OPENAPI_JSON)).toEqual(openApiDocument());
  });
});
