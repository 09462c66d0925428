// `#lazy/auth-cognito` in a Lambda bundle: aws-jwt-verify comes from auth-cognito.cjs beside index.mjs, when the verifier is made:
// at init, when the handler reads AUTH_MODE=cognito (functions/coordinator-api/handler.ts depsFromEnv), never on a request.
import type * as Side from '#functions/coordinator-api/auth-cognito.ts';
import { loadSideModule } from './load.ts';
import { AUTH_COGNITO_SIDE } from './side-modules.ts';

export const cognitoVerifier: typeof Side.cognitoVerifier = (options) => loadSideModule<typeof Side>(AUTH_COGNITO_SIDE).cognitoVerifier(options);
