import document from './openapi.json' with { type: 'json' };

/**
 * The OpenAPI document as served at /openapi.json in the Lambda: the generated copy (openapi.json,
 * written by generate-openapi.ts from `buildOpenApiDocument`), so the bundle needs neither
 * zod-openapi nor the document's builder. A side module (shared/lazy/openapi.lazy.ts), loaded on
 * the first /openapi.json request. Serialized as `JSON.stringify` of the built document is: the
 * same bytes the handler served when it built the document itself.
 */
export const OPENAPI_JSON: string = JSON.stringify(document);
