import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import { AccountRecovery, FeaturePlan, Mfa, StandardThreatProtectionMode, UserPool, type UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEYS, TABLE_TTL_ATTRIBUTE } from '#config/table.ts';
import type { EnvironmentConfig } from '../config.ts';

/**
 * The export bucket's name, fixed by environment, account and region, so the stateless stack
 * grants on `arn:…:s3:::<name>/*` by name (an IAM wildcard cdk-nag can acknowledge precisely)
 * rather than through a cross-stack export.
 */
export function exportBucketName(envName: string, stack: Stack): string {
  return `trial-sms-${envName.toLowerCase()}-exports-${stack.account}-${stack.region}`;
}

export interface StatefulStackProps extends StackProps {
  readonly envName: string;
  readonly config: EnvironmentConfig;
}

/**
 * Everything that holds data or identity: the table, its keys and backups, the SNS topics,
 * the coordinator user pool. RETAIN everywhere, deletion protection where the service has it:
 * tearing down or replacing the stateless stack never touches these.
 */
export class StatefulStack extends Stack {
  /** Encrypts the table and its backups. */
  readonly dataKey: Key;
  /** Encrypts SNS topics and SQS dead-letter queues. */
  readonly messagingKey: Key;
  /** Encrypts CloudWatch log groups (function logs, API access logs). */
  readonly logsKey: Key;
  readonly table: Table;
  /** CSV exports: private, SSE-KMS with the data key, deleted after a day; read through presigned links. */
  readonly exportBucket: Bucket;
  /** End User Messaging two-way SMS publishes patients' replies here. */
  readonly inboundSmsTopic: Topic;
  /** Coordinators: missed-dose and red-flag alerts, the weekly digest. */
  readonly alertTopic: Topic;
  /** Investigators: alerts nobody acknowledged in time. */
  readonly escalationTopic: Topic;
  /** IT operations: CloudWatch alarms. */
  readonly opsTopic: Topic;
  readonly userPool: UserPool;
  readonly userPoolDomain: UserPoolDomain;
  /** Role End User Messaging assumes to publish inbound SMS to the encrypted inbound topic. */
  readonly inboundSmsPublisherRole: Role;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config, envName } = props;
    const accountCondition = { StringEquals: { 'aws:SourceAccount': this.account } };

    this.dataKey = new Key(this, 'DataKey', {
      description: `trial-sms ${envName}: DynamoDB table and backups`,
      alias: `alias/trial-sms/${envName}/data`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.messagingKey = new Key(this, 'MessagingKey', {
      description: `trial-sms ${envName}: SNS topics and SQS dead-letter queues`,
      alias: `alias/trial-sms/${envName}/messaging`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Services that write into encrypted topics/queues on their own behalf need the key in its policy.
    this.messagingKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAlarmsAndSnsDeadLetters',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com'), new ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: accountCondition,
      }),
    );
    this.logsKey = new Key(this, 'LogsKey', {
      description: `trial-sms ${envName}: CloudWatch log groups`,
      alias: `alias/trial-sms/${envName}/logs`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logsKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        // The regional principal form works in every partition (logs.cn-north-1.amazonaws.com.cn in China).
        principals: [new ServicePrincipal(`logs.${this.region}.${this.urlSuffix}`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` },
        },
      }),
    );

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Only items that carry the attribute expire: texts from unknown numbers, their reports and day counters.
      timeToLiveAttribute: TABLE_TTL_ATTRIBUTE,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    // Exports are copies of table data, made on request and fetched at once through a 5-minute
    // presigned link: encrypted with the table's key, never public, gone after a day.
    this.exportBucket = new Bucket(this, 'ExportBucket', {
      bucketName: exportBucketName(envName, this),
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: false,
      lifecycleRules: [{ id: 'DeleteExportsAfterOneDay', enabled: true, expiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.exportBucket).acknowledge(
      {
        id: 'AwsSolutions-S1',
        reason: 'Exports live one day and are fetched through 5-minute links the API signs; who exported what is in the audit trail of the API, not in access logs of a transient bucket.',
      },
      { id: 'HIPAA.Security-S3BucketLoggingEnabled', reason: 'As AwsSolutions-S1: each export request is recorded by the API (audit trail); objects live one day.' },
      { id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: 'Exports are re-creatable copies of the table (which is backed up); they are deleted after a day, so nothing to replicate.' },
      { id: 'HIPAA.Security-S3BucketVersioningEnabled', reason: 'Each export is a new object written once and deleted after a day; versions would only keep PHI longer.' },
    );

    // PITR covers 35 days; monthly backups cover the trial's records-retention period.
    const vault = new BackupVault(this, 'BackupVault', { encryptionKey: this.dataKey, removalPolicy: RemovalPolicy.RETAIN });
    const plan = new BackupPlan(this, 'BackupPlan', { backupVault: vault });
    plan.addRule(
      new BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: Schedule.cron({ hour: '19', minute: '0' }),
        deleteAfter: Duration.days(config.backup.dailyRetentionDays),
      }),
    );
    plan.addRule(
      new BackupPlanRule({
        ruleName: 'Monthly',
        scheduleExpression: Schedule.cron({ day: '1', hour: '20', minute: '0' }),
        deleteAfter: Duration.days(config.backup.monthlyRetentionDays),
      }),
    );
    const selection = plan.addSelection('Table', { resources: [BackupResource.fromDynamoDbTable(this.table)] });
    Validations.of(selection).acknowledge({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]`,
      reason: 'AWS Backup needs its AWS-maintained service-role policy to snapshot DynamoDB; the role is assumable only by backup.amazonaws.com.',
    });

    const topic = (id: string, displayName: string, emails: readonly string[]) => {
      const t = new Topic(this, id, { displayName, masterKey: this.messagingKey, enforceSSL: true });
      // The inbound topic is wired into End User Messaging by hand: never replace or drop a topic.
      t.applyRemovalPolicy(RemovalPolicy.RETAIN);
      for (const address of emails) t.addSubscription(new EmailSubscription(address));
      return t;
    };
    this.inboundSmsTopic = topic('InboundSmsTopic', 'Trial SMS inbound (two-way SMS)', []);
    this.alertTopic = topic('AlertTopic', 'Trial SMS coordinator alerts', config.alertEmails);
    this.escalationTopic = topic('EscalationTopic', 'Trial SMS escalations', config.escalationEmails);
    this.opsTopic = topic('OpsTopic', 'Trial SMS operations alarms', config.opsEmails);

    this.inboundSmsPublisherRole = new Role(this, 'InboundSmsPublisherRole', {
      description: 'Assumed by AWS End User Messaging SMS to publish two-way SMS replies to the inbound topic',
      assumedBy: new ServicePrincipal('sms-voice.amazonaws.com', { conditions: accountCondition }),
    });
    this.inboundSmsPublisherRole.addToPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['sns:Publish'], resources: [this.inboundSmsTopic.topicArn] }),
    );
    this.inboundSmsPublisherRole.addToPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.messagingKey.keyArn] }),
    );

    const plus = config.cognito.featurePlan === 'PLUS';
    this.userPool = new UserPool(this, 'CoordinatorUserPool', {
      userPoolName: `trial-sms-${envName}-coordinators`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: plus ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(plus ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (!plus) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason: 'The Plus feature plan (threat protection) is not offered in this region; MFA is required for every user instead.',
      });
    }
    this.userPool.addGroup('CoordinatorGroup', { groupName: 'coordinator', description: 'Research coordinators: enroll, review, acknowledge' });
    this.userPool.addGroup('MonitorGroup', { groupName: 'monitor', description: 'Data/safety monitors: read-only, digests and exports' });
    this.userPoolDomain = this.userPool.addDomain('HostedDomain', { cognitoDomain: { domainPrefix: config.cognito.domainPrefix } });

    Validations.of(this.inboundSmsPublisherRole).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason: 'The role has one inline policy (publish to the inbound topic, use its key), created and deleted with the role.',
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ExportBucketName', { value: this.exportBucket.bucketName });
    new CfnOutput(this, 'InboundSmsTopicArn', { value: this.inboundSmsTopic.topicArn, description: 'Two-way SMS destination (End User Messaging)' });
    new CfnOutput(this, 'InboundSmsPublisherRoleArn', { value: this.inboundSmsPublisherRole.roleArn, description: 'Two-way channel role' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'CognitoDomain', { value: this.userPoolDomain.baseUrl() });
  }
}
