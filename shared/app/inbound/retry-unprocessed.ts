import { raiseAlert } from '../alerts.ts';
import { processStoredInbound } from './handle-inbound-sms.ts';
import { alerting, SYSTEM_ACTOR, type InboundSmsDeps } from './run.ts';

export interface RetryUnprocessedResult {
  /** Unprocessed texts whose retry time had come. */
  due: number;
  processed: number;
  /** Being processed by a delivery right now (left to it). */
  busy: number;
  failed: number;
  /** `inbound_unprocessed` items raised (first time a text reached the attempt limit). */
  alerted: number;
}

/**
 * The retry of inbound texts no delivery finished (docs/replies.md, "Never lost"), run by the
 * functions that process replies: inbound-sms on a schedule (every `inbound.retryAfterMinutes`),
 * pull-sms after each pull on the mainland. Every stored text not
 * processed by its retry time (`inbound.retryAfterMinutes` after receipt or after a failed attempt)
 * is read from the sparse retry queue (gsi4, no Scan) and processed like a delivery. A failure
 * releases the lease and pushes the retry time back; once a text has failed
 * `inbound.attemptsBeforeAlert` attempts, one routine `inbound_unprocessed` item names it (retries
 * go on, so a fixed cause still gets it processed). One text at a time, until the time budget runs low:
 * a text is started only while `reserveMs` is left (default 10 s: one text's worst case; it must
 * be well under the caller's timeout, 30 s for inbound-sms and 55 s for pull-sms, or nothing is
 * ever started).
 */
export async function retryUnprocessedInbound(
  deps: InboundSmsDeps,
  now: string,
  options: { limit?: number; remainingMs?: () => number; reserveMs?: number; workerId?: string; leaseSeconds?: number } = {},
): Promise<RetryUnprocessedResult> {
  const result: RetryUnprocessedResult = { due: 0, processed: 0, busy: 0, failed: 0, alerted: 0 };
  const due = await deps.messages.listUnprocessedInbound(now, options.limit ?? 50);
  result.due = due.length;
  for (const message of due) {
    if ((options.remainingMs?.() ?? Infinity) < (options.reserveMs ?? 10_000)) break;
    try {
      const outcome = await processStoredInbound(deps, message, {
        resumed: true,
        ...(options.workerId ? { workerId: `${options.workerId}#${message.inboundMessageId}` } : {}),
        ...(options.leaseSeconds ? { leaseSeconds: options.leaseSeconds } : {}),
      });
      if (outcome.status === 'busy') result.busy++;
      else result.processed++;
    } catch {
      result.failed++;
    }
    // Attempts by deliveries and by earlier retries count alike.
    const stored = await deps.messages.getInbound(message.inboundMessageId);
    if (stored && !stored.processedAt && (stored.attempts ?? 0) >= deps.protocol.inbound.attemptsBeforeAlert) {
      if (await raiseUnprocessed(deps, stored.inboundMessageId, stored.attempts ?? 0, stored.receivedAt, stored.lastFailure, now)) result.alerted++;
    }
  }
  return result;
}

async function raiseUnprocessed(deps: InboundSmsDeps, inboundMessageId: string, attempts: number, receivedAt: string, lastFailure: string | undefined, now: string): Promise<boolean> {
  const { created } = await raiseAlert(alerting(deps), {
    kind: 'inbound_unprocessed',
    urgent: false,
    episodeKey: `inbound_unprocessed:${inboundMessageId}`,
    patientId: null,
    studyId: null,
    title: `An inbound text could not be processed after ${attempts} attempts (message ${inboundMessageId}); read it in the console`,
    details: { inboundMessageId, attempts, receivedAt, lastFailure: lastFailure ?? null },
    sourceId: inboundMessageId,
    now,
    actor: SYSTEM_ACTOR,
  });
  return created;
}
