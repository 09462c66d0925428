import type { InboundSmsRecord } from '#ports/inbound-sms.ts';
import type { DeliveryReceiptLog, SmsUpstream, UpstreamKind, UpstreamMessage } from '#ports/sms-upstream.ts';
import { handleInboundSms, type InboundSmsDeps } from './inbound/index.ts';

/**
 * The mainland provider has no webhook we can expose without an ICP licence: every minute this
 * pulls what it holds — patients' replies first (a red flag must not wait behind receipts), then
 * delivery receipts — and acknowledges each message only once it is handled.
 * - replies go to the same inbound use case as SNS, keyed by the provider's message id: a
 *   duplicate push or a redelivery is stored and answered once; a batch is handled in the order
 *   the patients sent (queues do not keep order);
 * - receipts set delivered / failed (with the carrier's code) on the outbound message; one that
 *   arrives before its outbound record is left for the next pull;
 * - a body that is not what the provider documents is acknowledged and counted as poison (its
 *   queue id logged, never its text); a message that keeps failing is dropped after
 *   `maxDeliveries` (a reply was stored before processing began, so its text is not lost);
 * - the provider down: nothing is acknowledged, the error is raised (alarm), the next run retries.
 */
export interface PullDeps {
  upstream: SmsUpstream;
  receipts: DeliveryReceiptLog;
  inbound: InboundSmsDeps;
}

export interface PullOptions {
  /** Unique per run (the Lambda request id): the inbound processing lease owner. */
  owner: string;
  /** Messages per receive (the provider's batch is at most 16). */
  batchSize?: number;
  /** Batches per kind per run. */
  maxBatches?: number;
  /** Deliveries after which a failing message is dropped. */
  maxDeliveries?: number;
  remainingMs?: () => number;
  /** Told about each dropped or failed message: queue ids and reasons only. */
  onProblem?: (problem: { kind: UpstreamKind; queueMessageId: string; problem: 'poison' | 'failed' | 'dropped' | 'orphan_receipt'; detail: string }) => void;
}

export interface PullResult {
  replies: number;
  receipts: number;
  duplicates: number;
  /** Unreadable bodies, and messages dropped after maxDeliveries. */
  poison: number;
  /** Receipts for no outbound message, dropped after maxDeliveries. */
  orphans: number;
  /** Left with the provider for a later pull (busy, failed, receipt before its message). */
  left: number;
  /** Kinds whose pull failed (provider down). */
  unavailable: UpstreamKind[];
}

export class UpstreamPullError extends Error {
  constructor(
    readonly result: PullResult,
    readonly causes: unknown[],
  ) {
    super(`SMS provider pull failed for ${result.unavailable.join(', ')}`);
    this.name = 'UpstreamPullError';
  }
}

export function replyRecord(message: UpstreamMessage & { content: { type: 'reply' } }): InboundSmsRecord {
  const { reply } = message.content;
  return {
    snsMessageId: message.queueMessageId,
    receivedAt: reply.sentAt,
    payload: { originationNumber: reply.from, destinationNumber: reply.to || 'provider', messageBody: reply.text, inboundMessageId: reply.providerMessageId },
  };
}

export async function pullSmsUpstream(deps: PullDeps, options: PullOptions): Promise<PullResult> {
  const result: PullResult = { replies: 0, receipts: 0, duplicates: 0, poison: 0, orphans: 0, left: 0, unavailable: [] };
  const causes: unknown[] = [];
  for (const kind of ['reply', 'receipt'] as const) {
    try {
      await pullKind(deps, options, kind, result);
    } catch (error) {
      result.unavailable.push(kind);
      causes.push(error);
    }
  }
  if (causes.length > 0) throw new UpstreamPullError(result, causes);
  return result;
}

async function pullKind(deps: PullDeps, options: PullOptions, kind: UpstreamKind, result: PullResult): Promise<void> {
  const batchSize = options.batchSize ?? 16;
  const maxDeliveries = options.maxDeliveries ?? 5;
  for (let batch = 0; batch < (options.maxBatches ?? 10); batch++) {
    if ((options.remainingMs?.() ?? Infinity) < 15_000) return;
    const messages = await deps.upstream.receive(kind, batchSize);
    if (messages.length === 0) return;
    const done: string[] = [];
    const problem = (m: UpstreamMessage, p: 'poison' | 'failed' | 'dropped' | 'orphan_receipt', detail: string) => options.onProblem?.({ kind, queueMessageId: m.queueMessageId, problem: p, detail });
    for (const message of inSendOrder(messages)) {
      const { content } = message;
      try {
        if (content.type === 'unreadable') {
          result.poison++;
          problem(message, 'poison', content.issues.join(' '));
          done.push(message.handle);
        } else if (content.type === 'reply') {
          const handled = await handleInboundSms(deps.inbound, replyRecord({ ...message, content }), { workerId: `${options.owner}#${message.queueMessageId}` });
          if (handled.status === 'busy') {
            result.left++;
            continue;
          }
          if (handled.status === 'duplicate') result.duplicates++;
          else result.replies++;
          done.push(message.handle);
        } else {
          const outcome = await deps.receipts.recordDelivery(content.receipt);
          if (outcome === 'unknown_message') {
            if (message.deliveryCount >= maxDeliveries) {
              result.orphans++;
              problem(message, 'orphan_receipt', `no outbound message after ${message.deliveryCount} deliveries`);
              done.push(message.handle);
            } else result.left++;
            continue;
          }
          if (outcome === 'unchanged') result.duplicates++;
          else result.receipts++;
          done.push(message.handle);
        }
      } catch (error) {
        if (message.deliveryCount >= maxDeliveries) {
          result.poison++;
          problem(message, 'dropped', `${(error as Error).name} after ${message.deliveryCount} deliveries`);
          done.push(message.handle);
        } else {
          result.left++;
          problem(message, 'failed', (error as Error).name);
        }
      }
    }
    if (done.length > 0) await deps.upstream.acknowledge(kind, done);
    if (messages.length < batchSize) return;
  }
}

/** Replies in the order patients sent them (a later answer must not be read before an earlier one); the rest as received. */
function inSendOrder(messages: UpstreamMessage[]): UpstreamMessage[] {
  const at = (m: UpstreamMessage) => (m.content.type === 'reply' ? Date.parse(m.content.reply.sentAt) : 0);
  return [...messages].sort((a, b) => at(a) - at(b));
}
