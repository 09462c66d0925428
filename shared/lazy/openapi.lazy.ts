// `#lazy/openapi` in a Lambda bundle: the generated document comes from openapi.cjs beside index.mjs, on the first /openapi.json request.
import type * as Side from '#functions/coordinator-api/openapi-document.ts';
import type * as Eager from './openapi.eager.ts';
import { loadSideModule } from './load.ts';
import { OPENAPI_SIDE } from './side-modules.ts';

export const openApiJson: typeof Eager.openApiJson = () => loadSideModule<typeof Side>(OPENAPI_SIDE).OPENAPI_JSON;
