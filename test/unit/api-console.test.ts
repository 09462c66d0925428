import { describe, expect, it } from 'vitest';
import { consoleFromEnv } from '#functions/coordinator-api/handler.ts';
import { useApi } from '../support/api-harness.ts';

const harness = useApi();
const cognitoEnv = {
  TABLE_NAME: 'trial-table',
  AUTH_MODE: 'cognito',
  COGNITO_USER_POOL_ID: 'ap-east-1_example',
  COGNITO_CLIENT_ID: 'consoleclient',
  COGNITO_DOMAIN: 'https://trial.auth.ap-east-1.amazoncognito.com',
};

describe('console served by the coordinator API (same origin on AWS)', () => {
  it('on AWS the page learns the Cognito hosted sign-in from /config.json, with no token and no secret', async () => {
    const { call } = await harness.setup({ console: { console: consoleFromEnv(cognitoEnv) } });
    const res = await call('GET', '/config.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      auth: 'cognito',
      cognito: { domain: 'https://trial.auth.ap-east-1.amazoncognito.com', clientId: 'consoleclient', tokenUse: 'access' },
      studyTimeZone: 'Asia/Shanghai',
    });
  });

  it('serves the page and its script without a token, with a CSP that allows only itself and the sign-in domain', async () => {
    const { call } = await harness.setup({ console: { console: consoleFromEnv(cognitoEnv) } });
    for (const path of ['/', '/app.js', '/styles.css']) {
      const res = await call('GET', path, { token: null });
      expect(res.status, path).toBe(200);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain('connect-src \'self\' https://trial.auth.ap-east-1.amazoncognito.com');
    }
  });

  it('the API itself still needs a token', async () => {
    const { call } = await harness.setup({ console: { console: consoleFromEnv(cognitoEnv) } });
    expect((await call('GET', '/api/patients', { token: null })).status).toBe(401);
  });
});
