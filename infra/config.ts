import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

/**
 * Per-environment deployment settings, validated before any construct is built: a typo fails
 * `cdk synth` with the field's name. Nothing account-specific lives in the code; it all comes
 * from `infra/environments.json` (or another file) selected with `cdk synth -c env=<name>`.
 * The SMS patterns repeat those of shared/config/env.ts on purpose (CDK imports no runtime
 * code); test/infra checks that the values set here pass the functions' own schemas.
 */

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
};

const email = z.email();
const hhmm = z.object({ hour: z.number().int().min(0).max(23), minute: z.number().int().min(0).max(59) });

export const environmentConfigSchema = z
  .object({
    $comment: z.string().optional(),
    /** Optional: pin the account; otherwise the CLI's credentials decide at deploy time. */
    account: z.string().regex(/^\d{12}$/, '12 digits').optional(),
    /** Any AWS region, including the China partition (cn-north-1, cn-northwest-1). */
    region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'an AWS region such as cn-north-1 or eu-west-1'),
    /** IANA zone of the study site: schedules (planning, weekly digest) run in it. */
    studyTimeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai'),
    sms: z.object({
      senderId: z.string().regex(/^[A-Za-z0-9]{3,11}$/, '3–11 letters/digits').optional(),
      originationNumber: z.string().regex(/^\+[1-9]\d{3,14}$/, 'E.164').optional(),
      /** Mainland China: the registered signature, e.g. 【协和医院】 (≥ 2 Chinese characters in 【】). */
      signature: z.string().min(1).optional(),
      maxPriceUsd: z.string().regex(/^\d+(\.\d+)?$/).optional(),
      /** Price of one SMS part to the study's country, for the digest's cost line and docs/deploy.md. */
      costPerPartUsd: z.number().min(0),
      /** The spend alarm fires when SMSMonthToDateSpentUSD passes this (keep it under the account's MonthlySpendLimit). */
      monthlySpendAlarmUsd: z.number().positive(),
    }),
    alertEmails: z.array(email).default([]),
    escalationEmails: z.array(email).default([]),
    opsEmails: z.array(email).default([]),
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `one of ${LOG_RETENTION_DAYS.join(', ')}`),
    planDays: z.number().int().min(1).max(14),
    /** Language of the weekly digest text published to the alert topic. */
    digestLanguage: z.enum(['zh-CN', 'en']).default('zh-CN'),
    dispatch: z
      .object({
        leaseSeconds: z.number().int().min(30).max(900).default(120),
        catchUpMinutes: z.number().int().min(1).max(180).default(30),
        /** The lag alarm fires when a reminder goes out later than this after its due time. */
        lagAlarmSeconds: z.number().int().min(60).default(300),
      })
      .prefault({}),
    schedules: z
      .object({
        /** Daily planning, study time zone. */
        plan: hhmm.default({ hour: 2, minute: 0 }),
        /** Weekly digest: Monday at this time, study time zone. */
        digest: hhmm.default({ hour: 8, minute: 0 }),
        sweepEveryMinutes: z.number().int().min(5).max(60).default(15),
      })
      .prefault({}),
    cognito: z
      .object({
        /** Prefix of the hosted sign-in domain (<prefix>.auth.<region>.amazoncognito.com); globally unique. */
        domainPrefix: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and hyphens'),
        /** PLUS enables threat protection (enforced); ESSENTIALS where PLUS is not offered. */
        featurePlan: z.enum(['PLUS', 'ESSENTIALS']).default('PLUS'),
      })
      .optional(),
    /**
     * Who signs coordinators in: the stack's own Cognito user pool, or any OpenID Connect provider
     * (Keycloak, Authing, Alibaba IDaaS …) where Cognito does not exist (the China regions).
     */
    auth: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('cognito') }).strict(),
        z
          .object({
            mode: z.literal('oidc'),
            /** The issuer exactly as its tokens' `iss` (https, no trailing slash); discovery at <issuer>/.well-known/openid-configuration. */
            issuer: z.url({ protocol: /^https$/ }).refine((u) => !u.endsWith('/'), 'no trailing slash'),
            /** The console's client id at the provider: the tokens' `aud` (or `client_id`). */
            clientId: z.string().min(1),
            /** Accepted audiences; default [clientId]. */
            audience: z.array(z.string().min(1)).min(1).optional(),
            /** Claim holding the user's roles or groups ("groups", "roles", "realm_access.roles" …). */
            rolesClaim: z.string().regex(/^[A-Za-z0-9_:/.-]+$/),
            scopes: z.array(z.string().regex(/^[\x21-\x7e]+$/)).default(['openid', 'profile', 'email']),
          })
          .strict(),
      ])
      .default({ mode: 'cognito' }),
    /** Which provider sends SMS: SNS (global regions) or Alibaba Cloud SMS (mainland China). */
    smsProvider: z.enum(['sns', 'aliyun']).default('sns'),
    /** Alibaba Cloud SMS: the queue names the SMS console shows (通用设置 → 回执配置), optional endpoints. */
    aliyun: z
      .object({
        queues: z.object({
          smsUp: z.string().regex(/^Alicom-Queue-\d+-SmsUp$/),
          smsReport: z.string().regex(/^Alicom-Queue-\d+-SmsReport$/),
        }),
        smsEndpoint: z.string().regex(/^[a-z0-9.-]+$/).optional(),
        mnsEndpoint: z.url({ protocol: /^https$/ }).optional(),
      })
      .strict()
      .optional(),
    /** X-Ray active tracing on the functions (not integrated with Lambda in the China regions). */
    tracing: z.boolean().default(true),
    api: z
      .object({
        throttleRateLimit: z.number().int().min(1).default(20),
        throttleBurstLimit: z.number().int().min(1).default(40),
        /**
         * The front door with a per-client-IP rate limit (docs/security.md, "Rate limiting per
         * client"): CloudFront with a WAF WebACL (in us-east-1) in front of the HTTP API, whose
         * execute-api endpoint is then disabled. Needs a domain and two ACM certificates.
         */
        edge: z
          .strictObject({
            /** What coordinators open, e.g. trial.example.org (CloudFront alias). */
            domainName: z.string().regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, 'a DNS name such as trial.example.org'),
            /** ACM certificate for domainName, in us-east-1 (CloudFront's region). */
            certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/.+$/, 'an ACM certificate ARN in us-east-1'),
            /** The API's own custom domain CloudFront forwards to, e.g. api-origin.trial.example.org. */
            originDomainName: z.string().regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, 'a DNS name'),
            /** ACM certificate for originDomainName, in the deployment region. */
            originCertificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+$/, 'an ACM certificate ARN'),
            /** Requests per client IP per 5 minutes before WAF blocks that IP (WAF's minimum is 10). */
            ratePerFiveMinutes: z.number().int().min(10).max(2_000_000_000).default(300),
          })
          .optional(),
      })
      .prefault({}),
    /** Reserved concurrency of the request-driven functions (the scheduled ones are fixed at 1). */
    concurrency: z
      .object({ inboundSms: z.number().int().min(1).default(5), coordinatorApi: z.number().int().min(1).default(10) })
      .prefault({}),
    backup: z
      .object({
        dailyRetentionDays: z.number().int().min(7).default(35),
        /** Monthly backups kept for the records-retention period (21 CFR 11 / ICH E6: years). */
        monthlyRetentionDays: z.number().int().min(30).default(3653),
      })
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.auth.mode === 'cognito' && !c.cognito) ctx.addIssue({ code: 'custom', path: ['cognito'], message: 'required when auth.mode is cognito' });
    if (c.auth.mode === 'oidc' && c.cognito) ctx.addIssue({ code: 'custom', path: ['cognito'], message: 'not used with auth.mode oidc: remove it' });
    if (c.smsProvider === 'aliyun' && !c.aliyun) ctx.addIssue({ code: 'custom', path: ['aliyun'], message: 'required when smsProvider is aliyun' });
    if (c.region.startsWith('cn-') && c.smsProvider === 'sns') ctx.addIssue({ code: 'custom', path: ['smsProvider'], message: 'SNS sends no SMS in the China regions: use aliyun' });
    if (c.region.startsWith('cn-') && c.auth.mode === 'cognito') ctx.addIssue({ code: 'custom', path: ['auth', 'mode'], message: 'Cognito user pools do not exist in the China regions: use oidc' });
    if (c.region.startsWith('cn-') && c.tracing) ctx.addIssue({ code: 'custom', path: ['tracing'], message: 'X-Ray is not integrated with Lambda in the China regions: set false' });
  });

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema>;

