import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '#domain/zod.ts';
import type { AliyunCredentials } from './client.ts';

const secretSchema = z.object({ accessKeyId: z.string().check(z.minLength(8)), accessKeySecret: z.string().check(z.minLength(8)) });

/** The provider's AccessKey pair from Secrets Manager (KMS-encrypted); read once per cold start. */
export async function loadAliyunCredentials(client: SecretsManagerClient, secretArn: string): Promise<AliyunCredentials> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  let json: unknown;
  try {
    json = JSON.parse(out.SecretString ?? '');
  } catch {
    throw new Error('the Alibaba Cloud credentials secret is not JSON');
  }
  const parsed = secretSchema.safeParse(json);
  // Never echo the secret: field names only.
  if (!parsed.success) throw new Error(`the Alibaba Cloud credentials secret needs ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
}
