import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TABLE_ENV_VAR, TABLE_INDEXES } from '#config/table.ts';
import { BUNDLE_CONDITIONS, BUNDLING, ESBUILD_BIN, FUNCTION_SIDE_MODULES, RUNTIME_PROVIDED_MODULES, sideModuleEsbuildArgs } from './bundling.ts';

/** A string with CDK tokens as cdk-nag prints them in finding ids (arn:<AWS::Partition>:…). */
function nagText(value: string, stack: Stack): string {
  const pseudo: [string, string][] = [
    [stack.partition, '<AWS::Partition>'],
    [stack.account, '<AWS::AccountId>'],
    [stack.region, '<AWS::Region>'],
  ];
  return pseudo.reduce((text, [token, name]) => (Token.isUnresolved(token) ? text.split(token).join(name) : text), value);
}

/** One argument for bash (the afterBundling hook's commands are shell lines). */
const shellQuote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** Repository root: the esbuild project root and the place of package-lock.json. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The functions of the system; each has its entry at functions/<name>/handler.ts. */
export const FUNCTION_NAMES = ['dispatch-reminders', 'plan-schedule', 'inbound-sms', 'sweep-adherence', 'weekly-digest', 'daily-summary', 'coordinator-api'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];
/** Functions only the mainland (aliyun) environment has: the provider's queues are pulled, not pushed. */
export const MAINLAND_FUNCTION_NAMES = ['pull-sms'] as const;
export type AnyFunctionName = FunctionName | (typeof MAINLAND_FUNCTION_NAMES)[number];

/**
 * What a function may do with the table. Only these DynamoDB actions exist in the adapters
 * (no Scan, no batch, no transactions), so nothing else is ever granted.
 * - read: GetItem, Query
 * - readWrite: + PutItem, UpdateItem (conditional writes)
 * - readWriteDelete: + DeleteItem (only a phone-number change moves a unique claim)
 */
export type TableAccess = 'read' | 'readWrite' | 'readWriteDelete';

/** What no function may do to an audit item (leading key AUDIT#…), whatever else it is allowed. */
export const AUDIT_DENIED_ACTIONS = ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'] as const;
export const AUDIT_PARTITION_PATTERN = 'AUDIT#*';

export const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  readWrite: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  readWriteDelete: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
};

const KEY_ACTIONS: Record<TableAccess, readonly string[]> = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  readWrite: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
  readWriteDelete: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
};

export interface TrialFunctionProps {
  readonly name: AnyFunctionName;
  /** X-Ray active tracing (default true; not integrated with Lambda in the China regions). */
  readonly tracing?: boolean;
  readonly description: string;
  /** Defaults to functions/<name>/handler.ts. */
  readonly entry?: string;
  readonly memorySize?: number;
  readonly timeout: Duration;
  /** Caps parallel executions; the scheduled jobs run one at a time. */
  readonly reservedConcurrency: number;
  /**
   * Invoked asynchronously (Scheduler, SNS): failed events go to a KMS-encrypted SQS dead-letter
   * queue after `retryAttempts`, with an alarm on its depth. Synchronous (API) functions have none.
   */
  readonly async?: { readonly retryAttempts: number; readonly maxEventAge: Duration };
  readonly environment?: Record<string, string>;
  readonly logRetention: RetentionDays;
  readonly logsKey: IKey;
  /** Encrypts the dead-letter queue. */
  readonly queueKey: IKey;
  /** Where this function's alarms go. */
  readonly alarmTopic: ITopic;
}

/**
 * One place for every function default: nodejs24.x on arm64, ESM bundled and minified by the
 * local esbuild with source maps, its own KMS-encrypted log group with retention, X-Ray active
 * tracing, reserved concurrency, a dead-letter queue with an alarm (async functions), an error
 * alarm, Powertools settings, and an execution role that starts empty: each `bind*`/`allow*`
 * helper adds exactly the actions the function needs and sets the matching env variable.
 */
export class TrialFunction extends Construct {
  readonly name: AnyFunctionName;
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly deadLetterQueue?: Queue;
  readonly errorsAlarm: Alarm;
  readonly deadLetterAlarm?: Alarm;
  private readonly alarmAction: SnsAction;

