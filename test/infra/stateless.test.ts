import { existsSync, readFileSync } from 'node:fs';
import { App, Validations, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type * as z from 'zod/mini';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  coordinatorApiEnvSchema,
  dailySummaryEnvSchema,
  dispatchRemindersEnvSchema,
  inboundSmsEnvSchema,
  planScheduleEnvSchema,
  smsEnvSchema,
  sweepAdherenceEnvSchema,
  weeklyDigestEnvSchema,
} from '#config/env.ts';
import { buildTrialApp, type TrialApp } from '#infra/app.ts';
import { loadEnvironmentConfig } from '#infra/config.ts';
import { FUNCTION_NAMES, PROJECT_ROOT, type FunctionName } from '#infra/constructs/trial-function.ts';
import { PUBLIC_PATHS } from '#infra/stacks/stateless-stack.ts';
import { bundledProtocol } from '#config/protocol.ts';
import { RETRY_UNPROCESSED_INBOUND_TASK, retryUnprocessedInboundEventSchema } from '#config/scheduled-tasks.ts';

/**
 * One build of the whole app (both stacks, seven functions bundled by the local esbuild) shared
 * by every test in this file; the nag packs run on the same construct tree.
 */
const dev = loadEnvironmentConfig('dev');
const ENV_SCHEMAS: Record<FunctionName, z.ZodMiniObject<Record<string, z.ZodMiniType>>> = {
  'dispatch-reminders': dispatchRemindersEnvSchema,
  'plan-schedule': planScheduleEnvSchema,
  'inbound-sms': inboundSmsEnvSchema,
  'sweep-adherence': sweepAdherenceEnvSchema,
  'weekly-digest': weeklyDigestEnvSchema,
  'daily-summary': dailySummaryEnvSchema,
  'coordinator-api': coordinatorApiEnvSchema,
};
/** Set by every function for the runtime and Powertools, not read through the env schemas. */
const PLATFORM_ENV = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL'];

type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; NotResource?: unknown; Sid?: string };
type Resource = { Type: string; Properties: Record<string, unknown> };

let app: App;
let trial: TrialApp;
let template: Template;
let resources: Record<string, Resource>;
let statefulResources: Record<string, Resource>;

const logicalIdOf = (construct: IConstruct) => trial.stateless.getLogicalId(construct.node.defaultChild as CfnElement);
const fnLogicalId = (name: FunctionName) => logicalIdOf(trial.stateless.functions[name]!.fn);
const fnProps = (name: FunctionName) => resources[fnLogicalId(name)]!.Properties;
const asArray = <T,>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Every statement of every IAM policy attached to the function's role. */
function statementsOf(name: FunctionName): Statement[] {
  const roleId = logicalIdOf(trial.stateless.functions[name]!.role);
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}
/** What the role is allowed (explicit denies are checked on their own). */
const actionsOf = (name: FunctionName) => statementsOf(name).filter((s) => s.Effect === 'Allow').flatMap((s) => asArray(s.Action));
/** An export of the stateful stack, as the stateless template imports it. */
const importOf = (statefulLogicalIdPrefix: string) => (value: unknown) => JSON.stringify(value).includes(`ExportsOutputRef${statefulLogicalIdPrefix}`);

beforeAll(() => {
  for (const name of FUNCTION_NAMES) {
    const entry = `${PROJECT_ROOT}functions/${name}/handler.ts`;
    if (!existsSync(entry)) throw new Error(`Missing function entry ${entry}: the CDK app bundles every function`);
  }
  app = new App();
  trial = buildTrialApp(app, dev);
  template = Template.fromStack(trial.stateless);
  resources = template.toJSON().Resources as Record<string, Resource>;
  statefulResources = Template.fromStack(trial.stateful).toJSON().Resources as Record<string, Resource>;
}, 120_000);

