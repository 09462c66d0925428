import { exportJWK, generateKeyPair, SignJWT, createLocalJWKSet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { claimAt } from '#functions/coordinator-api/auth.ts';
import { oidcVerifier } from '#functions/coordinator-api/auth-oidc.ts';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const ISSUER = 'https://sso.example-hospital.cn/realms/trial';
let privateKey: PrivateKey;
let otherKey: PrivateKey;
let verifier: ReturnType<typeof oidcVerifier>;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
  verifier = oidcVerifier({ issuer: ISSUER, audience: ['trial-sms-console'], rolesClaim: 'realm_access.roles', keys: createLocalJWKSet({ keys: [jwk] }) });
});

const token = (claims: Record<string, unknown>, options: { key?: PrivateKey; issuer?: string; exp?: string } = {}) =>
  new SignJWT({ realm_access: { roles: ['coordinator'] }, preferred_username: 'li.wei', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(options.issuer ?? ISSUER)
    .setSubject('3f1c')
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '5m')
    .sign(options.key ?? privateKey);

describe('OIDC verifier (any provider: JWKS, issuer, audience, roles from a configured claim)', () => {
  it('accepts a token of the issuer for the console and takes the role from the claim path', async () => {
    expect(await verifier.verify(await token({ aud: 'trial-sms-console' }))).toEqual({ subject: 'oidc:li.wei', role: 'coordinator' });
    expect(await verifier.verify(await token({ aud: 'account', azp: 'trial-sms-console', realm_access: { roles: ['monitor', 'offline_access'] } }))).toEqual({ subject: 'oidc:li.wei', role: 'monitor' });
  });
  it('a valid user in neither group gets no role (403 on every route)', async () => {
    expect((await verifier.verify(await token({ aud: 'trial-sms-console', realm_access: { roles: ['nurse'] } })))?.role).toBeNull();
  });
  it('refuses another issuer, another audience, a foreign key, an expired token and an unsigned one', async () => {
    expect(await verifier.verify(await token({ aud: 'trial-sms-console' }, { issuer: 'https://evil.example.com' }))).toBeNull();
    expect(await verifier.verify(await token({ aud: 'other-app', azp: 'other-app' }))).toBeNull();
    expect(await verifier.verify(await token({ aud: 'trial-sms-console' }, { key: otherKey }))).toBeNull();
    expect(await verifier.verify(await token({ aud: 'trial-sms-console' }, { exp: '-5m' }))).toBeNull();
    const [header, payload] = (await token({ aud: 'trial-sms-console' })).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    expect(header).toBeDefined();
    expect(await verifier.verify(none)).toBeNull();
  });
  it('reads dotted claim paths', () => {
    expect(claimAt({ a: { b: ['x'] } }, 'a.b')).toEqual(['x']);
    expect(claimAt({ groups: 'monitor' }, 'groups')).toBe('monitor');
    expect(claimAt({}, 'a.b')).toBeUndefined();
  });
});