export interface LoadedConfig {
  /** The environment's name (`-c env=<name>`), used in stack names. */
  readonly name: string;
  readonly config: EnvironmentConfig;
}

export const DEFAULT_ENVIRONMENTS_FILE = fileURLToPath(new URL('./environments.json', import.meta.url));

/** Reads one environment from the environments file; throws one error naming every bad field. */
export function loadEnvironmentConfig(name: string, file: string = DEFAULT_ENVIRONMENTS_FILE): LoadedConfig {
  if (!/^[a-z][a-z0-9-]{0,20}$/.test(name)) throw new Error(`Environment name "${name}" must be lower-case letters, digits and hyphens`);
  const all = z.record(z.string(), z.unknown()).parse(JSON.parse(readFileSync(file, 'utf8')));
  const raw = Object.hasOwn(all, name) ? all[name] : undefined;
  if (raw === undefined) {
    const known = Object.keys(all).filter((k) => !k.startsWith('$'));
    throw new Error(`No environment "${name}" in ${file} (known: ${known.join(', ') || 'none'}); pass -c env=<name>`);
  }
  return { name, config: parseEnvironmentConfig(raw, `${file}#${name}`) };
}

export function parseEnvironmentConfig(raw: unknown, source = 'environment config'): EnvironmentConfig {
  const result = environmentConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid ${source}:\n${lines.join('\n')}`);
  }
  return result.data;
}
