import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_INDEXES, TABLE_KEYS, TABLE_TTL_ATTRIBUTE } from '#config/table.ts';
import { loadEnvironmentConfig, parseEnvironmentConfig, type EnvironmentConfig } from '#infra/config.ts';
import { StatefulStack } from '#infra/stacks/stateful-stack.ts';

// The stateful stack has no functions, so it synthesizes in milliseconds: no bundling here.
const dev = loadEnvironmentConfig('dev');

function buildStateful(config: EnvironmentConfig, name = 'test'): StatefulStack {
  return new StatefulStack(new App(), `TrialSms-${name}-Stateful`, { env: { region: config.region }, envName: name, config });
}
const synthStateful = (config: EnvironmentConfig, name = 'test') => Template.fromStack(buildStateful(config, name));

function resourcesOf(template: Template, type: string): [string, { Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }][] {
  return Object.entries(template.findResources(type)) as never;
}

describe('stateful stack: the table', () => {
  let template: Template;
  beforeAll(() => {
    template = synthStateful(dev.config);
  });

  it('uses the key schema and indexes of shared/config/table.ts (the single source of truth), all projected', () => {
    const [[, table]] = resourcesOf(template, 'AWS::DynamoDB::Table') as [[string, { Properties: Record<string, unknown> }]];
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ]);
    const indexes = table.Properties.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown; Projection: unknown }[];
    expect(indexes.map((i) => i.IndexName)).toEqual(TABLE_INDEXES.map((i) => i.indexName));
    for (const spec of TABLE_INDEXES) {
      const index = indexes.find((i) => i.IndexName === spec.indexName)!;
      expect(index.KeySchema).toEqual([
        { AttributeName: spec.partitionKey, KeyType: 'HASH' },
        { AttributeName: spec.sortKey, KeyType: 'RANGE' },
      ]);
      expect(index.Projection).toEqual({ ProjectionType: 'ALL' });
    }
    // The inbound retry queue the sweep reads (no Scan).
    expect(indexes.map((i) => i.IndexName)).toContain('gsi4');
  });

  it('expires items by the TTL attribute (texts from unknown numbers and their reports)', () => {
    const [[, table]] = resourcesOf(template, 'AWS::DynamoDB::Table') as [[string, { Properties: Record<string, unknown> }]];
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_TTL_ATTRIBUTE, Enabled: true });
  });

  it('is on-demand, with point-in-time recovery, deletion protection and a customer-managed KMS key', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } },
    });
  });

  it('survives stack deletion and replacement (RETAIN), as do its keys, backups, topics and the user pool', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::Backup::BackupVault', 'AWS::SNS::Topic', 'AWS::Cognito::UserPool']) {
      const found = resourcesOf(template, type);
      expect(found.length, type).toBeGreaterThan(0);
      for (const [id, resource] of found) {
        expect(resource.DeletionPolicy, `${type} ${id}`).toBe('Retain');
        expect(resource.UpdateReplacePolicy, `${type} ${id}`).toBe('Retain');
      }
    }
  });

  it('encrypts with three customer-managed keys that rotate', () => {
    const keys = resourcesOf(template, 'AWS::KMS::Key');
    expect(keys).toHaveLength(3);
    for (const [, key] of keys) expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('is in a backup plan (daily and monthly, kept for the configured periods) with an encrypted vault', () => {
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { Resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'Arn'] }] },
    });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: Match.arrayWith([
          Match.objectLike({ RuleName: 'Daily', Lifecycle: { DeleteAfterDays: dev.config.backup.dailyRetentionDays } }),
          Match.objectLike({ RuleName: 'Monthly', Lifecycle: { DeleteAfterDays: dev.config.backup.monthlyRetentionDays } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } });
  });
});

