import { createHash, timingSafeEqual } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

/**
 * Who may call the API.
 *
 * Decision (defence in depth): on AWS the HTTP API's JWT authorizer already rejects bad tokens,
 * and the function verifies the token again itself (signature, issuer, expiry, client id,
 * token use) with aws-jwt-verify rather than trusting `requestContext.authorizer.jwt.claims`.
 * So the function is safe whatever fronts it (the local server, a misconfigured route, a
 * direct invoke), and the role comes from a verified `cognito:groups` claim. The JWKS is
 * fetched once per cold start and cached.
 */
export const ROLES = ['coordinator', 'monitor'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The actor recorded in the audit trail. */
  subject: string;
  /** null: a valid token whose user is in neither group (403 on every route). */
  role: Role | null;
}

export interface AuthVerifier {
  /** The principal for a bearer token, or null when the token is not valid (401). Never throws for a bad token. */
  verify(token: string): Promise<Principal | null>;
}

/** The role from Cognito groups: coordinator wins over monitor; anything else is no role. */
export function roleFromGroups(groups: unknown): Role | null {
  const list = Array.isArray(groups) ? groups.map(String) : typeof groups === 'string' ? [groups] : [];
  if (list.includes('coordinator')) return 'coordinator';
  if (list.includes('monitor')) return 'monitor';
  return null;
}

/** Cognito access tokens (the console sends the access token), verified locally against the pool's JWKS. */
export function cognitoVerifier(options: { userPoolId: string; clientId: string; jwks?: Parameters<ReturnType<typeof CognitoJwtVerifier.create>['cacheJwks']>[0] }): AuthVerifier {
  const verifier = CognitoJwtVerifier.create({ userPoolId: options.userPoolId, clientId: options.clientId, tokenUse: 'access' });
  if (options.jwks) verifier.cacheJwks(options.jwks);
  return {
    async verify(token) {
      try {
        const payload = await verifier.verify(token);
        const subject = typeof payload.username === 'string' && payload.username ? payload.username : payload.sub;
        return { subject: `cognito:${subject}`, role: roleFromGroups(payload['cognito:groups']) };
      } catch {
        return null;
      }
    },
  };
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time equality: both sides hashed to 32 bytes first, so neither content nor length leaks through timing. */
export function constantTimeEquals(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export const MIN_LOCAL_TOKEN_LENGTH = 16;

/**
 * The local stack: one token from the environment gives the coordinator role; an optional
 * second token gives the monitor role. Both compared in constant time.
 */
export function localTokenVerifier(options: { coordinatorToken: string; monitorToken?: string | undefined }): AuthVerifier {
  for (const [name, token] of [['LOCAL_API_TOKEN', options.coordinatorToken], ['LOCAL_MONITOR_TOKEN', options.monitorToken]] as const) {
    if (token !== undefined && token.length < MIN_LOCAL_TOKEN_LENGTH) throw new Error(`${name} must be at least ${MIN_LOCAL_TOKEN_LENGTH} characters`);
  }
  if (options.monitorToken !== undefined && options.monitorToken === options.coordinatorToken) {
    throw new Error('LOCAL_MONITOR_TOKEN must differ from LOCAL_API_TOKEN');
  }
  return {
    async verify(token) {
      // Both comparisons always run: the time taken does not say which one matched.
      const coordinator = constantTimeEquals(token, options.coordinatorToken);
      const monitor = options.monitorToken !== undefined && constantTimeEquals(token, options.monitorToken);
      if (coordinator) return { subject: 'local:coordinator', role: 'coordinator' };
      if (monitor) return { subject: 'local:monitor', role: 'monitor' };
      return null;
    },
  };
}

/** The token from `Authorization: Bearer <token>` (headers already lower-cased), or null. */
export function bearerToken(headers: Record<string, string | undefined> | undefined): string | null {
  const value = headers?.authorization;
  if (!value) return null;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(value);
  return match?.[1] ?? null;
}

/** A claim by dotted path ("groups", "realm_access.roles"). */
export function claimAt(payload: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), payload);
}

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
