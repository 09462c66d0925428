import { callingCodeOf, retainUntil, senderRef, type WithheldReason } from '#domain/inbound-guards.ts';
import { e164Schema } from '#domain/patient.ts';
import type { Language, TemplateKey } from '#domain/protocol.ts';
import { interpretReply } from '#domain/replies/interpret.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import { utcToLocal } from '#domain/schedule.ts';
import type { UnknownSenderTally } from '#ports/messages.ts';
import { raiseAlert } from '../alerts.ts';
import { renderReply, sendReply } from './replies.ts';
import { alerting, PATIENT_ACTOR, reportIdFor, replyIdFor, type Run } from './run.ts';
import { fileReport } from './triage.ts';

/**
 * A text from a number that is no enrolled patient's (docs/replies.md, "Unknown numbers"). Stored
 * and filed for review (both expire after `inbound.unknownSenders.retentionDays`), never enrolled.
 * It never pages anyone: all of a number's texts of a local day make one routine `unknown_sender`
 * item (count, first and last time, red flags; the number only as a hash), raised with the day's
 * first text and revised with each further one. At most one neutral reply per number and day,
 * at most `maxRepliesPerDay` to all unknown numbers together, none outside the allowed calling
 * codes, none to a repeated or canned text.
 */
export async function fromUnknownNumber(run: Run): Promise<Interpretation> {
  const { deps, message } = run;
  const interpretation = interpretReply(message.body, { openQuestion: null });
  const retain = message.retainUntil ?? retainUntil(message.receivedAt, deps.protocol.inbound.unknownSenders.retentionDays);
  const report = await fileReport(run, { id: reportIdFor(message.inboundMessageId), patient: null, interpretation, source: 'unknown_sender', retainUntil: retain });
  const localDate = utcToLocal(message.receivedAt, deps.protocol.studyTimeZone).localDate;
  const tally = await deps.messages.tallyUnknownSender(message.from, localDate, { inboundMessageId: message.inboundMessageId, receivedAt: message.receivedAt, redFlag: interpretation.redFlag }, retain);
  await reportTheDay(run, localDate, tally, interpretation, report.id);

  const withheld = await mayAnswer(run, localDate, retain);
  if (withheld) {
    run.result.withheldReplies.push({ purpose: 'unknown_number', reason: withheld });
    return interpretation;
  }
  const language: Language = interpretation.language === 'en' ? 'en' : 'zh-CN';
  const key: TemplateKey = interpretation.intent === 'help' ? 'reply.help' : interpretation.intent === 'opt_out' ? 'reply.stop_confirm' : 'reply.unknown_number';
  await sendReply(run, null, { purpose: 'unknown_number', ...renderReply(deps.protocol, language, key) }, { gated: false });
  return interpretation;
}

/** Null when the neutral reply may go; else why not. The claims come first: a crash between claim and send loses that one reply. */
async function mayAnswer(run: Run, localDate: string, retain: string): Promise<WithheldReason | 'short_code' | null> {
  const { deps, message } = run;
  if (!e164Schema.safeParse(message.from).success) return 'short_code'; // a short code cannot be answered
  // Sent by an earlier attempt? Only a resumed run can find that (the storing delivery holds the first lease).
  if (run.resumed && (await deps.messages.getOutbound(replyIdFor(message.inboundMessageId, 'unknown_number')))) return null;
  if (!(await allowedCallingCodes(run)).has(callingCodeOf(message.from) ?? '')) return 'country_not_allowed';
  if (await run.sender.repeat()) return 'repeat';
  if (run.sender.autoReply) return 'auto_reply';
  if (!(await deps.messages.claimUnknownSenderReply(message.from, localDate, retain))) return 'unknown_answered_today';
  const cap = deps.protocol.inbound.unknownSenders.maxRepliesPerDay;
  if (!(await deps.messages.claimReplyBudget('UNKNOWN', localDate, replyIdFor(message.inboundMessageId, 'unknown_number'), cap, retainUntil(message.receivedAt, 2)))) return 'unknown_daily_cap';
  return null;
}

/** How long a process reuses the enrolled patients' calling codes before reading them again. */
export const CALLING_CODES_TTL_MINUTES = 15;
const callingCodesRead = new WeakMap<object, { until: string; codes: Set<string> }>();

/**
 * The protocol's list, else the calling codes of the enrolled patients' phones. Those are read
 * through every patient (cost follows the table), so a process keeps them CALLING_CODES_TTL_MINUTES
 * instead of reading them for every text of an unknown number; a patient of a new country is
 * answered that much later at worst (the neutral reply only).
 */
async function allowedCallingCodes(run: Run): Promise<Set<string>> {
  const configured = run.deps.protocol.inbound.unknownSenders.allowedCallingCodes;
  if (configured) return new Set(configured);
  const now = run.deps.clock.now();
  const cached = callingCodesRead.get(run.deps.patients);
  if (cached && cached.until > now) return cached.codes;
  const patients = await run.deps.patients.listAll();
  const codes = new Set(patients.map((p) => callingCodeOf(p.phone)).filter((code): code is string => code !== null));
  callingCodesRead.set(run.deps.patients, { until: new Date(Date.parse(now) + CALLING_CODES_TTL_MINUTES * 60_000).toISOString(), codes });
  return codes;
}

/** One routine item per number and local day; each further text revises its count and times (no new push). */
async function reportTheDay(run: Run, localDate: string, tally: UnknownSenderTally, interpretation: Interpretation, reportId: string): Promise<void> {
  const { deps, message } = run;
  const sender = senderRef(message.from);
  const title = `Texts from unknown number ${sender} on ${localDate}: ${tally.count}${tally.redFlags > 0 ? `, ${tally.redFlags} read as red flags` : ''} (review; not a patient)`;
  const details = {
    sender,
    localDate,
    count: tally.count,
    redFlags: tally.redFlags,
    firstAt: tally.firstAt,
    lastAt: tally.lastAt,
    recentMessageIds: tally.recentMessageIds,
    lastReportId: reportId,
    ...(interpretation.redFlag ? { lastRedFlagTerms: interpretation.items.map((i) => i.term) } : {}),
  };
  const { alert, created } = await raiseAlert(alerting(deps), {
    kind: 'unknown_sender',
    urgent: false,
    episodeKey: `unknown_sender:${sender}:${localDate}`,
    patientId: null,
    studyId: null,
    title,
    details,
    sourceId: reportId,
    now: run.now,
    actor: PATIENT_ACTOR,
  });
  if (!created && ((alert.details as { count?: number }).count ?? 0) < tally.count) await deps.alerts.revise(alert.id, { title, details }, run.now);
  if (created) run.result.alertIds.push(alert.id);
}