describe('every function', () => {
  it.each(FUNCTION_NAMES)('%s runs nodejs24.x on arm64 with active tracing, source maps and its own encrypted log group', (name) => {
    const props = fnProps(name);
    expect(props.Runtime).toBe('nodejs24.x');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.Handler).toBe('index.handler');
    expect(props.TracingConfig).toEqual({ Mode: 'Active' });
    expect((props.Environment as { Variables: Record<string, unknown> }).Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    const logGroupId = (props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(resources[logGroupId]!.Properties.RetentionInDays).toBe(dev.config.logRetentionDays);
    expect(JSON.stringify(resources[logGroupId]!.Properties.KmsKeyId)).toContain('LogsKey');
  });

  it.each(FUNCTION_NAMES)('%s gets exactly the environment its schema in shared/config/env.ts reads, and the values parse', (name) => {
    const variables = (fnProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
    const schema = ENV_SCHEMAS[name];
    const appKeys = Object.keys(variables).filter((k) => !PLATFORM_ENV.includes(k));
    const schemaKeys = Object.keys(schema.shape);
    const required = schemaKeys.filter((k) => !schema.shape[k]!.safeParse(undefined).success);
    expect(appKeys.filter((k) => !schemaKeys.includes(k)), 'set but never read').toEqual([]);
    expect(required.filter((k) => !appKeys.includes(k)), 'required but missing').toEqual([]);
    // Deploy-time values (imports, attributes) become plausible stand-ins; literals are checked as they are.
    const standIn = (key: string, value: unknown) =>
      typeof value === 'string' ? value : key.endsWith('_ARN') ? 'arn:aws:sns:ap-east-1:123456789012:topic' : key.endsWith('URL') ? 'https://example.org/' : 'deploy-time-value';
    const env = Object.fromEntries(appKeys.map((k) => [k, standIn(k, variables[k])]));
    expect(schema.safeParse(env).error?.issues ?? []).toEqual([]);
  });

  it('dispatcher is capped at one concurrent execution; every scheduled job runs one at a time', () => {
    for (const name of ['dispatch-reminders', 'plan-schedule', 'sweep-adherence', 'weekly-digest', 'daily-summary'] as const) {
      expect(fnProps(name).ReservedConcurrentExecutions, name).toBe(1);
    }
    expect(fnProps('inbound-sms').ReservedConcurrentExecutions).toBe(dev.config.concurrency.inboundSms);
    expect(fnProps('coordinator-api').ReservedConcurrentExecutions).toBe(dev.config.concurrency.coordinatorApi);
  });

  it('asynchronously invoked functions send failed events to a KMS-encrypted, SSL-only DLQ with a depth alarm', () => {
    for (const name of FUNCTION_NAMES.filter((n) => n !== 'coordinator-api')) {
      const dlqArn = (fnProps(name).DeadLetterConfig as { TargetArn: { 'Fn::GetAtt': [string, string] } }).TargetArn['Fn::GetAtt'][0];
      expect(resources[dlqArn]!.Type).toBe('AWS::SQS::Queue');
      expect(resources[dlqArn]!.Properties.KmsMasterKeyId, name).toBeDefined();
      const queuePolicy = Object.values(resources).find((r) => r.Type === 'AWS::SQS::QueuePolicy' && JSON.stringify(r.Properties.Queues).includes(dlqArn));
      expect(JSON.stringify(queuePolicy?.Properties.PolicyDocument), name).toContain('aws:SecureTransport');
      const alarm = Object.values(resources).find(
        (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(r.Properties.Dimensions).includes(dlqArn),
      );
      expect(alarm, `${name} DLQ alarm`).toBeDefined();
      expect(statementsOf(name)).toContainEqual(expect.objectContaining({ Action: 'sqs:SendMessage' }));
    }
    expect(fnProps('coordinator-api').DeadLetterConfig).toBeUndefined();
  });
});

describe('least privilege', () => {
  it('no function can Scan, batch, transact or use a DynamoDB wildcard; only the API can delete (a phone change moves its claim)', () => {
    for (const name of FUNCTION_NAMES) {
      const dynamo = actionsOf(name).filter((a) => a.startsWith('dynamodb:'));
      expect(dynamo.some((a) => /Scan|Batch|Transact|PartiQL|\*/.test(a)), name).toBe(false);
      expect(dynamo.includes('dynamodb:DeleteItem'), name).toBe(name === 'coordinator-api');
    }
  });

  it('table grants name the table and its four indexes, never index/*', () => {
    for (const name of FUNCTION_NAMES) {
      const table = statementsOf(name).find((s) => s.Sid === 'TableAccess')!;
      const text = JSON.stringify(table.Resource);
      expect(text).not.toContain('/index/*');
      for (const index of ['gsi1', 'gsi2', 'gsi3', 'gsi4']) expect(text, name).toContain(`/index/${index}`);
    }
  });

  it('no role may update or delete an audit item: an explicit deny on the AUDIT# partitions, on the table itself', () => {
    for (const name of FUNCTION_NAMES) {
      const statements = statementsOf(name) as (Statement & { Condition?: Record<string, Record<string, unknown>> })[];
      const deny = statements.find((s) => s.Sid === 'AuditTrailAppendOnly');
      expect(deny, name).toBeDefined();
      expect(deny!.Effect).toBe('Deny');
      expect(asArray(deny!.Action).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PartiQLDelete', 'dynamodb:PartiQLUpdate', 'dynamodb:UpdateItem']);
      expect(deny!.Condition).toEqual({ 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } });
      const tableArn = (statements.find((s) => s.Sid === 'TableAccess')!.Resource as unknown[])[0];
      expect(asArray(deny!.Resource as unknown)).toEqual([tableArn]);
      // Nothing else in the role can change an item without going through UpdateItem/DeleteItem/PutItem.
      const allowed = actionsOf(name).filter((a) => a.startsWith('dynamodb:'));
      expect(allowed.filter((a) => !['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'].includes(a)), name).toEqual([]);
    }
  });

  it('the table keeps point-in-time recovery and its backup plan (the audit trail is kept for the record life)', () => {
    const table = Object.values(statefulResources).find((r) => r.Type === 'AWS::DynamoDB::Table')!;
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(JSON.stringify(table.Properties.GlobalSecondaryIndexes)).toContain('"gsi4"');
    expect(Object.values(statefulResources).some((r) => r.Type === 'AWS::Backup::BackupPlan')).toBe(true);
  });

  it('no function touches Cognito, IAM or KMS key administration', () => {
    for (const name of FUNCTION_NAMES) {
      expect(actionsOf(name).filter((a) => /^(cognito-idp|iam|sts):|^kms:(Create|Put|Schedule|Disable)/.test(a)), name).toEqual([]);
    }
  });

  it.each(['dispatch-reminders', 'inbound-sms'] as const)(
    '%s texts phone numbers (Publish to no SNS ARN), checks opt-outs, and may publish to the alert topic only',
    (name) => {
      const publish = statementsOf(name).filter((s) => asArray(s.Action).includes('sns:Publish'));
      const toPhones = publish.filter((s) => s.NotResource !== undefined);
      expect(toPhones).toHaveLength(1);
      expect(toPhones[0]!.Resource).toBeUndefined();
      expect(toPhones[0]!.NotResource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] });
      const toTopics = publish.filter((s) => s.Resource !== undefined);
      expect(toTopics).toHaveLength(1);
      expect(importOf('AlertTopic')(toTopics[0]!.Resource)).toBe(true);
      expect(actionsOf(name)).toContain('sns:CheckIfPhoneNumberIsOptedOut');
    },
  );

  it('sweep publishes to the alert and escalation topics and texts no one (the inbound retry moved to inbound-sms); digest to the alert topic only and never texts', () => {
    const topicsOf = (name: FunctionName) => statementsOf(name).filter((s) => asArray(s.Action).includes('sns:Publish') && s.NotResource === undefined);
    const sweep = topicsOf('sweep-adherence');
    expect(sweep.map((s) => (importOf('AlertTopic')(s.Resource) ? 'alert' : importOf('EscalationTopic')(s.Resource) ? 'escalation' : 'other')).sort()).toEqual(['alert', 'escalation']);
    const digest = topicsOf('weekly-digest');
    expect(digest).toHaveLength(1);
    expect(importOf('AlertTopic')(digest[0]!.Resource)).toBe(true);
    // The daily worklist summary is routine: the coordinators' topic, never the investigator's escalation topic.
    const summary = topicsOf('daily-summary');
    expect(summary).toHaveLength(1);
    expect(importOf('AlertTopic')(summary[0]!.Resource)).toBe(true);
    for (const name of ['sweep-adherence', 'weekly-digest', 'daily-summary'] as const) {
      expect(statementsOf(name).some((s) => s.NotResource !== undefined), name).toBe(false);
      expect([...new Set(actionsOf(name).filter((a) => a.startsWith('sns:')))], name).toEqual(['sns:Publish']);
      expect(actionsOf(name).filter((a) => a.startsWith('secretsmanager:')), name).toEqual([]);
      const variables = Object.keys((fnProps(name).Environment as { Variables: Record<string, unknown> }).Variables);
      expect(variables.filter((v) => v in smsEnvSchema.shape), name).toEqual([]);
    }
  });

  it('plan-schedule and the coordinator API have no SNS permission at all (the API cannot text a phone number)', () => {
    for (const name of ['plan-schedule', 'coordinator-api'] as const) {
      expect(actionsOf(name).filter((a) => a.startsWith('sns:')), name).toEqual([]);
    }
  });

  it('only the coordinator API touches S3: put, get and abort objects of the export bucket, with its key; no list, no delete', () => {
    for (const name of FUNCTION_NAMES) {
      const s3 = actionsOf(name).filter((a) => a.startsWith('s3:'));
      expect(s3.sort(), name).toEqual(name === 'coordinator-api' ? ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'] : []);
    }
    const objects = statementsOf('coordinator-api').find((s) => s.Sid === 'ExportObjects')!;
    expect(JSON.stringify(objects.Resource)).toMatch(/:s3:::trial-sms-dev-exports-.*\/\*"/);
    const key = statementsOf('coordinator-api').find((s) => s.Sid === 'ExportKey')!;
    expect(JSON.stringify(key.Resource)).toContain('DataKey');
    const variables = (fnProps('coordinator-api').Environment as { Variables: Record<string, unknown> }).Variables;
    const bucket = Object.values(statefulResources).find((r) => r.Type === 'AWS::S3::Bucket')!;
    expect(trial.stateless.resolve(variables.EXPORT_BUCKET)).toEqual(trial.stateful.resolve(bucket.Properties.BucketName));
  });

  it('logs go only to the function’s own log group (no AWSLambdaBasicExecutionRole)', () => {
    for (const name of FUNCTION_NAMES) {
      const logs = statementsOf(name).filter((s) => asArray(s.Action).some((a) => a.startsWith('logs:')));
      expect(logs, name).toHaveLength(1);
      expect(logs[0]!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Logs/), 'Arn'] });
      const role = resources[logicalIdOf(trial.stateless.functions[name]!.role)]!;
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('schedules (EventBridge Scheduler)', () => {
  const scheduleFor = (name: FunctionName) => {
    const id = fnLogicalId(name);
    const found = Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule' && JSON.stringify((r.Properties.Target as { Arn: unknown }).Arn).includes(`"${id}"`));
    expect(found, name).toHaveLength(1);
    return found[0]!.Properties as { ScheduleExpression: string; ScheduleExpressionTimezone: string; Target: Record<string, unknown>; FlexibleTimeWindow: unknown };
  };

  it('dispatch every minute, plan daily 02:00, sweep every 15 minutes, digest Monday 08:00, worklist summary daily at the protocol time — in the study time zone', () => {
    expect(scheduleFor('dispatch-reminders').ScheduleExpression).toBe('rate(1 minute)');
    const zoned = {
      'plan-schedule': 'cron(0 2 * * ? *)',
      'sweep-adherence': 'cron(0/15 * * * ? *)',
      'weekly-digest': 'cron(0 8 ? * MON *)',
      // Every day: the function skips weekends and protocol holidays and runs on make-up working days.
      'daily-summary': 'cron(0 9 * * ? *)',
    } as const;
    for (const [name, expression] of Object.entries(zoned) as [FunctionName, string][]) {
      const s = scheduleFor(name);
      expect(s.ScheduleExpression, name).toBe(expression);
      expect(s.ScheduleExpressionTimezone, name).toBe('Asia/Shanghai');
    }
  });

  it('inbound-sms is invoked every inbound.retryAfterMinutes with the constant retry task, which its handler routes to the retry', () => {
    const s = scheduleFor('inbound-sms');
    const minutes = bundledProtocol().inbound.retryAfterMinutes;
    expect(s.ScheduleExpression).toBe(`rate(${minutes} minutes)`);
    expect(s.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: minutes * 60 });
    const input = JSON.parse(s.Target.Input as string) as Record<string, unknown>;
    expect(input).toEqual({ source: 'trial-sms.scheduler', job: 'inbound-sms', task: RETRY_UNPROCESSED_INBOUND_TASK, scheduledTime: '<aws.scheduler.scheduled-time>' });
    // The handler's schema accepts exactly this input as the retry (and the SNS path refuses it).
    expect(retryUnprocessedInboundEventSchema.safeParse(input).success).toBe(true);
    // Still fed by SNS: one subscription, and the retry's 10 s reserve fits its timeout.
    expect(fnProps('inbound-sms').Timeout).toBe(30);
  });

  it('each schedule has a bounded retry policy, a dead-letter queue and no flexible window', () => {
    for (const name of ['dispatch-reminders', 'plan-schedule', 'sweep-adherence', 'weekly-digest', 'daily-summary', 'inbound-sms'] as const) {
      const s = scheduleFor(name);
      expect(s.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      expect(s.Target.RetryPolicy, name).toEqual({ MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) });
      expect(JSON.stringify(s.Target.DeadLetterConfig), name).toContain('ScheduleDeadLetterQueue');
    }
    expect(scheduleFor('dispatch-reminders').Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 60 });
  });

  it('the scheduler role may use the queue key (the DLQ is encrypted) and is assumable only by the scheduler of this account', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } } })],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DeadLetterQueueKey', Action: ['kms:GenerateDataKey', 'kms:Decrypt'] })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^SchedulerRole') }],
    });
  });
});

