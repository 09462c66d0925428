import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { coordinatorApiEnvSchema, dispatchRemindersEnvSchema, parseEnv, pullSmsEnvSchema } from '#config/env.ts';
import { buildTrialApp, type TrialApp } from '#infra/app.ts';
import { loadEnvironmentConfig, parseEnvironmentConfig } from '#infra/config.ts';

/**
 * env=cn: the aws-cn partition (Beijing). One build of both stacks (seven functions bundled by the
 * local esbuild, offline); the nag packs run on the same tree.
 */
const cn = loadEnvironmentConfig('cn');
type Resource = { Type: string; Properties: Record<string, unknown> };

let app: App;
let trial: TrialApp;
let stateless: Record<string, Resource>;
let stateful: Record<string, Resource>;
const all = () => ({ ...stateful, ...stateless });
const ofType = (type: string) => Object.values(all()).filter((r) => r.Type === type);
const fnProps = (name: string) => {
  const fn = trial.stateless.functions[name as 'pull-sms'];
  if (!fn) throw new Error(`no function ${name}`);
  return stateless[trial.stateless.getLogicalId(fn.fn.node.defaultChild as CfnElement)]!.Properties;
};
/** Environment of a function with the cross-stack references replaced by placeholder values of the right shape. */
const envOf = (name: string) => {
  const vars = (fnProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : k.endsWith('_ARN') ? 'arn:aws-cn:sns:cn-north-1:123456789012:x' : k === 'CONSOLE_URL' ? 'https://api.example.cn/' : 'trial-table']),
  );
};

beforeAll(() => {
  app = new App();
  trial = buildTrialApp(app, cn);
  stateless = Template.fromStack(trial.stateless).toJSON().Resources as Record<string, Resource>;
  stateful = Template.fromStack(trial.stateful).toJSON().Resources as Record<string, Resource>;
}, 600_000);

