import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2, Context, ScheduledEvent, SNSEvent } from 'aws-lambda';
import * as z from 'zod';
import { e164Schema } from '#domain/patient.ts';

/**
 * The events AWS would hand each Lambda, built locally so the local stack calls the very same
 * handlers: API Gateway HTTP API v2 requests, SNS notifications carrying two-way SMS, and
 * EventBridge Scheduler invocations.
 */

const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'local';
export const LOCAL_INBOUND_TOPIC_ARN = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:trial-inbound-sms`;
/** The study's (fictitious) two-way number that patients text. */
export const LOCAL_STUDY_NUMBER = '+15555550100';

/** A Lambda context; `timeoutMs` is the function's timeout (what getRemainingTimeInMillis counts down from). */
export function lambdaContext(functionName: string, timeoutMs = 60_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An HTTP request as API Gateway's HTTP API (payload format 2.0) passes it to the integration. */
export function apiGatewayEvent(request: {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  sourceIp: string;
  now: Date;
}): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') {
      cookies.push(...(Array.isArray(value) ? value : [value]).flatMap((c) => c.split(/;\s*/)));
      continue;
    }
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of request.url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const path = decodeURIComponent(request.url.pathname);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.url.pathname,
    rawQueryString: request.url.search.replace(/^\?/, ''),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: { method: request.method.toUpperCase(), path, protocol: 'HTTP/1.1', sourceIp: request.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: request.now.toUTCString(),
      timeEpoch: request.now.getTime(),
    },
    ...(request.body ? { body: request.body } : {}),
    isBase64Encoded: false,
  };
}

/** `POST /local/sms/inbound` accepts a short form or the full two-way JSON End User Messaging publishes. */
export const localInboundSchema = z.union([
  z.strictObject({
    originationNumber: e164Schema,
    destinationNumber: z.string().min(1),
    messageKeyword: z.string().min(1),
    messageBody: z.string(),
    inboundMessageId: z.string().min(1),
    previousPublishedMessageId: z.string().min(1).optional(),
  }),
  z.strictObject({
    from: e164Schema,
    body: z.string().max(1600),
    inboundMessageId: z.string().min(1).optional(),
    previousPublishedMessageId: z.string().min(1).optional(),
  }),
]);
export type LocalInbound = z.infer<typeof localInboundSchema>;

export interface TwoWaySmsPayload {
  originationNumber: string;
  destinationNumber: string;
  messageKeyword: string;
  messageBody: string;
  inboundMessageId: string;
  previousPublishedMessageId?: string;
}

export function twoWayPayload(input: LocalInbound, newId: () => string = randomUUID): TwoWaySmsPayload {
  if ('originationNumber' in input) return input;
  return {
    originationNumber: input.from,
    destinationNumber: LOCAL_STUDY_NUMBER,
    messageKeyword: 'KEYWORD_000000000000',
    messageBody: input.body,
    inboundMessageId: input.inboundMessageId ?? newId(),
    ...(input.previousPublishedMessageId ? { previousPublishedMessageId: input.previousPublishedMessageId } : {}),
  };
}

/** The SNS notification Lambda receives when End User Messaging publishes a two-way SMS to the topic. */
export function snsEvent(payload: TwoWaySmsPayload, now: string): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${LOCAL_INBOUND_TOPIC_ARN}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: LOCAL_INBOUND_TOPIC_ARN,
          Subject: '',
          Message: JSON.stringify(payload),
          Timestamp: now,
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'https://sns.local/cert.pem',
          UnsubscribeUrl: 'https://sns.local/unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** What EventBridge Scheduler passes to a Lambda target (the schedule's input; we send the scheduled-event shape). */
export function scheduledEvent(scheduleName: string, now: string): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: LOCAL_ACCOUNT,
    time: now,
    region: LOCAL_REGION,
    resources: [`arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/default/${scheduleName}`],
    detail: {},
  };
}

/**
 * A schedule's constant input carrying a task, exactly as infra/stacks/stateless-stack.ts sets it
 * (Scheduler puts the run's instant into `scheduledTime`): how inbound-sms is told to retry.
 */
export function scheduledTaskEvent(job: string, task: string, now: string): { source: string; job: string; task: string; scheduledTime: string } {
  return { source: 'trial-sms.scheduler', job, task, scheduledTime: now };
}
