import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerToken, constantTimeEquals, localTokenVerifier, roleFromGroups } from '#functions/coordinator-api/auth.ts';
import { cognitoVerifier } from '#functions/coordinator-api/auth-cognito.ts';

const POOL = 'ap-east-1_TestPool1';
const CLIENT = 'client-123';
const ISSUER = `https://cognito-idp.ap-east-1.amazonaws.com/${POOL}`;

function keyPair(kid: string): { privateKey: KeyObject; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

function jwt(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64({ iss: ISSUER, client_id: CLIENT, token_use: 'access', iat: now, exp: now + 600, sub: 'sub-1', username: 'li.coordinator', ...claims })}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

describe('auth: Cognito access tokens verified in the function (defence in depth)', () => {
  const good = keyPair('k1');
  const verifier = cognitoVerifier({ userPoolId: POOL, clientId: CLIENT, jwks: { keys: [good.jwk] } as never });

  it('maps cognito:groups to the role and the username to the audit actor', async () => {
    expect(await verifier.verify(jwt(good.privateKey, 'k1', { 'cognito:groups': ['coordinator'] }))).toEqual({ subject: 'cognito:li.coordinator', role: 'coordinator' });
    expect(await verifier.verify(jwt(good.privateKey, 'k1', { 'cognito:groups': ['monitor'] }))).toMatchObject({ role: 'monitor' });
    expect(await verifier.verify(jwt(good.privateKey, 'k1', {}))).toMatchObject({ role: null });
  });

  it('rejects a token signed by another key, expired, for another client, of another use, or from another issuer', async () => {
    const other = keyPair('k1');
    const now = Math.floor(Date.now() / 1000);
    const groups = { 'cognito:groups': ['coordinator'] };
    expect(await verifier.verify(jwt(other.privateKey, 'k1', groups))).toBeNull();
    expect(await verifier.verify(jwt(good.privateKey, 'k1', { ...groups, exp: now - 10 }))).toBeNull();
    expect(await verifier.verify(jwt(good.privateKey, 'k1', { ...groups, client_id: 'someone-else' }))).toBeNull();
    expect(await verifier.verify(jwt(good.privateKey, 'k1', { ...groups, token_use: 'id' }))).toBeNull();
    expect(await verifier.verify(jwt(good.privateKey, 'k1', { ...groups, iss: 'https://evil.example.com/pool' }))).toBeNull();
    expect(await verifier.verify('not.a.jwt')).toBeNull();
  });
});

describe('auth: local tokens', () => {
  const verifier = localTokenVerifier({ coordinatorToken: 'c'.repeat(20), monitorToken: 'm'.repeat(20) });

  it('gives the coordinator and monitor roles to their tokens and nothing to others', async () => {
    expect(await verifier.verify('c'.repeat(20))).toEqual({ subject: 'local:coordinator', role: 'coordinator' });
    expect(await verifier.verify('m'.repeat(20))).toEqual({ subject: 'local:monitor', role: 'monitor' });
    expect(await verifier.verify('c'.repeat(19))).toBeNull();
    expect(await verifier.verify('')).toBeNull();
  });

  it('refuses short tokens and a monitor token equal to the coordinator token at start', () => {
    expect(() => localTokenVerifier({ coordinatorToken: 'short' })).toThrow(/at least 16/);
    expect(() => localTokenVerifier({ coordinatorToken: 'x'.repeat(20), monitorToken: 'x'.repeat(20) })).toThrow(/differ/);
  });

  it('compares in constant time over equal-length digests (different lengths do not throw)', () => {
    expect(constantTimeEquals('abc', 'abc')).toBe(true);
    expect(constantTimeEquals('abc', 'abcd')).toBe(false);
  });
});

describe('auth: header and groups parsing', () => {
  it('reads only a Bearer token', () => {
    expect(bearerToken({ authorization: 'Bearer abc.def-ghi' })).toBe('abc.def-ghi');
    expect(bearerToken({ authorization: 'bearer abc' })).toBe('abc');
    expect(bearerToken({ authorization: 'Basic abc' })).toBeNull();
    expect(bearerToken({ authorization: 'Bearer a b' })).toBeNull();
    expect(bearerToken({})).toBeNull();
  });

  it('coordinator wins over monitor; unknown groups give no role', () => {
    expect(roleFromGroups(['monitor', 'coordinator'])).toBe('coordinator');
    expect(roleFromGroups(['monitor'])).toBe('monitor');
    expect(roleFromGroups(['admin'])).toBeNull();
    expect(roleFromGroups(undefined)).toBeNull();
  });
});