  constructor(scope: Construct, id: string, props: TrialFunctionProps) {
    super(scope, id);
    this.name = props.name;
    this.alarmAction = new SnsAction(props.alarmTopic);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logsKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Own role instead of AWSLambdaBasicExecutionRole: logs only to this function's log group.
    this.role = new Role(this, 'Role', {
      description: `Execution role of ${props.name}`,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    this.role.addToPolicy(
      new PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );

    if (props.async) {
      this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: props.queueKey,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      // Lambda writes failed events with the execution role: the queue key must be usable by it.
      this.role.addToPolicy(new PolicyStatement({ sid: 'DeadLetterQueueKey', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.queueKey.keyArn] }));
    }

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry ?? `${PROJECT_ROOT}functions/${props.name}/handler.ts`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing === false ? Tracing.DISABLED : Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrency,
      ...(props.async
        ? {
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: props.async.retryAttempts,
            maxEventAge: props.async.maxEventAge,
          }
        : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: 'TrialSms',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: BUNDLING.minify,
        sourceMap: true,
        target: BUNDLING.target,
        charset: Charset.UTF8,
        mainFields: [...BUNDLING.mainFields],
        banner: BUNDLING.banner,
        externalModules: [...RUNTIME_PROVIDED_MODULES],
        // `#lazy/*` resolves to the side modules' loaders (shared/lazy/); each side module is then
        // built beside index.mjs by the same local esbuild, with the same arguments as the bench.
        esbuildArgs: { '--conditions': BUNDLE_CONDITIONS.join(',') },
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) =>
            (FUNCTION_SIDE_MODULES[props.name] ?? []).map((side) =>
              [`${PROJECT_ROOT}${ESBUILD_BIN}`, ...sideModuleEsbuildArgs(side, PROJECT_ROOT, outputDir, { sourceMap: true })].map(shellQuote).join(' '),
            ),
        },
        forceDockerBundling: false,
      },
    });

    // Lambda adds X-Ray write actions on '*' to the role's default policy.
    if (props.tracing !== false) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
      });
    }
    Validations.of(this.fn).acknowledge({
      id: 'HIPAA.Security-LambdaInsideVPC',
      reason: 'The function reaches only DynamoDB, SNS and KMS over TLS with IAM auth; a VPC would add NAT cost and no isolation for these public endpoints.',
    });
    if (!props.async) {
      Validations.of(this.fn).acknowledge({
        id: 'HIPAA.Security-LambdaDLQ',
        reason: 'Invoked synchronously by API Gateway: the caller receives the error; a DLQ only applies to asynchronous invocations.',
      });
    }

    this.errorsAlarm = new Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `${props.name}: the function failed (see its log group)`,
      metric: this.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm.addAlarmAction(this.alarmAction);
    if (this.deadLetterQueue) {
      this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
        alarmDescription: `${props.name}: events failed every retry and wait in the dead-letter queue`,
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      this.deadLetterAlarm.addAlarmAction(this.alarmAction);
    }
  }

  /** Sets TABLE_NAME and grants only the DynamoDB actions of `access` on the table and its indexes, plus the key use they need. */
  bindTable(table: ITable, key: IKey, access: TableAccess): this {
    this.fn.addEnvironment(TABLE_ENV_VAR, table.tableName);
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'TableAccess',
        actions: [...TABLE_ACTIONS[access]],
        resources: [table.tableArn, ...TABLE_INDEXES.map((index) => `${table.tableArn}/index/${index.indexName}`)],
      }),
    );
    this.role.addToPolicy(new PolicyStatement({ sid: 'TableKey', actions: [...KEY_ACTIONS[access]], resources: [key.keyArn] }));
    // The audit trail is append-only for every function: an explicit deny (it wins over any allow)
    // on changing or deleting an item whose partition key starts AUDIT# (entries, receipts, the
    // chain registry). Appends are conditional puts; what a put could still do is in docs/security.md.
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'AuditTrailAppendOnly',
        effect: Effect.DENY,
        actions: [...AUDIT_DENIED_ACTIONS],
        resources: [table.tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [AUDIT_PARTITION_PATTERN] } },
      }),
    );
    return this;
  }

  /**
   * Exports: write objects to the export bucket (multipart included) and read them back, which a
   * presigned GET signed by this role needs; the bucket's key to encrypt and decrypt them. No
   * list, no delete (the bucket's lifecycle rule deletes), no other bucket.
   */
  allowExportsTo(bucketName: string, key: IKey): this {
    this.fn.addEnvironment('EXPORT_BUCKET', bucketName);
    this.fn.addEnvironment('EXPORT_KMS_KEY_ID', key.keyArn);
    // Its own policy, so the acknowledgement of the object wildcard covers this grant and nothing else.
    const objects = `arn:${Stack.of(this).partition}:s3:::${bucketName}/*`;
    const policy = new Policy(this, 'ExportPolicy', {
      statements: [
        new PolicyStatement({ sid: 'ExportObjects', effect: Effect.ALLOW, actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'], resources: [objects] }),
        new PolicyStatement({ sid: 'ExportKey', effect: Effect.ALLOW, actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
      ],
    });
    policy.attachToRole(this.role);
    Validations.of(policy).acknowledge({
      // The finding names the resource as cdk-nag prints it: pseudo parameters as <AWS::…>.
      id: `AwsSolutions-IAM5[Resource::${nagText(objects, Stack.of(this))}]`,
      reason: 'Export object names are made per request (dataset/day/uuid.csv); the grant is the one export bucket, objects only, no list or delete.',
    });
    return this;
  }

  /** Sets `envVar` to the topic's ARN and allows publishing to that topic only. */
  allowPublishTo(topic: ITopic, key: IKey, envVar: string): this {
    this.fn.addEnvironment(envVar, topic.topicArn);
    this.role.addToPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    this.role.addToPolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
    return this;
  }

  /**
   * SMS to phone numbers. SNS has no resource type or condition key for a phone number, so the
   * narrowest grant is: Publish to anything that is NOT an SNS ARN (topics, endpoints, apps
   * excluded), plus the opt-out check. Kept in its own policy so its acknowledgement cannot
   * cover another wildcard.
   */
  allowSendSms(sms: { senderId?: string; originationNumber?: string; signature?: string; maxPriceUsd?: string }): this {
    const partition = Stack.of(this).partition;
    const policy = new Policy(this, 'SmsPolicy', {
      statements: [
        new PolicyStatement({
          sid: 'SendSmsToPhoneNumbersOnly',
          effect: Effect.ALLOW,
          actions: ['sns:Publish'],
          notResources: [`arn:${partition}:sns:*:*:*`],
        }),
        new PolicyStatement({ sid: 'CheckSmsOptOut', effect: Effect.ALLOW, actions: ['sns:CheckIfPhoneNumberIsOptedOut'], resources: ['*'] }),
      ],
    });
    policy.attachToRole(this.role);
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'sns:CheckIfPhoneNumberIsOptedOut has no resource type; Publish is limited to non-SNS-ARN targets (phone numbers).',
    });
    const env: Record<string, string | undefined> = {
      SMS_SENDER_ID: sms.senderId,
      SMS_ORIGINATION_NUMBER: sms.originationNumber,
      SMS_SIGNATURE: sms.signature,
      SMS_MAX_PRICE_USD: sms.maxPriceUsd,
    };
    for (const [name, value] of Object.entries(env)) if (value !== undefined) this.fn.addEnvironment(name, value);
    return this;
  }

  /** Sets `envVar` to the secret's ARN and allows reading that secret only (and decrypting it with its key). */
  allowReadSecret(secret: ISecret, key: IKey, envVar: string): this {
    this.fn.addEnvironment(envVar, secret.secretArn);
    this.role.addToPolicy(new PolicyStatement({ sid: 'ReadProviderSecret', actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    this.role.addToPolicy(new PolicyStatement({ sid: 'ProviderSecretKey', actions: ['kms:Decrypt'], resources: [key.keyArn] }));
    return this;
  }

  addEnvironment(name: string, value: string): this {
    this.fn.addEnvironment(name, value);
    return this;
  }
}
