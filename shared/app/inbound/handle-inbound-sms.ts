import { randomUUID } from 'node:crypto';
import { isAutoReply, isRepeat, retainUntil } from '#domain/inbound-guards.ts';
import { e164Schema, type Patient } from '#domain/patient.ts';
import { plusMinutes } from '#domain/schedule.ts';
import type { InboundOrigination, InboundMessage } from '#ports/messages.ts';
import type { InboundSmsRecord } from '#ports/inbound-sms.ts';
import { fromPatient } from './patient-message.ts';
import { DEFAULT_LEASE_SECONDS, emptyResult, type InboundResult, type InboundSmsDeps, type Run } from './run.ts';
import { fromUnknownNumber } from './unknown-sender.ts';

/**
 * One inbound SMS (AWS End User Messaging two-way → SNS → inbound-sms). Steps:
 * 1. who: the patient by phone (a read only, so the stored message is filed under the patient);
 * 2. store first: the raw message, keyed by inboundMessageId (a redelivery of a processed
 *    message stops here: no second reply, report or alert);
 * 3. lease: one invocation at a time processes a message (concurrent deliveries: 'busy'); the
 *    delivery that stores it gets the lease in the same write; a failure releases it and counts
 *    the attempt; the scheduled retry (retry-unprocessed.ts) takes what stays unprocessed;
 * 4. context: the open question — the weekly check-in conversation (timed-out steps are closed
 *    and their partial answers filed first) or the dose check-in being answered
 *    (previousPublishedMessageId → outbound → reminder, else the latest sent one);
 * 5. interpretReply (pure);
 * 6. act: STOP/START/HELP; dose outcome on the check-in; conversation step; report for review;
 *    urgent alert + urgent-contact reply for a red flag; routine alert for a relapse sign; one
 *    reply at most;
 * 7. mark processed.
 * Every write after step 2 is keyed from inboundMessageId (report, alert episode, reply id, audit
 * ids), so a redelivery of a message whose processing crashed halfway resumes without doubles.
 */
/** Handles one parsed inbound SMS; idempotent on inboundMessageId. */
export async function handleInboundSms(deps: InboundSmsDeps, record: InboundSmsRecord, options: { workerId?: string; leaseSeconds?: number } = {}): Promise<InboundResult> {
  const { payload } = record;
  const patient = e164Schema.safeParse(payload.originationNumber).success ? await deps.patients.findByPhone(payload.originationNumber) : null;
  const owner = options.workerId ?? randomUUID();
  const leaseSeconds = options.leaseSeconds ?? deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  const lease = { owner, until: new Date(Date.parse(deps.clock.now()) + leaseSeconds * 1000).toISOString() };
  const { created, message } = await deps.messages.storeInbound({
    inboundMessageId: payload.inboundMessageId,
    from: payload.originationNumber,
    to: payload.destinationNumber,
    body: payload.messageBody,
    ...(payload.messageKeyword ? { keyword: payload.messageKeyword } : {}),
    ...(payload.previousPublishedMessageId ? { previousPublishedMessageId: payload.previousPublishedMessageId } : {}),
    receivedAt: record.receivedAt,
    patientId: patient?.id ?? null,
    studyId: patient?.studyId ?? null,
    origination: originationOf(record),
    // Until processed it waits in the retry queue: the scheduled retry takes it if no delivery finishes it.
    retryAt: plusMinutes(record.receivedAt, deps.protocol.inbound.retryAfterMinutes),
    ...(patient ? {} : { retainUntil: retainUntil(record.receivedAt, deps.protocol.inbound.unknownSenders.retentionDays) }),
  }, lease);
  if (!created && message.processedAt) return { ...emptyResult(message.inboundMessageId, message.studyId), status: 'duplicate' };
  // A message this delivery stored is already leased to it (step 3 rode on step 2's write).
  return processStoredInbound(deps, message, { ...options, workerId: owner, leaseSeconds, resumed: !created, patient, leased: created });
}

/**
 * Processes a stored inbound message under the processing lease (a delivery of it, or the scheduled
 * retry). A failure releases the lease at once and records the attempt, so the next try (Lambda's
 * retry about a minute later, or the scheduled retry) is not turned away as "busy"; then it rethrows.
 */