describe('env=cn (aws-cn partition)', () => {
  it('has no Cognito, no SNS SMS permission, no two-way SMS topic and no X-Ray', () => {
    expect(Object.values(all()).filter((r) => r.Type.startsWith('AWS::Cognito::'))).toEqual([]);
    const statements = ofType('AWS::IAM::Policy').flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; NotResource?: unknown }[] }).Statement);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).not.toContain('sns:CheckIfPhoneNumberIsOptedOut');
    expect(statements.filter((s) => s.NotResource !== undefined)).toEqual([]);
    expect(actions.filter((a) => a.startsWith('xray:'))).toEqual([]);
    for (const fn of ofType('AWS::Lambda::Function')) expect([undefined, 'PassThrough']).toContain((fn.Properties.TracingConfig as { Mode?: string } | undefined)?.Mode);
    expect(JSON.stringify(stateful)).not.toContain('sms-voice');
    expect(trial.stateless.functions['inbound-sms']).toBeUndefined();
  });

  it('keeps the same table (customer key, PITR, deletion protection), backups, DLQs and alarms', () => {
    const [table] = ofType('AWS::DynamoDB::Table');
    expect(table?.Properties).toMatchObject({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, SSESpecification: { SSEEnabled: true, SSEType: 'KMS' } });
    expect(ofType('AWS::Backup::BackupPlan')).toHaveLength(1);
    // Every asynchronously invoked function has a KMS-encrypted DLQ.
    for (const q of ofType('AWS::SQS::Queue')) expect(q.Properties.KmsMasterKeyId).toBeDefined();
    const alarms = ofType('AWS::CloudWatch::Alarm').map((a) => String(a.Properties.AlarmDescription));
    expect(alarms.some((d) => d.includes('pull-sms: the function failed'))).toBe(true);
    expect(alarms.some((d) => d.includes('provider pull has not run'))).toBe(true);
    expect(alarms.some((d) => d.includes('dispatcher has not run'))).toBe(true);
    expect(alarms.some((d) => d.includes('SMS spend'))).toBe(false); // SNS metrics: not in China
  });

  it('keeps the provider credentials in Secrets Manager under the data key, readable only by the SMS functions', () => {
    const [secret] = ofType('AWS::SecretsManager::Secret');
    expect(secret?.Properties.KmsKeyId).toBeDefined();
    const readers = ofType('AWS::IAM::Policy').filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue'));
    expect(readers).toHaveLength(2); // dispatch-reminders (reminders) and pull-sms (the replies it pulls or retries)
    expect(envOf('dispatch-reminders').SMS_PROVIDER).toBe('aliyun');
    // The sweep texts no one: no provider, no secret (the retry of unprocessed replies runs in pull-sms).
    expect(Object.keys(envOf('sweep-adherence')).filter((k) => k.startsWith('SMS_') || k.startsWith('ALIYUN_'))).toEqual([]);
    expect(() => parseEnv(dispatchRemindersEnvSchema, envOf('dispatch-reminders'))).not.toThrow();
  });

  it('pulls the provider queues every minute, with the env the pull function parses', () => {
    const schedules = ofType('AWS::Scheduler::Schedule').map((s) => s.Properties.ScheduleExpression);
    expect(schedules.filter((e) => e === 'rate(1 minute)')).toHaveLength(2); // dispatch and pull
    const env = parseEnv(pullSmsEnvSchema, envOf('pull-sms'));
    expect(env).toMatchObject({ SMS_PROVIDER: 'aliyun', ALIYUN_QUEUE_SMSUP: cn.config.aliyun?.queues.smsUp });
  });

  it('authorizes the API with a JWT authorizer on the configured OIDC issuer and audience; the function verifies again', () => {
    const [authorizer] = ofType('AWS::ApiGatewayV2::Authorizer');
    const auth = cn.config.auth.mode === 'oidc' ? cn.config.auth : undefined;
    expect(authorizer?.Properties).toMatchObject({ AuthorizerType: 'JWT', JwtConfiguration: { Issuer: auth?.issuer, Audience: [auth?.clientId] } });
    const env = parseEnv(coordinatorApiEnvSchema, envOf('coordinator-api'));
    expect(env).toMatchObject({ AUTH_MODE: 'oidc', OIDC_ISSUER: auth?.issuer, OIDC_ROLES_CLAIM: 'groups' });
  });

  it('writes every ARN through the partition (no literal arn:aws:)', () => {
    const text = JSON.stringify({ stateful, stateless });
    expect(text).not.toMatch(/"arn:aws:/);
    expect(text).toContain('{"Ref":"AWS::Partition"}');
  });

  it('cdk-nag AwsSolutions and HIPAA Security report no unacknowledged finding', () => {
    const violations = [new AwsSolutionsChecks(app), new HIPAASecurityChecks(app)].flatMap((pack) =>
      pack.validateScope(app).violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    );
    expect(violations).toEqual([]);
  });
});

describe('env=cn configuration guards', () => {
  const raw = () => structuredClone(JSON.parse(JSON.stringify(cn.config))) as Record<string, unknown>;
  it('refuses SNS, Cognito or X-Ray in a China region, and aliyun without its queues', () => {
    expect(() => parseEnvironmentConfig({ ...raw(), smsProvider: 'sns' })).toThrow(/smsProvider: SNS sends no SMS in the China regions/);
    expect(() => parseEnvironmentConfig({ ...raw(), auth: { mode: 'cognito' }, cognito: { domainPrefix: 'x-y' } })).toThrow(/auth\.mode: Cognito user pools do not exist/);
    expect(() => parseEnvironmentConfig({ ...raw(), tracing: true })).toThrow(/tracing: X-Ray/);
    const { aliyun: _a, ...noQueues } = raw();
    expect(() => parseEnvironmentConfig(noQueues)).toThrow(/aliyun: required when smsProvider is aliyun/);
  });
});
