import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Who may call the API.
 *
 * Decision (defence in depth): on AWS the HTTP API's JWT authorizer already rejects bad tokens,
 * and the function verifies the token again itself (signature, issuer, expiry, client id,
 * token use) with aws-jwt-verify rather than trusting `requestContext.authorizer.jwt.claims`.
 * So the function is safe whatever fronts it (the local server, a misconfigured route, a
 * direct invoke), and the role comes from a verified `cognito:groups` claim. The JWKS is
 * fetched once per cold start and cached.
 *
 * The verifiers of the two identity providers are in their own modules, auth-cognito.ts
 * (aws-jwt-verify) and auth-oidc.ts (jose): a deployment uses one (AUTH_MODE), and in the Lambda
 * each is a side module (shared/lazy/) that the handler loads at init, when it reads AUTH_MODE.
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
