import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from './openapi.ts';
import { API_ROUTES, API_VERSION } from './routes/all.ts';

/**
 * Writes `openapi.json`: the OpenAPI document that `buildOpenApiDocument` makes from the route
 * table and its zod schemas (the one source). The Lambda serves this generated copy at
 * /openapi.json (a side module, shared/lazy/openapi.*.ts: zod-openapi is not in its bundle);
 * tests and the local stack build the document from source. Run after changing a route or a schema:
 *   npx tsx functions/coordinator-api/generate-openapi.ts
 * (test/unit/openapi-generated.test.ts fails while openapi.json is stale. After a merge conflict
 * in openapi.json, do not resolve it by hand: regenerate it.)
 */
export const OPENAPI_FILE = fileURLToPath(new URL('./openapi.json', import.meta.url));

/** The file's text: the document from source, two-space indented, one final newline. */
export function renderOpenApiFile(): string {
  return `${JSON.stringify(buildOpenApiDocument(API_ROUTES, API_VERSION), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OPENAPI_FILE, renderOpenApiFile());
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
