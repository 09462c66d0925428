import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { roleFromGroups, type AuthVerifier } from './auth.ts';

// AUTH_MODE=cognito. In the Lambda a side module (shared/lazy/auth-cognito.*.ts), loaded at init when AUTH_MODE is read: see auth.ts.
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
