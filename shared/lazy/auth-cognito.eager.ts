// `#lazy/auth-cognito` outside a Lambda bundle: the Cognito verifier itself. In a bundle: auth-cognito.lazy.ts.
export { cognitoVerifier } from '#functions/coordinator-api/auth-cognito.ts';