describe('stateful stack: topics', () => {
  let template: Template;
  beforeAll(() => {
    template = synthStateful(dev.config);
  });

  it('has the inbound, alert, escalation and ops topics, each KMS-encrypted with the messaging key', () => {
    const topics = resourcesOf(template, 'AWS::SNS::Topic');
    expect(topics.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['AlertTopic', 'EscalationTopic', 'InboundSmsTopic', 'OpsTopic']);
    for (const [id, topic] of topics) {
      expect(topic.Properties.KmsMasterKeyId, id).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^MessagingKey/), 'Arn'] });
    }
  });

  it('refuses plain-HTTP access to every topic (aws:SecureTransport deny)', () => {
    const policies = resourcesOf(template, 'AWS::SNS::TopicPolicy');
    expect(policies).toHaveLength(4);
    for (const [id, policy] of policies) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
      expect(statements, id).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('subscribes the configured e-mail addresses to the alert, escalation and ops topics', () => {
    const emails = resourcesOf(template, 'AWS::SNS::Subscription').map(([, s]) => s.Properties.Endpoint);
    expect(emails.sort()).toEqual([...dev.config.alertEmails, ...dev.config.escalationEmails, ...dev.config.opsEmails].sort());
  });

  it('lets the alarm and SNS services use the messaging key, and End User Messaging publish inbound SMS through a role', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowAlarmsAndSnsDeadLetters',
            Principal: { Service: ['cloudwatch.amazonaws.com', 'sns.amazonaws.com'] },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'sms-voice.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } } })],
      },
    });
  });
});

describe('stateful stack: coordinator user pool', () => {
  let template: Template;
  beforeAll(() => {
    template = synthStateful(dev.config);
  });

  it('requires MFA (TOTP), a strong password, and admits no self sign-up', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: { MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true },
      },
      DeletionProtection: 'ACTIVE',
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('where the Plus plan is not offered (ESSENTIALS), drops threat protection and stays nag-clean through its acknowledgement', () => {
    const essentials = parseEnvironmentConfig({ ...dev.config, cognito: { ...dev.config.cognito, featurePlan: 'ESSENTIALS' } });
    const stack = buildStateful(essentials, 'essentials');
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'ESSENTIALS', MfaConfiguration: 'ON' });
    const violations = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((p) => p.validateScope(stack).violations.map((v) => v.ruleName));
    expect(violations).toEqual([]);
  });

  it('has exactly the coordinator and monitor groups and the configured hosted domain', () => {
    const groups = resourcesOf(template, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['coordinator', 'monitor']);
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: dev.config.cognito!.domainPrefix });
  });
});

describe('stateful stack: the export bucket (issue 13 part 4)', () => {
  let stack: StatefulStack;
  let template: Template;
  beforeAll(() => {
    stack = buildStateful(dev.config, 'exports');
    template = Template.fromStack(stack);
  });

  it('is private, SSE-KMS with the data key, TLS-only, and deletes exports (and abandoned uploads) after a day', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } } },
        ],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: [{ Id: 'DeleteExportsAfterOneDay', Status: 'Enabled', ExpirationInDays: 1, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toHaveLength(1);
  });

  it('is cdk-nag clean (AwsSolutions, HIPAA Security) with each acknowledgement reasoned', () => {
    const violations = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((p) => p.validateScope(stack).violations.map((v) => v.ruleName));
    expect(violations).toEqual([]);
  });
});

describe('configuration', () => {
  it('loads the dev example and applies defaults', () => {
    expect(dev.name).toBe('dev');
    expect(dev.config.studyTimeZone).toBe('Asia/Shanghai');
    expect(dev.config.dispatch.leaseSeconds).toBeGreaterThanOrEqual(30);
  });

  it('rejects a bad config with every faulty field named', () => {
    const bad = { ...structuredClone(dev.config), region: 'mars-1', studyTimeZone: 'Beijing', logRetentionDays: 42, sms: { ...dev.config.sms, senderId: 'a' } };
    expect(() => parseEnvironmentConfig(bad)).toThrow(/region[\s\S]*studyTimeZone[\s\S]*senderId[\s\S]*logRetentionDays|region[\s\S]*studyTimeZone/);
    try {
      parseEnvironmentConfig(bad);
    } catch (error) {
      for (const field of ['region', 'studyTimeZone', 'sms.senderId', 'logRetentionDays']) expect((error as Error).message).toContain(field);
    }
  });

  it('rejects an unknown field (a typo must not be silently ignored)', () => {
    expect(() => parseEnvironmentConfig({ ...dev.config, retentionDays: 30 })).toThrow(/retentionDays/);
  });

  it('names the known environments when asked for a missing one', () => {
    expect(() => loadEnvironmentConfig('prod')).toThrow(/No environment "prod".*known: dev/);
  });
});

describe('partitions', () => {
  it('builds ARNs from the partition, never an "arn:aws:" literal, so China regions work', () => {
    const china = loadEnvironmentConfig('cn').config;
    expect(china.region).toBe('cn-north-1');
    const json = JSON.stringify(synthStateful(china, 'cn').toJSON());
    expect(json).not.toMatch(/arn:aws:/);
    expect(json).toMatch(/AWS::Partition|arn:aws-cn:/);
  });
});