describe('inbound SMS', () => {
  it('subscribes inbound-sms to the inbound topic, with a dead-letter queue for undeliverable messages', () => {
    const subs = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::Subscription');
    expect(subs).toHaveLength(1);
    expect(subs[0]!.Properties).toMatchObject({ Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': [fnLogicalId('inbound-sms'), 'Arn'] } });
    expect(importOf('InboundSmsTopic')(subs[0]!.Properties.TopicArn)).toBe(true);
    expect(JSON.stringify(subs[0]!.Properties.RedrivePolicy)).toContain('InboundDeliveryDeadLetterQueue');
  });
});

describe('coordinator HTTP API', () => {
  const routes = () => Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties as { RouteKey: string; AuthorizationType?: string; AuthorizerId?: unknown });

  it('puts the Cognito JWT authorizer on every route except the console files and the OpenAPI document', () => {
    const all = routes();
    const publicKeys = PUBLIC_PATHS.map((p) => `GET ${p}`);
    expect(all.map((r) => r.RouteKey).sort()).toEqual([...publicKeys, 'ANY /api/{proxy+}'].sort());
    for (const route of all.filter((r) => !publicKeys.includes(r.RouteKey))) {
      expect(route.AuthorizationType, route.RouteKey).toBe('JWT');
      expect(route.AuthorizerId, route.RouteKey).toBeDefined();
    }
    for (const route of all.filter((r) => publicKeys.includes(r.RouteKey))) expect(route.AuthorizationType ?? 'NONE').toBe('NONE');
  });

  it('the authorizer trusts only this user pool and the console client', () => {
    const authorizer = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Authorizer')!.Properties as {
      AuthorizerType: string;
      IdentitySource: string[];
      JwtConfiguration: { Audience: unknown[]; Issuer: unknown };
    };
    expect(authorizer.AuthorizerType).toBe('JWT');
    expect(authorizer.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(JSON.stringify(authorizer.JwtConfiguration.Issuer)).toMatch(/cognito-idp\..*ExportsOutputRefCoordinatorUserPool/);
    expect(authorizer.JwtConfiguration.Audience).toEqual([{ Ref: expect.stringMatching(/^ConsoleClient/) }]);
  });

  it('the console client uses the authorization code flow without a secret (PKCE) and redirects to the API', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      GenerateSecret: false,
      CallbackURLs: [{ 'Fn::Join': ['', [Match.anyValue(), '/']] }],
      SupportedIdentityProviders: ['COGNITO'],
    });
  });

  it('the $default stage is throttled and writes JSON access logs to an encrypted log group', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: dev.config.api.throttleRateLimit, ThrottlingBurstLimit: dev.config.api.throttleBurstLimit },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context.requestId') },
    });
  });
});

