import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { problemSchema } from './schemas.ts';
import type { AnyRoute } from './routes/types.ts';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });

/**
 * The OpenAPI 3.1 document, generated from the route table and the zod schemas that validate
 * the requests (zod-openapi): it cannot drift from what the handler accepts.
 */
export function buildOpenApiDocument(routes: readonly AnyRoute[], version: string): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const responses: ZodOpenApiResponsesObject = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      responses[status as `2${string}`] = spec.schema
        ? { description: spec.description, content: { [spec.contentType ?? 'application/json']: { schema: spec.schema } } }
        : { description: spec.description };
    }
    responses['400'] = problem('Invalid request: errors[] names each bad field (unknown fields are rejected).');
    responses['401'] = problem('Missing or invalid bearer token.');
    responses['403'] = problem(`The caller's role may not do this (allowed: ${route.roles.join(', ')}).`);
    if (route.params) responses['404'] = problem('No such entity.');
    if (route.method !== 'GET') responses['409'] = problem('Conflict: duplicate, already done, or changed meanwhile. Nothing was written.');
    responses['500'] = problem('Internal error: the body carries only a request id.');
    const operation: ZodOpenApiOperationObject = {
      operationId: route.operationId,
      summary: route.summary,
      description: `Roles: ${route.roles.join(', ')}.`,
      tags: [route.path.split('/')[2] ?? 'api'],
      security: [{ bearer: [] }],
      'x-roles': route.roles,
      ...(route.params || route.query
        ? { requestParams: { ...(route.params ? { path: route.params as never } : {}), ...(route.query ? { query: route.query as never } : {}) } }
        : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
      responses,
    };
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch';
    paths[route.path] = { ...paths[route.path], [method]: operation };
  }
  paths['/openapi.json'] = {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'This document (no token needed).',
      security: [],
      responses: { '200': { description: 'OpenAPI 3.1 document' } },
    },
  };
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Trial SMS coordinator API',
      version,
      description:
        'Coordinators and monitors of the IgG4-RD maintenance trial (NCT05789017). Every /api route needs `Authorization: Bearer <token>` ' +
        '(a Cognito access token on AWS; the LOCAL_API_TOKEN / LOCAL_MONITOR_TOKEN locally). Roles: coordinator (everything), ' +
        'monitor (read-only: reports, alerts, digests, exports without identifiers).',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  });
}
