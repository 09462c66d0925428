// `#lazy/auth-oidc` outside a Lambda bundle: the OpenID Connect verifier itself. In a bundle: auth-oidc.lazy.ts.
export { oidcVerifier, type OidcVerifierOptions } from '#functions/coordinator-api/auth-oidc.ts';
