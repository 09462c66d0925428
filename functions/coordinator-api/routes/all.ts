import { patientRoutes } from './patients.ts';
import { queueRoutes } from './queue.ts';
import { recordRoutes } from './records.ts';
import type { AnyRoute } from './types.ts';

/** Every route of the API; the OpenAPI document is generated from the same list (../openapi.ts). */
export const API_ROUTES: readonly AnyRoute[] = [...patientRoutes, ...queueRoutes, ...recordRoutes];
export const API_VERSION = '1.0.0';
