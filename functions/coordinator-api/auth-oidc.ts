import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { claimAt, roleFromGroups, type AuthVerifier } from './auth.ts';

// AUTH_MODE=oidc. In the Lambda a side module (shared/lazy/auth-oidc.*.ts), loaded at init when AUTH_MODE is read: see auth.ts.
export interface OidcVerifierOptions {
  /** Exactly the tokens' `iss`. */
  issuer: string;
  /** Accepted in `aud`, or in `client_id`/`azp` for access tokens without an audience of ours (as the API Gateway JWT authorizer accepts). */
  audience: readonly string[];
  /** Claim holding the user's groups or roles; "coordinator" / "monitor" in it give the role. */
  rolesClaim: string;
  /** The provider's keys; default: the jwks_uri of <issuer>/.well-known/openid-configuration, fetched once and cached by jose. */
  keys?: JWTVerifyGetKey;
  fetch?: typeof fetch;
}

/**
 * Any OpenID Connect provider (Keycloak, Authing, Alibaba IDaaS …): the signature against the
 * provider's JWKS, issuer, expiry (60 s clock tolerance), audience or client id, then the role
 * from the configured claim. Asymmetric algorithms only: a token signed with "none" or a shared
 * secret is refused.
 */
export function oidcVerifier(options: OidcVerifierOptions): AuthVerifier {
  let keys: Promise<JWTVerifyGetKey> | undefined = options.keys ? Promise.resolve(options.keys) : undefined;
  const discover = async (): Promise<JWTVerifyGetKey> => {
    const res = await (options.fetch ?? fetch)(`${options.issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`OIDC discovery answered ${res.status}`);
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (doc.issuer !== options.issuer || typeof doc.jwks_uri !== 'string' || !doc.jwks_uri.startsWith('https://')) throw new Error('OIDC discovery document does not match the issuer');
    return createRemoteJWKSet(new URL(doc.jwks_uri));
  };
  return {
    async verify(token) {
      keys ??= discover().catch((error: unknown) => {
        keys = undefined; // retried on the next request
        throw error;
      });
      try {
        const { payload } = await jwtVerify(token, await keys, {
          issuer: options.issuer,
          algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
          clockTolerance: 60,
          requiredClaims: ['sub', 'exp'],
        });
        const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
        const clientIds = [payload['client_id'], payload['azp']].filter((c): c is string => typeof c === 'string');
        if (!aud.some((a) => options.audience.includes(a)) && !clientIds.some((c) => options.audience.includes(c))) return null;
        const name = typeof payload['preferred_username'] === 'string' && payload['preferred_username'] ? payload['preferred_username'] : payload.sub;
        return { subject: `oidc:${name}`, role: roleFromGroups(claimAt(payload, options.rolesClaim)) };
      } catch {
        return null;
      }
    },
  };
}
