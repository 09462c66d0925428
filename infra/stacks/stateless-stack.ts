import { CfnOutput, Duration, RemovalPolicy, Stack, TimeZone, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { ApiMapping, DomainName, HttpApi, HttpMethod, LogGroupLogDestination, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { OAuthScope, UserPoolClient, UserPoolClientIdentityProvider, type IUserPool, type UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { bundledProtocol } from '#config/protocol.ts';
import { RETRY_UNPROCESSED_INBOUND_TASK } from '#config/scheduled-tasks.ts';
import type { EnvironmentConfig } from '../config.ts';
import { exportBucketName } from './stateful-stack.ts';
import { TrialFunction, type AnyFunctionName, type TrialFunctionProps } from '../constructs/trial-function.ts';

/** What the stateless stack takes from the stateful one. */
export interface StatefulResources {
  readonly table: ITable;
  readonly dataKey: IKey;
  readonly messagingKey: IKey;
  readonly logsKey: IKey;
  /** SNS environments: End User Messaging publishes replies here. */
  readonly inboundSmsTopic?: ITopic | undefined;
  /** aliyun environments: the provider's AccessKey pair. */
  readonly providerSecret?: ISecret | undefined;
  readonly alertTopic: ITopic;
  readonly escalationTopic: ITopic;
  readonly opsTopic: ITopic;
  /** Cognito environments only. */
  readonly userPool?: IUserPool | undefined;
  readonly userPoolDomain?: UserPoolDomain | undefined;
}

export interface StatelessStackProps extends StackProps {
  readonly envName: string;
  readonly config: EnvironmentConfig;
  readonly stateful: StatefulResources;
  /** Entry file per function; defaults to functions/<name>/handler.ts. */
  readonly entryFor?: (name: AnyFunctionName) => string | undefined;
}

/** The dispatcher reports how late each reminder went out (Powertools metric, `service` dimension). */
export const DISPATCH_LAG_METRIC = { namespace: 'TrialSms', metricName: 'DispatchLagSeconds', service: 'dispatch-reminders' } as const;

/**
 * Routes served without a token, by design: the console's static files and ES modules (the page signs in via
 * Cognito, then calls /api with the token), its public config (pool id, client id, domain) and
 * the OpenAPI document. Everything under /api needs a valid Cognito JWT.
 */
export const PUBLIC_PATHS = ['/', '/index.html', '/app.js', '/styles.css', '/lib/{file}', '/views/{file}', '/config.json', '/openapi.json'] as const;

/**
 * Code and wiring, no data: the seven functions, their Scheduler schedules, the inbound-SMS
 * subscription, the coordinator HTTP API with its Cognito app client, and the alarms.
 * Safe to destroy and redeploy: every byte of state lives in the stateful stack.
 */
export class StatelessStack extends Stack {
  /** The functions of this environment: inbound-sms where SNS delivers replies, pull-sms where the provider is pulled. */
  readonly functions: Partial<Record<AnyFunctionName, TrialFunction>>;
  readonly api: HttpApi;
  /** Cognito environments: the console's app client. */
  readonly consoleClient?: UserPoolClient;
  /** Routes of the coordinator API under /api (all behind the JWT authorizer). */
  readonly apiRoutes: HttpRoute[];
  readonly publicRoutes: HttpRoute[];

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, stateful: s } = props;
    const opsAction = new SnsAction(s.opsTopic);
    const logRetention = config.logRetentionDays as RetentionDays;
    const common = { logRetention, logsKey: s.logsKey, queueKey: s.messagingKey, alarmTopic: s.opsTopic, tracing: config.tracing } satisfies Partial<TrialFunctionProps>;
    const entry = (name: AnyFunctionName) => {
      const file = props.entryFor?.(name);
      return file === undefined ? {} : { entry: file };
    };
    const studyZone = TimeZone.of(config.studyTimeZone);
    // SMS per environment: SNS Publish to phone numbers, or Alibaba Cloud SMS with its AccessKey from Secrets Manager.
    const providerSecret = s.providerSecret;
    const bindSms = (fn: TrialFunction): TrialFunction => {
      if (config.smsProvider === 'sns') return fn.allowSendSms(config.sms);
      if (!providerSecret) throw new Error('smsProvider aliyun needs the stateful stack provider secret');
      fn.addEnvironment('SMS_PROVIDER', 'aliyun').allowReadSecret(providerSecret, s.dataKey, 'ALIYUN_CREDENTIALS_SECRET_ARN');
      if (config.aliyun?.smsEndpoint) fn.addEnvironment('ALIYUN_SMS_ENDPOINT', config.aliyun.smsEndpoint);
      return fn;
    };

    // The API comes first: its URL is the console's address (sweep links, Cognito callback).
    // With `api.edge` the only way in is CloudFront + WAF (edge-stack.ts): the execute-api
    // endpoint is disabled and the API answers on its custom domain, CloudFront's origin.
    const edge = config.api.edge;
    this.api = new HttpApi(this, 'Api', {
      apiName: `trial-sms-${props.envName}`,
      description: 'Coordinator API and console',
      createDefaultStage: false,
      ...(edge ? { disableExecuteApiEndpoint: true } : {}),
    });
    const consoleUrl = edge ? `https://${edge.domainName}/` : `${this.api.apiEndpoint}/`;

    // Functions. Reserved concurrency 1 for the scheduled jobs: one run at a time. The due queue
    // is sharded 4 ways to spread partition load, but one dispatcher per minute drains all
    // shards (a minute's reminders for 60 patients is a handful of items); a second concurrent
    // dispatcher would only contend for the same claims.
    const dispatch = new TrialFunction(this, 'DispatchReminders', {
      ...common,
      name: 'dispatch-reminders',
      ...entry('dispatch-reminders'),
      description: 'Sends the reminders and check-ins that are due, exactly once each',
      memorySize: 512,
      timeout: Duration.seconds(55),
      reservedConcurrency: 1,
      async: { retryAttempts: 0, maxEventAge: Duration.minutes(1) },
      environment: {
        DISPATCH_LEASE_SECONDS: String(config.dispatch.leaseSeconds),
        DISPATCH_CATCH_UP_MINUTES: String(config.dispatch.catchUpMinutes),
        CONSOLE_URL: consoleUrl,
      },
    })
      .bindTable(s.table, s.dataKey, 'readWrite')
      .allowPublishTo(s.alertTopic, s.messagingKey, 'ALERT_TOPIC_ARN');
    bindSms(dispatch);

    const plan = new TrialFunction(this, 'PlanSchedule', {
      ...common,
      name: 'plan-schedule',
      ...entry('plan-schedule'),
      description: 'Materializes the next days of reminders from the protocol',
      memorySize: 512,
      timeout: Duration.minutes(5),
      reservedConcurrency: 1,
      async: { retryAttempts: 2, maxEventAge: Duration.hours(1) },
      environment: { PLAN_DAYS: String(config.planDays) },
    }).bindTable(s.table, s.dataKey, 'readWrite');

    // Replies: pushed by SNS (End User Messaging two-way) or pulled from the provider's queues every minute.
    const inbound = s.inboundSmsTopic
      ? bindSms(
          new TrialFunction(this, 'InboundSms', {
            ...common,
            name: 'inbound-sms',
            ...entry('inbound-sms'),
            description: 'Stores, interprets and answers a patient reply; raises alerts; retries unprocessed replies (schedule)',
            memorySize: 512,
            // 30 s: a delivery's lease is its remaining time + 5 s and must end before Lambda's retry a
            // minute later. The scheduled retry starts texts while 10 s are left (RETRY_RESERVE_MS in
            // the handler). Its run takes one of the reserved executions for a moment every 5 minutes;
            // leases keep it safe beside deliveries, and a throttled SNS delivery is retried by Lambda.
            timeout: Duration.seconds(30),
            reservedConcurrency: config.concurrency.inboundSms,
            async: { retryAttempts: 2, maxEventAge: Duration.hours(6) },
            environment: { CONSOLE_URL: consoleUrl },
          })
            .bindTable(s.table, s.dataKey, 'readWrite')
            .allowPublishTo(s.alertTopic, s.messagingKey, 'ALERT_TOPIC_ARN'),
        )
      : undefined;
    const pull =
      config.smsProvider === 'aliyun' && config.aliyun
        ? bindSms(
            new TrialFunction(this, 'PullSms', {
              ...common,
              name: 'pull-sms',
              ...entry('pull-sms'),
              description: "Pulls patients' replies and delivery receipts from the SMS provider's queues",
              memorySize: 512,
              timeout: Duration.seconds(55),
              reservedConcurrency: 1,
              async: { retryAttempts: 0, maxEventAge: Duration.minutes(1) },
              environment: {
                CONSOLE_URL: consoleUrl,
                ALIYUN_QUEUE_SMSUP: config.aliyun.queues.smsUp,
                ALIYUN_QUEUE_SMSREPORT: config.aliyun.queues.smsReport,
                ...(config.aliyun.mnsEndpoint ? { ALIYUN_MNS_ENDPOINT: config.aliyun.mnsEndpoint } : {}),
              },
            })
              .bindTable(s.table, s.dataKey, 'readWrite')
              .allowPublishTo(s.alertTopic, s.messagingKey, 'ALERT_TOPIC_ARN'),
          )
        : undefined;

    // The sweep texts no one: the retry of inbound texts no delivery finished runs in the functions
    // that process replies (inbound-sms on its schedule below, pull-sms after each pull).
    const sweep = new TrialFunction(this, 'SweepAdherence', {
      ...common,
      name: 'sweep-adherence',
      ...entry('sweep-adherence'),
      description: 'Turns unanswered dose check-ins into missed doses; alerts and re-escalates',
      timeout: Duration.minutes(2),
      reservedConcurrency: 1,
      async: { retryAttempts: 1, maxEventAge: Duration.minutes(10) },
      environment: { CONSOLE_URL: consoleUrl },
    })
      .bindTable(s.table, s.dataKey, 'readWrite')
      .allowPublishTo(s.alertTopic, s.messagingKey, 'ALERT_TOPIC_ARN')
      .allowPublishTo(s.escalationTopic, s.messagingKey, 'ESCALATION_TOPIC_ARN');

    const digest = new TrialFunction(this, 'WeeklyDigest', {
      ...common,
      name: 'weekly-digest',
      ...entry('weekly-digest'),
      description: 'Builds, stores and publishes the weekly safety digest',
      memorySize: 512,
      timeout: Duration.minutes(5),
      reservedConcurrency: 1,
      async: { retryAttempts: 2, maxEventAge: Duration.hours(6) },
      environment: { SMS_COST_PER_PART_USD: String(config.sms.costPerPartUsd), DIGEST_LANGUAGE: config.digestLanguage, CONSOLE_URL: consoleUrl },
    })
      .bindTable(s.table, s.dataKey, 'readWrite')
      .allowPublishTo(s.alertTopic, s.messagingKey, 'ALERT_TOPIC_ARN');

    // The one routine push of a working day: coordinators' topic only (investigators get urgent escalations only).
    const summary = new TrialFunction(this, 'DailySummary', {
      ...common,
      name: 'daily-summary',
      ...entry('daily-summary'),
      description: 'Sends the daily worklist summary to the coordinators (working days, once a day)',
      timeout: Duration.minutes(1),
      reservedConcurrency: 1,
      async: { retryAttempts: 2, maxEventAge: Duration.hours(2) },
      environment: { DIGEST_LANGUAGE: config.digestLanguage, CONSOLE_URL: consoleUrl },
    })
      .bindTable(s.table, s.dataKey, 'readWrite')
      .allowPublishTo(s.alertTopic, s.messagingKey, 'ALERT_TOPIC_ARN');

    const api = new TrialFunction(this, 'CoordinatorApi', {
      ...common,
      name: 'coordinator-api',
      ...entry('coordinator-api'),
      description: 'Coordinator API (review queue, alerts, patients, visits, exports) and console page',
      memorySize: 512,
      timeout: Duration.seconds(29),
      reservedConcurrency: config.concurrency.coordinatorApi,
    })
      .bindTable(s.table, s.dataKey, 'readWriteDelete')
      .allowExportsTo(exportBucketName(props.envName, this), s.dataKey);

    this.functions = {
      'dispatch-reminders': dispatch,
      'plan-schedule': plan,
      ...(inbound ? { 'inbound-sms': inbound } : {}),
      ...(pull ? { 'pull-sms': pull } : {}),
      'sweep-adherence': sweep,
      'weekly-digest': digest,
      'daily-summary': summary,
      'coordinator-api': api,
    };

    // Coordinator console sign-in: the stack's Cognito pool (hosted sign-in), or any OIDC provider
    // (China): authorization code + PKCE either way (public client, no secret).
    const auth = config.auth;
    const userPool = s.userPool;
    const userPoolDomain = s.userPoolDomain;
    let issuer: string;
    let audience: string[];
    if (auth.mode === 'cognito') {
      if (!userPool || !userPoolDomain) throw new Error('auth.mode cognito needs the stateful stack user pool');
      const client = new UserPoolClient(this, 'ConsoleClient', {
        userPool,
        userPoolClientName: 'coordinator-console',
        generateSecret: false,
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        authFlows: { userSrp: true },
        supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        oAuth: {
          flows: { authorizationCodeGrant: true },
          scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
          callbackUrls: [consoleUrl],
          logoutUrls: [consoleUrl],
        },
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.hours(12),
      });
      api
        .addEnvironment('AUTH_MODE', 'cognito')
        .addEnvironment('COGNITO_USER_POOL_ID', userPool.userPoolId)
        .addEnvironment('COGNITO_CLIENT_ID', client.userPoolClientId)
        .addEnvironment('COGNITO_DOMAIN', userPoolDomain.baseUrl());
      this.consoleClient = client;
      issuer = `https://cognito-idp.${this.region}.${this.urlSuffix}/${userPool.userPoolId}`;
      audience = [client.userPoolClientId];
      new CfnOutput(this, 'ConsoleClientId', { value: client.userPoolClientId });
    } else {
      issuer = auth.issuer;
      audience = auth.audience ?? [auth.clientId];
      api
        .addEnvironment('AUTH_MODE', 'oidc')
        .addEnvironment('OIDC_ISSUER', auth.issuer)
        .addEnvironment('OIDC_AUDIENCE', audience.join(','))
        .addEnvironment('OIDC_CLIENT_ID', auth.clientId)
        .addEnvironment('OIDC_ROLES_CLAIM', auth.rolesClaim)
        .addEnvironment('OIDC_SCOPES', auth.scopes.join(' '));
    }

    // HTTP API: throttled $default stage with JSON access logs (no paths or bodies: route keys only).
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: logRetention, encryptionKey: s.logsKey, removalPolicy: RemovalPolicy.RETAIN });
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.api.throttleRateLimit, burstLimit: config.api.throttleBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            user: '$context.authorizer.claims.sub',
            error: '$context.error.message',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    if (edge) {
      const originDomain = new DomainName(this, 'ApiOriginDomain', {
        domainName: edge.originDomainName,
        certificate: Certificate.fromCertificateArn(this, 'ApiOriginCertificate', edge.originCertificateArn),
      });
      new ApiMapping(this, 'ApiOriginMapping', { api: this.api, domainName: originDomain, stage });
      new CfnOutput(this, 'ApiOriginTarget', { value: originDomain.regionalDomainName, description: `Point ${edge.originDomainName} (CNAME/alias) here` });
    }
    const authorizer = new HttpJwtAuthorizer(auth.mode === 'cognito' ? 'CognitoAuthorizer' : 'OidcAuthorizer', issuer, {
      jwtAudience: audience,
      identitySource: ['$request.header.Authorization'],
    });
    const integration = new HttpLambdaIntegration('CoordinatorApiIntegration', api.fn);
    this.apiRoutes = this.api.addRoutes({ path: '/api/{proxy+}', methods: [HttpMethod.ANY], integration, authorizer });
    this.publicRoutes = PUBLIC_PATHS.flatMap((path) => this.api.addRoutes({ path, methods: [HttpMethod.GET], integration }));
    for (const route of this.publicRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'Public by design: static console files and the OpenAPI document hold no data; sign-in happens in the page via Cognito.',
      });
    }

    // Schedules (EventBridge Scheduler): study time zone, bounded retries, failed invocations to a DLQ.
    const scheduleDlq = new Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: s.messagingKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(scheduleDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the schedules; its depth raises an alarm.',
    });
    // One role for all schedules: invoke the scheduled functions, write to the (encrypted) DLQ.
    const schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to invoke the scheduled functions',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
    });
    schedulerRole.addToPolicy(new PolicyStatement({ sid: 'DeadLetterQueueKey', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [s.messagingKey.keyArn] }));
    const schedule = (id: string, fn: TrialFunction, expression: ScheduleExpression, retryAttempts: number, maxEventAge: Duration, task?: string) =>
      new Schedule(this, id, {
        description: task ? `Invokes ${fn.name} with the task ${task}` : `Invokes ${fn.name}`,
        schedule: expression,
        target: new LambdaInvoke(fn.fn, {
          role: schedulerRole,
          deadLetterQueue: scheduleDlq,
          retryAttempts,
          maxEventAge,
          input: ScheduleTargetInput.fromObject({ source: 'trial-sms.scheduler', job: fn.name, ...(task ? { task } : {}), scheduledTime: ContextAttribute.scheduledTime }),
        }),
      });
    const sched = config.schedules;
    schedule('DispatchEveryMinute', dispatch, ScheduleExpression.rate(Duration.minutes(1)), 1, Duration.minutes(1));
    if (pull) schedule('PullSmsEveryMinute', pull, ScheduleExpression.rate(Duration.minutes(1)), 0, Duration.minutes(1));
    // SNS environments: inbound-sms retries the texts no delivery finished (docs/replies.md "Never
    // lost"). Every `inbound.retryAfterMinutes`: a text is due that long after receipt or a failed
    // attempt, so it waits at most one more period. No scheduler retry: the next run comes anyway.
    // (On the mainland pull-sms runs the retry after each pull, every minute.)
    if (inbound) {
      const retryEvery = Duration.minutes(bundledProtocol().inbound.retryAfterMinutes);
      schedule('RetryUnprocessedInbound', inbound, ScheduleExpression.rate(retryEvery), 0, retryEvery, RETRY_UNPROCESSED_INBOUND_TASK);
    }
    schedule(
      'PlanDaily',
      plan,
      ScheduleExpression.cron({ minute: String(sched.plan.minute), hour: String(sched.plan.hour), timeZone: studyZone }),
      3,
      Duration.hours(2),
    );
    schedule(
      'SweepEvery15Minutes',
      sweep,
      ScheduleExpression.cron({ minute: `0/${sched.sweepEveryMinutes}`, timeZone: studyZone }),
      1,
      Duration.minutes(10),
    );
    schedule(
      'DigestMondayMorning',
      digest,
      ScheduleExpression.cron({ weekDay: 'MON', minute: String(sched.digest.minute), hour: String(sched.digest.hour), timeZone: studyZone }),
      3,
      Duration.hours(6),
    );

    // Every day at the protocol's summary time: the function itself skips weekends and the
    // protocol's holidays and runs on its make-up working days, so the calendar lives in one place.
    const [summaryHour, summaryMinute] = bundledProtocol().alerts.dailySummary.time.split(':').map(Number) as [number, number];
    schedule(
      'DailyWorklistSummary',
      summary,
      ScheduleExpression.cron({ minute: String(summaryMinute), hour: String(summaryHour), timeZone: studyZone }),
      3,
      Duration.hours(2),
    );

    for (const fn of [dispatch, plan, sweep, digest, summary, ...(pull ? [pull] : []), ...(inbound ? [inbound] : [])]) {
      Validations.of(schedulerRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason: `Scheduler's Lambda target grants invoke on ${fn.name} and its versions (<arn>:*); no other function.`,
      });
    }

    // Inbound SMS: the topic (stateful stack) delivers to the function; undeliverable messages to a DLQ.
    const inboundDeliveryDlq = new Queue(this, 'InboundDeliveryDeadLetterQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: s.messagingKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(inboundDeliveryDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the inbound SMS subscription; its depth raises an alarm.',
    });
    if (s.inboundSmsTopic && inbound) s.inboundSmsTopic.addSubscription(new LambdaSubscription(inbound.fn, { deadLetterQueue: inboundDeliveryDlq }));

    // Alarms beyond the per-function ones (errors, DLQ depth) that TrialFunction adds.
    const alarm = (id: string, description: string, props: Omit<ConstructorParameters<typeof Alarm>[2], 'alarmDescription'>) => {
      const a = new Alarm(this, id, { alarmDescription: description, ...props });
      a.addAlarmAction(opsAction);
      return a;
    };
    const depth = (queue: Queue) => queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });
    alarm('ScheduleDeadLetterAlarm', 'A scheduled invocation failed every retry (schedule DLQ)', {
      metric: depth(scheduleDlq),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('InboundDeliveryDeadLetterAlarm', 'SNS could not deliver an inbound SMS to the function (subscription DLQ)', {
      metric: depth(inboundDeliveryDlq),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('DispatchLagAlarm', `Reminders go out more than ${config.dispatch.lagAlarmSeconds} s after their due time`, {
      metric: new Metric({
        namespace: DISPATCH_LAG_METRIC.namespace,
        metricName: DISPATCH_LAG_METRIC.metricName,
        dimensionsMap: { service: DISPATCH_LAG_METRIC.service },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold: config.dispatch.lagAlarmSeconds,
      evaluationPeriods: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('DispatchNotRunningAlarm', 'The dispatcher has not run for 10 minutes: reminders are not going out', {
      metric: dispatch.fn.metricInvocations({ period: Duration.minutes(10), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });
    if (config.smsProvider === 'sns') {
      // Direct-to-phone SMS metrics carry the dimension PhoneNumber=PhoneNumberDirect.
      const smsMetric = (metricName: string) =>
        new Metric({ namespace: 'AWS/SNS', metricName, dimensionsMap: { PhoneNumber: 'PhoneNumberDirect' }, statistic: 'Sum', period: Duration.hours(1) });
      alarm('SmsFailureRateAlarm', 'More than 10 % of SMS failed to deliver in the last hour', {
        metric: new MathExpression({
          label: 'SMS failure rate (%)',
          expression: 'IF((delivered + failed) >= 5, 100 * failed / (delivered + failed), 0)',
          usingMetrics: { delivered: smsMetric('NumberOfNotificationsDelivered'), failed: smsMetric('NumberOfNotificationsFailed') },
          period: Duration.hours(1),
        }),
        threshold: 10,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm('SmsSpendAlarm', `SMS spend this month passed ${config.sms.monthlySpendAlarmUsd} USD`, {
        metric: new Metric({ namespace: 'AWS/SNS', metricName: 'SMSMonthToDateSpentUSD', statistic: 'Maximum', period: Duration.hours(1) }),
        threshold: config.sms.monthlySpendAlarmUsd,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
    if (pull) {
      alarm('PullSmsNotRunningAlarm', "The provider pull has not run for 10 minutes: patients' replies are not being read", {
        metric: pull.fn.metricInvocations({ period: Duration.minutes(10), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.BREACHING,
      });
      alarm('PullSmsPoisonAlarm', 'The provider queues held messages that could not be read or handled (see the pull-sms log by queue message id)', {
        metric: new Metric({ namespace: 'TrialSms', metricName: 'PulledPoison', dimensionsMap: { service: 'pull-sms' }, statistic: 'Sum', period: Duration.minutes(15) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    Validations.of(this).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason: 'Each role has its own least-privilege inline policy, created and deleted with it; managed policies would allow reuse beyond one function.',
    });

    new CfnOutput(this, 'ConsoleUrl', { value: consoleUrl });
  }
}