describe('alarms', () => {
  const alarms = () => Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties);

  it('every function has an errors alarm', () => {
    for (const name of FUNCTION_NAMES) {
      const found = alarms().find((a) => a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes(`"${fnLogicalId(name)}"`));
      expect(found, name).toBeDefined();
    }
  });

  it('watches dispatcher lag, a silent dispatcher, SMS failure rate and SMS spend', () => {
    const all = alarms();
    expect(all.find((a) => a.Namespace === 'TrialSms' && a.MetricName === 'DispatchLagSeconds')).toMatchObject({
      Dimensions: [{ Name: 'service', Value: 'dispatch-reminders' }],
      Threshold: dev.config.dispatch.lagAlarmSeconds,
    });
    expect(all.find((a) => a.MetricName === 'Invocations' && JSON.stringify(a.Dimensions).includes(fnLogicalId('dispatch-reminders')))).toMatchObject({
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(JSON.stringify(all.find((a) => JSON.stringify(a.Metrics ?? '').includes('NumberOfNotificationsFailed')))).toContain('PhoneNumberDirect');
    expect(all.find((a) => a.MetricName === 'SMSMonthToDateSpentUSD')).toMatchObject({ Namespace: 'AWS/SNS', Threshold: dev.config.sms.monthlySpendAlarmUsd });
  });

  it('every alarm notifies the ops topic', () => {
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions, String(alarm.AlarmDescription)).toEqual([expect.objectContaining({ 'Fn::ImportValue': expect.stringMatching(/OpsTopic/) })]);
    }
  });
});

