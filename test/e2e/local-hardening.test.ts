import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOwnHost } from '#infra/local/server.ts';
import { startLocalStack, type LocalStack } from '#infra/local/stack.ts';

/** A raw HTTP GET with exactly the headers given (fetch would set Host and Sec-Fetch-* itself). */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, setHost: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Issue 13 part 5: the local stack's front door (bind address, Host check, the token in /config.json). */
describe('local stack hardening', () => {
  let stack: LocalStack;
  let origin: string;
  let host: string;
  beforeAll(async () => {
    stack = await startLocalStack({ dataDir: null, port: 0, virtualClock: '2027-01-04T00:00:00Z', planAtStart: false });
    origin = stack.url!.replace(/\/$/, '');
    host = new URL(origin).host;
  }, 60_000);
  afterAll(() => stack?.close());

  it('listens on 127.0.0.1 by default', () => {
    expect(new URL(stack.url!).hostname).toBe('127.0.0.1');
  });

  it('refuses a request whose Host is not its own (DNS rebinding) before reading anything', async () => {
    for (const name of ['evil.example', `evil.example:${new URL(origin).port}`, '127.0.0.1:1', 'localhost.evil.example']) {
      const res = await get(`${origin}/config.json`, { host: name });
      expect(res.status, name).toBe(421);
      expect(res.body).not.toContain(stack.token);
    }
    expect((await get(`${origin}/config.json`, {})).status).toBe(400); // no Host at all: Node refuses it itself
    const api = await get(`${origin}/api/patients`, { host: 'rebind.attacker.example', authorization: `Bearer ${stack.token}` });
    expect(api.status).toBe(421);
    expect((await get(`${origin}/config.json`, { host: `localhost:${new URL(origin).port}` })).status).toBe(200);
  });

  it('gives the token only to a page of its own origin', async () => {
    const same = JSON.parse((await get(`${origin}/config.json`, { host, 'sec-fetch-site': 'same-origin', referer: `${origin}/` })).body);
    expect(same.token).toBe(stack.token);
    for (const headers of <Record<string, string>[]>[
      { host, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { host, 'sec-fetch-site': 'same-site' },
      { host, 'sec-fetch-site': 'none' },
      { host, origin: 'https://evil.example' },
      { host, referer: 'https://evil.example/page' },
    ]) {
      const res = await get(`${origin}/config.json`, headers);
      expect(res.status).toBe(200);
      const config = JSON.parse(res.body);
      expect(config, JSON.stringify(headers)).not.toHaveProperty('token');
      expect(config.auth).toBe('local-token');
    }
  });

  it('knows its own names: loopback at its port, the host it was told to bind', () => {
    expect(isOwnHost('127.0.0.1:3000', 3000)).toBe(true);
    expect(isOwnHost('LOCALHOST:3000', 3000)).toBe(true);
    expect(isOwnHost('[::1]:3000', 3000)).toBe(true);
    expect(isOwnHost('localhost', 80)).toBe(true);
    expect(isOwnHost('localhost:3001', 3000)).toBe(false);
    expect(isOwnHost('192.168.1.5:3000', 3000)).toBe(false);
    expect(isOwnHost('192.168.1.5:3000', 3000, ['192.168.1.5'])).toBe(true);
    expect(isOwnHost('localhost.evil.example:3000', 3000)).toBe(false);
    expect(isOwnHost(undefined, 3000)).toBe(false);
  });
});
