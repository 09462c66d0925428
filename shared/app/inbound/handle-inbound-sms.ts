import { randomUUID } from 'node:crypto';
import { e164Schema } from '#domain/patient.ts';
import type { InboundSmsRecord } from '#adapters/sns/inbound-payload.ts';
import { fromPatient } from './patient-message.ts';
import { DEFAULT_LEASE_SECONDS, type InboundResult, type InboundSmsDeps, type Run } from './run.ts';
import { fromUnknownNumber } from './unknown-sender.ts';

/**
 * One inbound SMS (AWS End User Messaging two-way → SNS → inbound-sms). Steps:
 * 1. who: the patient by phone (a read only, so the stored message is filed under the patient);
 * 2. store first: the raw message, keyed by inboundMessageId (a redelivery of a processed
 *    message stops here: no second reply, report or alert);
 * 3. lease: one invocation at a time processes a message (concurrent deliveries: 'busy');
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
export async function handleInboundSms(deps: InboundSmsDeps, record: InboundSmsRecord, options: { workerId?: string } = {}): Promise<InboundResult> {
  const { payload } = record;
  const result: InboundResult = { status: 'processed', inboundMessageId: payload.inboundMessageId, studyId: null, reportIds: [], alertIds: [], replyIds: [], replyFailures: [] };

  const patient = e164Schema.safeParse(payload.originationNumber).success ? await deps.patients.findByPhone(payload.originationNumber) : null;
  result.studyId = patient?.studyId ?? null;
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
  });
  if (!created && message.processedAt) return { ...result, status: 'duplicate' };

  const claim = await deps.messages.claimInboundProcessing(message.inboundMessageId, options.workerId ?? randomUUID(), deps.clock.now(), deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS);
  if (claim === 'processed') return { ...result, status: 'duplicate' };
  if (claim === 'busy') return { ...result, status: 'busy' };
  if (claim === 'missing') throw new Error(`inbound message ${message.inboundMessageId} vanished after it was stored`);

  const run: Run = { deps, message, now: deps.clock.now(), resumed: !created, result };
  const interpretation = patient ? await fromPatient(run, patient) : await fromUnknownNumber(run);
  result.intent = interpretation.intent;
  result.redFlag = interpretation.redFlag;
  await deps.messages.markInboundProcessed(message.inboundMessageId, {
    processedAt: deps.clock.now(),
    interpretation: interpretation as unknown as Record<string, unknown>,
    replyIds: result.replyIds,
  });
  return result;
}