describe('portability and security review', () => {
  it('no template hard-codes the aws partition or an account id', () => {
    for (const json of [JSON.stringify(resources), JSON.stringify(statefulResources)]) {
      expect(json).not.toMatch(/arn:aws:/);
      expect(json).not.toMatch(/\b\d{12}\b/);
    }
  });

  const packs = () => [new AwsSolutionsChecks(), new HIPAASecurityChecks()];

  it('cdk-nag AwsSolutions and HIPAA Security report no unacknowledged finding', () => {
    const violations = packs().flatMap((pack) =>
      pack.validateScope(app).violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    );
    expect(violations).toEqual([]);
  });

  const acknowledgements = () => {
    const found: { path: string; id: string; reason: string }[] = [];
    const walk = (c: IConstruct) => {
      for (const entry of c.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
      for (const child of c.node.children) walk(child);
    };
    walk(app);
    return found;
  };

  it('every acknowledgement has a one-line reason and silences a finding that really occurs (no stale ones)', () => {
    // Read the raw findings by switching the packs' acknowledgement lookup off (a private method of cdk-nag v3).
    const proto = NagPack.prototype as unknown as { isAcknowledged: unknown };
    expect(typeof proto.isAcknowledged).toBe('function');
    const original = proto.isAcknowledged;
    const raw: { rule: string; path: string }[] = [];
    try {
      proto.isAcknowledged = () => false;
      for (const pack of packs()) for (const v of pack.validateScope(app).violations) for (const r of v.violatingResources) raw.push({ rule: v.ruleName, path: r.constructPath ?? '' });
    } finally {
      proto.isAcknowledged = original;
    }
    const acks = acknowledgements();
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, ack.id).toBeGreaterThan(30);
      expect(ack.reason, ack.id).not.toContain('\n');
      expect(raw.some((f) => f.rule === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`))), `${ack.id} at ${ack.path}`).toBe(true);
    }
  });

  it('docs/security.md lists every acknowledged rule', () => {
    const doc = readFileSync(`${PROJECT_ROOT}docs/security.md`, 'utf8');
    // Logical ids vary with construct paths: the doc names them <Function.Arn>.
    const ids = new Set(acknowledgements().map((a) => a.id.replace(/<[A-Za-z0-9]+[0-9A-F]{8}\.Arn>/, '<Function.Arn>')));
    for (const id of ids) expect(doc, id).toContain(id);
  });
});
