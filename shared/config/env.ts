import * as z from '#domain/zod.ts';

/**
 * One zod schema per function's environment, parsed at cold start: a missing or malformed
 * variable fails the module load with the variable's name, not a request deep inside.
 * CDK (infra/) sets exactly these names; the local stack fills them in memory.
 */
const tableName = z.string().check(z.minLength(3));
const arn = z.string().check(z.regex(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/, 'must be an ARN'));
const optionalText = z.optional(z.string().check(z.minLength(1)));
const optionalUrl = z.optional(z.url());
const language = z._default(z.enum(['zh-CN', 'en']), 'zh-CN');

export const smsEnvSchema = z.object({
  SMS_SENDER_ID: z.optional(z.string().check(z.regex(/^[A-Za-z0-9]{3,11}$/, '3–11 letters/digits'))),
  SMS_ORIGINATION_NUMBER: z.optional(z.string().check(z.regex(/^\+[1-9]\d{3,14}$/))),
  /** China: the registered signature, e.g. 【协和医院】, prepended to every SMS. */
  SMS_SIGNATURE: optionalText,
  SMS_MAX_PRICE_USD: z.optional(z.string().check(z.regex(/^\d+(\.\d+)?$/))),
  /** Which provider sends: Amazon SNS (global regions) or Alibaba Cloud SMS (mainland China, env=cn). */
  SMS_PROVIDER: z._default(z.enum(['sns', 'aliyun']), 'sns'),
  /** aliyun: Secrets Manager secret holding {"accessKeyId","accessKeySecret"} of a RAM user limited to SMS. */
  ALIYUN_CREDENTIALS_SECRET_ARN: z.optional(arn),
  /** aliyun: SendSms endpoint host (default dysmsapi.aliyuncs.com). */
  ALIYUN_SMS_ENDPOINT: z.optional(z.string().check(z.regex(/^[a-z0-9.-]+(:\d+)?$/))),
});

export const planScheduleEnvSchema = z.object({
  TABLE_NAME: tableName,
  PLAN_DAYS: z.coerce.number().check(z.int(), z.minimum(1), z.maximum(14)),
});

export const dispatchRemindersEnvSchema = z.extend(
  z.object({
    TABLE_NAME: tableName,
    DISPATCH_LEASE_SECONDS: z.coerce.number().check(z.int(), z.minimum(30), z.maximum(900)),
    DISPATCH_CATCH_UP_MINUTES: z.coerce.number().check(z.int(), z.minimum(1), z.maximum(180)),
    /** Send failures and unknown deliveries are alerts for the coordinators. */
    ALERT_TOPIC_ARN: arn,
    CONSOLE_URL: z.url(),
  }),
  smsEnvSchema.shape,
);

/** inbound-sms: SNS two-way replies, so SNS environments only (on the mainland pull-sms receives them). */
export const inboundSmsEnvSchema = z
  .extend(z.object({ TABLE_NAME: tableName, ALERT_TOPIC_ARN: arn, CONSOLE_URL: z.url() }), smsEnvSchema.shape)
  .check(
    z.refine((e) => e.SMS_PROVIDER === 'sns', {
      message: 'inbound-sms receives replies from Amazon SNS and needs SMS_PROVIDER=sns (on the mainland, pull-sms receives them)',
      path: ['SMS_PROVIDER'],
    }),
  );

/** pull-sms (env=cn): replies and delivery receipts from the provider's queues, every minute. */
export const pullSmsEnvSchema = z
  .extend(
    z.object({
      TABLE_NAME: tableName,
      ALERT_TOPIC_ARN: arn,
      CONSOLE_URL: z.url(),
      ALIYUN_QUEUE_SMSUP: z.string().check(z.regex(/^Alicom-Queue-\d+-SmsUp$/, 'the SmsUp queue name shown in the SMS console')),
      ALIYUN_QUEUE_SMSREPORT: z.string().check(z.regex(/^Alicom-Queue-\d+-SmsReport$/, 'the SmsReport queue name shown in the SMS console')),
      /** MNS endpoint of the provider's queues (default Alibaba's queue account in cn-hangzhou). */
      ALIYUN_MNS_ENDPOINT: optionalUrl,
    }),
    smsEnvSchema.shape,
  )
  .check(
    z.refine((e) => e.SMS_PROVIDER === 'aliyun' && e.ALIYUN_CREDENTIALS_SECRET_ARN !== undefined, {
      message: 'pull-sms needs SMS_PROVIDER=aliyun and ALIYUN_CREDENTIALS_SECRET_ARN',
      path: ['ALIYUN_CREDENTIALS_SECRET_ARN'],
    }),
  );

/** The sweep texts no one (the retry of unprocessed inbound texts moved to inbound-sms and pull-sms): no SMS settings. */
export const sweepAdherenceEnvSchema = z.object({
  TABLE_NAME: tableName,
  ALERT_TOPIC_ARN: arn,
  ESCALATION_TOPIC_ARN: arn,
  CONSOLE_URL: z.url(),
});

export const weeklyDigestEnvSchema = z.object({
  TABLE_NAME: tableName,
  ALERT_TOPIC_ARN: arn,
  SMS_COST_PER_PART_USD: z.coerce.number().check(z.minimum(0)),
  /** Language of the published digest text; the study team in Beijing reads Chinese by default. */
  DIGEST_LANGUAGE: language,
  /** When set, the digest text ends with a link to the stored digest in the console. */
  CONSOLE_URL: optionalUrl,
});

export const dailySummaryEnvSchema = z.object({
  TABLE_NAME: tableName,
  /** The coordinators' topic only: the daily summary is routine, the investigator gets urgent escalations only. */
  ALERT_TOPIC_ARN: arn,
  CONSOLE_URL: z.url(),
  /** Language of the summary text (the study team in Beijing reads Chinese by default). */
  DIGEST_LANGUAGE: language,
});

export const coordinatorApiEnvSchema = z.object({
  TABLE_NAME: tableName,
  AUTH_MODE: z.enum(['cognito', 'oidc', 'local-token']),
  /** oidc: the issuer (iss), accepted audiences (comma-separated), the console's client id, the roles claim, the scopes asked for. */
  OIDC_ISSUER: optionalUrl,
  OIDC_AUDIENCE: optionalText,
  OIDC_CLIENT_ID: optionalText,
  OIDC_ROLES_CLAIM: optionalText,
  OIDC_SCOPES: optionalText,
  COGNITO_USER_POOL_ID: optionalText,
  COGNITO_CLIENT_ID: optionalText,
  COGNITO_DOMAIN: optionalText,
  LOCAL_API_TOKEN: optionalText,
  /** Local stack only: an optional second token that gives the read-only monitor role. */
  LOCAL_MONITOR_TOKEN: optionalText,
  /** The private bucket exports are written to (AWS); the local stack uses a directory instead. */
  EXPORT_BUCKET: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'))),
  /** The bucket's KMS key (its ARN), named on every write. */
  EXPORT_KMS_KEY_ID: optionalText,
});

/** Parses an environment against a schema; throws one error naming every bad variable. */
export function parseEnv<S extends z.core.$ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const result = z.safeParse(schema, env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new Error(`Invalid function configuration (environment):\n${lines.join('\n')}`);
  }
  return result.data;
}
