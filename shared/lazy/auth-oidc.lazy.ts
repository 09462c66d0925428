// `#lazy/auth-oidc` in a Lambda bundle: jose comes from auth-oidc.cjs beside index.mjs, when the verifier is made:
// at init, when the handler reads AUTH_MODE=oidc (functions/coordinator-api/handler.ts depsFromEnv), never on a request.
import type * as Side from '#functions/coordinator-api/auth-oidc.ts';
import { loadSideModule } from './load.ts';
import { AUTH_OIDC_SIDE } from './side-modules.ts';

export type { OidcVerifierOptions } from '#functions/coordinator-api/auth-oidc.ts';
export const oidcVerifier: typeof Side.oidcVerifier = (options) => loadSideModule<typeof Side>(AUTH_OIDC_SIDE).oidcVerifier(options);