export async function processStoredInbound(
  deps: InboundSmsDeps,
  message: InboundMessage,
  options: { workerId?: string; leaseSeconds?: number; resumed?: boolean; patient?: Patient | null; leased?: boolean } = {},
): Promise<InboundResult> {
  const result = emptyResult(message.inboundMessageId, message.studyId);
  const owner = options.workerId ?? randomUUID();
  const claim = options.leased ? 'claimed' : await deps.messages.claimInboundProcessing(message.inboundMessageId, owner, deps.clock.now(), options.leaseSeconds ?? deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS);
  if (claim === 'processed') return { ...result, status: 'duplicate' };
  if (claim === 'busy') return { ...result, status: 'busy' };
  if (claim === 'missing') throw new Error(`inbound message ${message.inboundMessageId} vanished after it was stored`);

  try {
    const patient = options.patient !== undefined ? options.patient : message.patientId ? await deps.patients.get(message.patientId) : null;
    const now = deps.clock.now();
    const run: Run = {
      deps,
      message,
      now,
      resumed: options.resumed ?? true,
      result,
      sender: { repeat: repeatGuard(deps, message), autoReply: isAutoReply(message.body) },
    };
    const late = Math.floor((Date.parse(now) - Date.parse(message.receivedAt)) / 60_000);
    if (late >= LATE_AFTER_MINUTES) result.lateMinutes = late;
    const interpretation = patient ? await fromPatient(run, patient) : await fromUnknownNumber(run);
    result.intent = interpretation.intent;
    result.redFlag = interpretation.redFlag;
    await deps.messages.markInboundProcessed(message.inboundMessageId, {
      processedAt: deps.clock.now(),
      interpretation: interpretation as unknown as Record<string, unknown>,
      replyIds: result.replyIds,
      withheldReplies: result.withheldReplies,
    });
    return result;
  } catch (error) {
    await releaseAfterFailure(deps, message.inboundMessageId, owner, error);
    throw error;
  }
}

/**
 * Whether the text repeats the sender's previous one, read only when a reply that a repeat would
 * withhold is about to go (most texts get no such reply: a dose confirmation, a red flag's urgent
 * text, the STOP/START confirmations). Read once per run.
 */
function repeatGuard(deps: InboundSmsDeps, message: InboundMessage): () => Promise<boolean> {
  let answer: Promise<boolean> | undefined;
  return () => (answer ??= deps.messages.previousInbound(message).then((previous) => isRepeat(previous, message)));
}

/** Processed this many minutes or more after receipt, a message is late: its red flag says by how much. */
export const LATE_AFTER_MINUTES = 2;

async function releaseAfterFailure(deps: InboundSmsDeps, inboundMessageId: string, owner: string, error: unknown): Promise<void> {
  const now = deps.clock.now();
  try {
    await deps.messages.releaseInboundProcessing(inboundMessageId, owner, {
      at: now,
      reason: error instanceof Error ? error.name : 'Error',
      retryAt: plusMinutes(now, deps.protocol.inbound.retryAfterMinutes),
    });
  } catch {
    // The table is failing too: the lease runs out on its own (it ends before Lambda's retry).
  }
}

const ORIGINATION_KEYS = new Set(['originationNumber', 'destinationNumber', 'messageKeyword', 'inboundMessageId', 'previousPublishedMessageId', 'messageBody']);

/** The provider's metadata as received, with any further scalar fields it adds (bounded), never the body twice. */
function originationOf(record: InboundSmsRecord): InboundOrigination {
  const { payload } = record;
  const extra: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (ORIGINATION_KEYS.has(key) || Object.keys(extra).length >= 20 || key.length > 64) continue;
    if (typeof value === 'string') extra[key] = value.slice(0, 200);
    else if (typeof value === 'number' || typeof value === 'boolean') extra[key] = value;
  }
  return {
    originationNumber: payload.originationNumber,
    destinationNumber: payload.destinationNumber,
    ...(payload.messageKeyword ? { messageKeyword: payload.messageKeyword } : {}),
    inboundMessageId: payload.inboundMessageId,
    ...(payload.previousPublishedMessageId ? { previousPublishedMessageId: payload.previousPublishedMessageId } : {}),
    snsMessageId: record.snsMessageId,
    ...(record.snsTopicArn ? { snsTopicArn: record.snsTopicArn } : {}),
    ...(record.snsTimestamp ? { snsTimestamp: record.snsTimestamp } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}
