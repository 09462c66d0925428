import { createHash, randomUUID } from 'node:crypto';
import { e164Schema, type Patient } from '#domain/patient.ts';
import type { Language, Protocol, TemplateKey } from '#domain/protocol.ts';
import {
  advanceConversation,
  expireIfTimedOut,
  openQuestionFor,
  startConversation,
  summarizeConversation,
  type ConversationState,
  type ProItem,
  type TemplateReply,
} from '#domain/replies/conversation.ts';
import { interpretReply, type OpenQuestion } from '#domain/replies/interpret.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import { utcToLocal, plusMinutes } from '#domain/schedule.ts';
import { countSmsParts, withSignature } from '#domain/sms-parts.ts';
import { renderTemplate } from '#domain/templates.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { AlertRepository } from '#ports/alerts.ts';
import type { AuditEntry, AuditTrail } from '#ports/audit.ts';
import type { Clock } from '#ports/clock.ts';
import type { ConversationRepository, StoredConversation } from '#ports/conversations.ts';
import type { InboundMessage, MessageLog, OutboundMessage } from '#ports/messages.ts';
import { StaleWriteError, type PatientRepository } from '#ports/patients.ts';
import type { Report, ReportRepository } from '#ports/reports.ts';
import type { ReminderRepository, StoredReminder } from '#ports/schedule.ts';
import { SmsSendError, type SmsSender } from '#ports/sms.ts';
import type { InboundSmsRecord } from '#adapters/sns/inbound-payload.ts';
import { raiseAlert } from './alerts.ts';
import { evaluatePatientMissedDoses } from './sweep-adherence.ts';
import { planPatient } from './plan-schedule.ts';

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

export interface InboundSmsDeps {
  patients: PatientRepository;
  reminders: ReminderRepository;
  reports: ReportRepository;
  messages: MessageLog;
  conversations: ConversationRepository;
  alerts: AlertRepository;
  publisher: AlertPublisher;
  audit: AuditTrail;
  sms: SmsSender;
  clock: Clock;
  protocol: Protocol;
  /** China signature the sender prepends; used here only to count billed parts. */
  smsSignature?: string;
  /** Processing lease; must outlast the function timeout. Default 120 s. */
  leaseSeconds?: number;
}

export type InboundStatus = 'processed' | 'duplicate' | 'busy';

export interface InboundResult {
  status: InboundStatus;
  inboundMessageId: string;
  /** Study ID of the sender, null for an unknown number. Never the phone number. */
  studyId: string | null;
  intent?: Interpretation['intent'];
  redFlag?: boolean;
  reportIds: string[];
  alertIds: string[];
  replyIds: string[];
  /** Replies the provider refused for good (reason only): logged by the handler, not retried. */
  replyFailures: { purpose: string; reason: string }[];
  /** The dose check-in the reply was recorded on (id), when it was one. */
  doseCheckInId?: string;
}

export const PATIENT_ACTOR = 'patient-sms';
export const SYSTEM_ACTOR = 'system:inbound-sms';
const DEFAULT_LEASE_SECONDS = 120;
/** How far back the patient's items are read for the open questions (dose windows are hours long). */
const DOSE_LOOKBACK_HOURS = 24;
const SAVE_ATTEMPTS = 5;

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

export const reportIdFor = (inboundMessageId: string) => `rpt-${hash(`sms:${inboundMessageId}`)}`;
export const conversationReportIdFor = (patientId: string, checkInId: string) => `rpt-${hash(`checkin:${patientId}:${checkInId}`)}`;
export const replyIdFor = (inboundMessageId: string, purpose: string) => `reply:${hash(`${inboundMessageId}:${purpose}`)}`;

interface Run {
  deps: InboundSmsDeps;
  message: InboundMessage;
  /** Processing time (updatedAt of what we write). Domain times use the message's receivedAt. */
  now: string;
  /** The message was stored by an earlier delivery whose processing did not finish. */
  resumed: boolean;
  result: InboundResult;
}

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

// ── unknown numbers ──────────────────────────────────────────────────────────────────────

/** Kept for review (no patient is created); at most one neutral reply per number and local day. */
async function fromUnknownNumber(run: Run): Promise<Interpretation> {
  const { deps, message } = run;
  const interpretation = interpretReply(message.body, { openQuestion: null });
  const report = await fileReport(run, { id: reportIdFor(message.inboundMessageId), patient: null, interpretation, source: 'unknown_sender' });
  if (interpretation.redFlag) await raiseRedFlag(run, null, interpretation, report.id);

  if (!e164Schema.safeParse(message.from).success) return interpretation; // a short code cannot be answered
  const language: Language = interpretation.language === 'en' ? 'en' : 'zh-CN';
  const key: TemplateKey = interpretation.intent === 'help' ? 'reply.help' : interpretation.intent === 'opt_out' ? 'reply.stop_confirm' : 'reply.unknown_number';
  const replyId = replyIdFor(message.inboundMessageId, 'unknown_number');
  // The day's claim comes first: a crash between claim and send loses that one reply (at most one a day wins).
  if (!(await deps.messages.getOutbound(replyId))) {
    const localDate = utcToLocal(message.receivedAt, deps.protocol.studyTimeZone).localDate;
    if (!(await deps.messages.claimUnknownSenderReply(message.from, localDate))) return interpretation;
  }
  await sendReply(run, null, { purpose: 'unknown_number', text: render(deps.protocol, language, key) });
  return interpretation;
}

// ── known patients ───────────────────────────────────────────────────────────────────────

interface Context {
  /** The weekly check-in conversation waiting for a reply (`stored` null or an older one when it starts with this reply). */
  conversation: { stored: StoredConversation | null; state: ConversationState; checkInDueAt: string } | null;
  /** The dose check-in a dose answer goes to: the one named by the provider, else the latest sent whose answer window is open. */
  dose: StoredReminder | null;
  /** Which of the two the provider named (previousPublishedMessageId). */
  named: 'dose' | 'conversation' | null;
  /** Set when a crashed run already applied this message to the conversation. */
  resumeQuestion: OpenQuestion | null;
  /** The question the reply was read against. */
  openQuestion: OpenQuestion | null;
}

async function fromPatient(run: Run, patient: Patient): Promise<Interpretation> {
  const { deps, message } = run;
  const context = await resolveContext(run, patient);
  let interpretation = interpret(message.body, context, deps.protocol);
  const inTrial = patient.status === 'active' || patient.status === 'paused';

  switch (interpretation.intent) {
    case 'opt_out':
      await optOut(run, patient, interpretation, context);
      return interpretation;
    case 'opt_in':
      await optIn(run, patient, interpretation);
      return interpretation;
    case 'help':
      await fileReport(run, { id: reportIdFor(message.inboundMessageId), patient, interpretation, source: 'sms' });
      await sendReply(run, patient, { purpose: 'help', text: render(deps.protocol, patient.language, 'reply.help') });
      return interpretation;
    default:
      break;
  }

  // A reply may reply only to what was asked: ordinary replies go to patients in the trial who did
  // not opt out; the urgent-contact text goes to anyone who reports a red flag.
  const mayReply = inTrial && !patient.smsOptOut;
  let reply: { purpose: string; text: string; checkIn?: { id: string; dueAt: string } } | null = null;

  // Dose answer on the check-in it answers. A reply that names the other dose time of the day
  // ("早上的药吃了" after the evening reminder) answers that one, or none if it was not sent.
  let doseRecorded = false;
  let doseCheckIn = context.dose;
  if (doseCheckIn && interpretation.doseAnswer && interpretation.answers === doseCheckIn.id && interpretation.doseSlot && doseCheckIn.slot && interpretation.doseSlot !== doseCheckIn.slot) {
    doseCheckIn = await sameDayDoseAt(run, doseCheckIn, interpretation.doseSlot);
    const { answers: _previous, ...rest } = interpretation;
    interpretation = doseCheckIn ? { ...rest, answers: doseCheckIn.id } : rest;
  }
  if (doseCheckIn && interpretation.doseAnswer && interpretation.answers === doseCheckIn.id) {
    await recordDoseAnswer(run, doseCheckIn, interpretation);
    doseRecorded = true;
    run.result.doseCheckInId = doseCheckIn.id;
    if (interpretation.doseAnswer === 'missed' && mayReply) reply = { purpose: 'dose_missed', text: render(deps.protocol, patient.language, 'reply.dose_missed') };
  }

  // Weekly check-in conversation.
  const feedsConversation =
    context.conversation !== null &&
    context.openQuestion !== null &&
    context.openQuestion.kind !== 'dose' &&
    (interpretation.answer !== undefined || ['side_effect', 'symptom', 'unclear'].includes(interpretation.intent));
  let conversationReplied = false;
  if (feedsConversation && context.conversation) {
    const prompt = await advance(run, patient, context.conversation, context.openQuestion!, interpretation);
    if (prompt && mayReply) {
      reply = { purpose: 'conversation', text: renderConversation(deps.protocol, patient.language, prompt), checkIn: { id: context.conversation.state.checkInId, dueAt: context.conversation.checkInDueAt } };
      conversationReplied = true;
    }
  }

  // Report for review: everything but a plain dose confirmation or a plain conversation answer.
  const plain = !interpretation.redFlag && !interpretation.relapseSignal && ((interpretation.intent === 'dose_taken' && doseRecorded) || interpretation.intent === 'answer');
  let reportId: string | null = null;
  if (!plain || !inTrial) {
    const checkInId = interpretation.answers ?? (feedsConversation ? context.conversation?.state.checkInId : undefined);
    const report = await fileReport(run, { id: reportIdFor(message.inboundMessageId), patient, interpretation, source: 'sms', ...(checkInId ? { answersCheckInId: checkInId } : {}) });
    reportId = report.id;
  }

  if (interpretation.redFlag) {
    await raiseRedFlag(run, patient, interpretation, reportId ?? reportIdFor(message.inboundMessageId));
    // Inside a conversation the next question goes out and its closing text is the urgent one.
    if (!conversationReplied) reply = { purpose: 'urgent', text: render(deps.protocol, patient.language, 'reply.urgent') };
  } else if (interpretation.relapseSignal && reportId) {
    await raiseRelapseSignal(run, patient, interpretation, reportId);
  }

  if (!reply && mayReply) {
    if (interpretation.intent === 'side_effect' || interpretation.intent === 'symptom') reply = { purpose: 'thanks', text: render(deps.protocol, patient.language, 'checkin.thanks') };
    else if (interpretation.intent === 'unclear') reply = { purpose: 'unclear', text: render(deps.protocol, patient.language, 'reply.unclear') };
  }
  if (reply) await sendReply(run, patient, reply);
  return interpretation;
}

/**
 * Interprets against the question being answered: the one the provider named (or this message was
 * already read against, when a crashed run resumes), else the most recently asked; if that reading
 * answers nothing but the other open question's reading does, the other one wins.
 */
function interpret(body: string, context: Context, protocol: Protocol): Interpretation {
  if (context.resumeQuestion) {
    context.openQuestion = context.resumeQuestion;
    return interpretReply(body, { openQuestion: context.resumeQuestion });
  }
  const questions = candidateQuestions(context, protocol);
  if (questions.length === 0) return interpretReply(body, { openQuestion: null });
  const readings = questions.map((question) => ({ question, interpretation: interpretReply(body, { openQuestion: question }) }));
  const chosen = readings.find((r) => r.interpretation.answers !== undefined) ?? readings[0]!;
  context.openQuestion = chosen.question;
  return chosen.interpretation;
}

/** Open questions, the one named by the provider first, then the most recently asked. */
function candidateQuestions(context: Context, protocol: Protocol): OpenQuestion[] {
  const out: { question: OpenQuestion; askedAt: string; named: boolean }[] = [];
  if (context.conversation && context.conversation.state.step !== 'done') {
    const question = openQuestionFor(context.conversation.state, proItemsOf(protocol));
    if (question) out.push({ question, askedAt: context.conversation.state.stepStartedAt, named: context.named === 'conversation' });
  }
  if (context.dose) {
    out.push({
      question: { kind: 'dose', checkInId: context.dose.id, drugs: (context.dose.doses ?? []).map((d) => d.drug) },
      askedAt: context.dose.sentAt ?? context.dose.dueAt,
      named: context.named === 'dose',
    });
  }
  const rank = (c: (typeof out)[number]) => `${c.named ? '1' : '0'}${c.askedAt}`;
  return out.sort((a, b) => (rank(a) < rank(b) ? 1 : rank(a) > rank(b) ? -1 : 0)).map((c) => c.question);
}

async function resolveContext(run: Run, patient: Patient): Promise<Context> {
  const { deps, message } = run;
  const receivedAt = message.receivedAt;
  const timeout = deps.protocol.checkIns.stepTimeoutMinutes;

  // The outbound message being answered, when the provider tells us.
  let named: StoredReminder | null = null;
  if (message.previousPublishedMessageId) {
    const outbound = await deps.messages.findOutboundByProviderId(message.previousPublishedMessageId);
    if (outbound && outbound.patientId === patient.id && outbound.reminderId && outbound.reminderDueAt) {
      named = await deps.reminders.get(patient.id, outbound.reminderId, outbound.reminderDueAt);
    }
  }

  const lookbackMinutes = Math.max(DOSE_LOOKBACK_HOURS * 60, timeout + deps.protocol.reminders.otherValidityMinutes);
  const recent = (await deps.reminders.listForPatient(patient.id, plusMinutes(receivedAt, -lookbackMinutes), `${receivedAt}~`)).filter(
    (r) => r.state === 'sent' && (r.sentAt ?? r.dueAt) <= receivedAt,
  );
  const latest = (kind: StoredReminder['kind']) => recent.filter((r) => r.kind === kind).sort((a, b) => (a.dueAt < b.dueAt ? 1 : -1))[0] ?? null;
  // Without a reference only a check-in whose answer window is still open is answered: a text at
  // 07:50 must not turn last night's unanswered check-in into "taken". A late answer needs the reference.
  const openDose = recent.filter((r) => r.kind === 'dose' && (r.answerWindowEnd ?? '') >= receivedAt).sort((a, b) => (a.dueAt < b.dueAt ? 1 : -1))[0] ?? null;
  const dose = named?.kind === 'dose' && named.state === 'sent' ? named : openDose;

  let stored = await deps.conversations.get(patient.id);
  const applied = stored?.replies.find((r) => r.inboundMessageId === message.inboundMessageId);
  if (stored && applied) {
    // An interrupted run already fed this message to the conversation: read it the same way again.
    return { conversation: { stored, state: stored.state, checkInDueAt: stored.checkInDueAt }, dose, named: 'conversation', resumeQuestion: applied.question, openQuestion: null };
  }

  // A timed-out step is closed first (its partial answers become a report).
  if (stored && stored.state.step !== 'done') {
    const expired = expireIfTimedOut(stored.state, receivedAt, timeout);
    if (expired.timedOut) stored = await closeRacing(deps, stored, expired.state, run.now);
  }
  let conversation: Context['conversation'] = stored && stored.state.step !== 'done' ? { stored, state: stored.state, checkInDueAt: stored.checkInDueAt } : null;
  const checkIn = named?.kind === 'checkin' ? named : latest('checkin');
  const fresh = checkIn !== null && Date.parse(receivedAt) - Date.parse(checkIn.sentAt ?? checkIn.dueAt) < timeout * 60_000;
  if (checkIn && fresh && stored?.state.checkInId !== checkIn.id) {
    // A newer weekly check-in was sent: an older conversation still open ends here with what it has.
    if (stored && stored.state.step !== 'done') stored = await closeRacing(deps, stored, expireIfTimedOut(stored.state, receivedAt, 0).state, run.now);
    conversation = { stored, state: startConversation(checkIn.id, checkIn.sentAt ?? checkIn.dueAt), checkInDueAt: checkIn.dueAt };
  }
  const namedKind = named?.kind === 'dose' && dose?.id === named.id ? 'dose' : named?.kind === 'checkin' && conversation?.state.checkInId === named.id ? 'conversation' : null;
  return { conversation, dose, named: namedKind, resumeQuestion: null, openQuestion: null };
}

// ── actions ──────────────────────────────────────────────────────────────────────────────

/** The sent dose check-in of the same local day at the other dose time, if there is one. */
async function sameDayDoseAt(run: Run, answered: StoredReminder, slot: 'morning' | 'evening'): Promise<StoredReminder | null> {
  const from = plusMinutes(answered.dueAt, -24 * 60);
  const to = plusMinutes(answered.dueAt, 24 * 60);
  const candidates = (await run.deps.reminders.listForPatient(answered.patientId, from, to)).filter(
    (r) => r.kind === 'dose' && r.state === 'sent' && r.slot === slot && r.localDate === answered.localDate && (r.sentAt ?? r.dueAt) <= run.message.receivedAt,
  );
  return candidates.sort((a, b) => (a.dueAt < b.dueAt ? 1 : -1))[0] ?? null;
}

async function recordDoseAnswer(run: Run, checkIn: StoredReminder, interpretation: Interpretation): Promise<void> {
  const { deps, message } = run;
  const drugs = (checkIn.doses ?? []).map((d) => d.drug as string);
  const named = (interpretation.missedDrugs ?? []).filter((d) => drugs.includes(d));
  const outcome = interpretation.doseAnswer === 'taken' ? 'taken' : 'missed_reported';
  const { applied, previous } = await deps.reminders.recordDoseAnswer(
    checkIn,
    {
      outcome,
      answeredAt: message.receivedAt,
      answerMessageId: message.inboundMessageId,
      ...(outcome === 'missed_reported' && named.length > 0 && named.length < drugs.length ? { missedDrugs: named } : {}),
    },
    run.now,
  );
  if (applied && previous?.outcome !== outcome) {
    await appendAuditOnce(deps.audit, {
      id: `checkin.answer:${message.inboundMessageId}`,
      at: message.receivedAt,
      actor: PATIENT_ACTOR,
      action: 'checkin.answer',
      entityType: 'reminder',
      entityId: checkIn.id,
      before: { outcome: previous?.outcome ?? null },
      after: { outcome, inboundMessageId: message.inboundMessageId },
    });
  }
  // A reported miss (e.g. prednisone during the taper) alerts now, not at the next sweep; a late
  // "taken" revises an open episode. Episode keys make this idempotent with the sweep.
  if (applied) await evaluatePatientMissedDoses(deps, checkIn.patientId, run.now);
}

/** Feeds the reply to the conversation (once per message) and returns the question or closing text to send. */
async function advance(
  run: Run,
  patient: Patient,
  conversation: NonNullable<Context['conversation']>,
  question: OpenQuestion,
  interpretation: Interpretation,
): Promise<TemplateReply | null> {
  const { deps, message } = run;
  const proItems = proItemsOf(deps.protocol);
  let current = conversation.stored?.state.checkInId === conversation.state.checkInId ? conversation.stored : null;
  let state = current ? current.state : conversation.state;
  let expected = conversation.stored?.version ?? null;
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    if (current?.replies.some((r) => r.inboundMessageId === message.inboundMessageId)) {
      // This message was applied by an earlier, interrupted delivery: send the same question again.
      return current.lastPrompt?.inboundMessageId === message.inboundMessageId ? { templateKey: current.lastPrompt.templateKey, params: current.lastPrompt.params } : null;
    }
    const step = advanceConversation(state, interpretation, proItems, message.receivedAt);
    const next: StoredConversation = {
      patientId: patient.id,
      studyId: patient.studyId,
      checkInDueAt: conversation.checkInDueAt,
      state: step.state,
      replies: [...(current?.replies ?? []), { inboundMessageId: message.inboundMessageId, text: message.body, receivedAt: message.receivedAt, question }],
      ...(step.reply ? { lastPrompt: { inboundMessageId: message.inboundMessageId, templateKey: step.reply.templateKey, params: step.reply.params } } : {}),
      relapseSignal: (current?.relapseSignal ?? false) || interpretation.relapseSignal,
      language: current?.language && current.language !== 'unknown' ? current.language : interpretation.language,
      deadline: step.state.step === 'done' ? null : plusMinutes(step.state.stepStartedAt, deps.protocol.checkIns.stepTimeoutMinutes),
      createdAt: current?.createdAt ?? run.now,
      updatedAt: run.now,
      version: expected ?? 0,
    };
    try {
      if (step.state.step === 'done') await closeConversation(deps, { ...next, version: expected ?? 0 }, step.state, run.now, PATIENT_ACTOR, expected);
      else await deps.conversations.save(next, expected);
      return step.reply;
    } catch (error) {
      if (!(error instanceof StaleWriteError)) throw error;
      const fresh = await deps.conversations.get(patient.id);
      if (!fresh || fresh.state.checkInId !== conversation.state.checkInId) {
        // Another check-in took its place meanwhile: this reply stays a plain report.
        return null;
      }
      current = fresh;
      state = fresh.state;
      expected = fresh.version;
    }
  }
  throw new StaleWriteError(`conversation of patient ${patient.id} kept changing`);
}

/**
 * Ends a conversation (completed, timed out, unreadable, opted out): files its answers as one
 * report when there is anything to report, then stores it closed (out of the timeout queue).
 * The report goes first and has a deterministic id, so a crash between the two only repeats it.
 */
async function closeConversation(
  deps: Pick<InboundSmsDeps, 'conversations' | 'reports' | 'audit'>,
  stored: StoredConversation,
  closed: ConversationState,
  now: string,
  actor: string,
  expectedVersion: number | null = stored.version,
): Promise<StoredConversation> {
  const summary = summarizeConversation(closed);
  let reportId: string | undefined;
  const last = stored.replies.at(-1);
  if (summary.items.length > 0 && last) {
    const report: Report = {
      id: conversationReportIdFor(stored.patientId, closed.checkInId),
      patientId: stored.patientId,
      studyId: stored.studyId,
      inboundMessageId: last.inboundMessageId,
      receivedAt: last.receivedAt,
      createdAt: now,
      updatedAt: now,
      text: stored.replies.map((r) => r.text).join('\n'),
      interpretation: {
        intent: 'side_effect',
        items: summary.items,
        redFlag: summary.redFlag,
        relapseSignal: stored.relapseSignal,
        answers: closed.checkInId,
        language: stored.language,
        endReason: summary.endReason,
      },
      answersCheckInId: closed.checkInId,
      source: 'checkin_conversation',
      status: 'open',
      version: 1,
    };
    reportId = (await createReportAudited(deps, report, actor)).id;
  }
  const next: StoredConversation = { ...stored, state: closed, deadline: null, updatedAt: now, ...(reportId ? { reportId } : {}) };
  return deps.conversations.save(next, expectedVersion);
}

/** Closes a conversation the sweep may be closing at the same moment: the loser reads the winner's result. */
async function closeRacing(deps: InboundSmsDeps, stored: StoredConversation, closed: ConversationState, now: string): Promise<StoredConversation | null> {
  try {
    return await closeConversation(deps, stored, closed, now, PATIENT_ACTOR);
  } catch (error) {
    if (!(error instanceof StaleWriteError)) throw error;
    return deps.conversations.get(stored.patientId);
  }
}

export interface ExpireConversationsDeps {
  conversations: ConversationRepository;
  reports: ReportRepository;
  audit: AuditTrail;
  protocol: Protocol;
}

/**
 * Closes every conversation whose step timed out (the sweep calls this): the partial answers are
 * filed as a report. Reads only the sparse queue of open conversations, never the table.
 */
export async function expireConversations(deps: ExpireConversationsDeps, now: string): Promise<{ expired: number; reports: number }> {
  let expired = 0;
  let reports = 0;
  for (const listed of await deps.conversations.listTimedOut(now)) {
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
      const stored = attempt === 0 ? listed : await deps.conversations.get(listed.patientId);
      if (!stored || stored.state.step === 'done') break;
      const result = expireIfTimedOut(stored.state, now, deps.protocol.checkIns.stepTimeoutMinutes);
      if (!result.timedOut) break;
      try {
        const closed = await closeConversation(deps, stored, result.state, now, SYSTEM_ACTOR);
        expired++;
        if (closed.reportId) reports++;
        break;
      } catch (error) {
        if (!(error instanceof StaleWriteError)) throw error;
      }
    }
  }
  return { expired, reports };
}

async function optOut(run: Run, patient: Patient, interpretation: Interpretation, context: Context): Promise<void> {
  const { deps, message } = run;
  const changed = await updatePatient(run, patient.id, (p) => (p.smsOptOut ? null : { ...p, smsOptOut: true, updatedAt: run.now }));
  const current = changed?.after ?? (await deps.patients.get(patient.id)) ?? patient;
  if (changed) {
    await appendAuditOnce(deps.audit, {
      id: `patient.sms_opt_out:${message.inboundMessageId}`,
      at: run.now,
      actor: PATIENT_ACTOR,
      action: 'patient.sms_opt_out',
      entityType: 'patient',
      entityId: patient.id,
      before: { smsOptOut: false },
      after: { smsOptOut: true },
      reason: 'patient texted STOP',
    });
  }
  // Idempotent: cancels whatever is still due (also after a crash, or a STOP while already opted out).
  const plan = await planPatient({ reminders: deps.reminders, protocol: deps.protocol }, current, run.now);
  if (context.conversation?.stored && context.conversation.stored.state.step !== 'done') {
    const stored = context.conversation.stored;
    await closeConversation(deps, stored, advanceConversation(stored.state, interpretation, proItemsOf(deps.protocol), message.receivedAt).state, run.now, PATIENT_ACTOR).catch((error: unknown) => {
      if (!(error instanceof StaleWriteError)) throw error;
    });
  }
  const report = await fileReport(run, { id: reportIdFor(message.inboundMessageId), patient, interpretation, source: 'sms' });
  // One confirmation and one alert per change (a STOP while already opted out gets neither).
  if (!changed && !run.resumed) return;
  const { alert } = await raiseAlert(alerting(deps), {
    kind: 'opt_out',
    urgent: false,
    episodeKey: `opt_out:${message.inboundMessageId}`,
    patientId: patient.id,
    studyId: patient.studyId,
    title: `${patient.studyId} stopped study SMS (STOP); still in the trial`,
    details: { studyId: patient.studyId, reportId: report.id, cancelledReminders: plan.cancelledFuture },
    sourceId: report.id,
    now: run.now,
    actor: PATIENT_ACTOR,
  });
  run.result.alertIds.push(alert.id);
  await sendReply(run, patient, { purpose: 'stop_confirm', text: render(deps.protocol, patient.language, 'reply.stop_confirm') });
}

async function optIn(run: Run, patient: Patient, interpretation: Interpretation): Promise<void> {
  const { deps, message } = run;
  const changed = await updatePatient(run, patient.id, (p) => (p.smsOptOut ? { ...p, smsOptOut: false, updatedAt: run.now } : null));
  const current = changed?.after ?? (await deps.patients.get(patient.id)) ?? patient;
  if (changed) {
    await appendAuditOnce(deps.audit, {
      id: `patient.sms_opt_in:${message.inboundMessageId}`,
      at: run.now,
      actor: PATIENT_ACTOR,
      action: 'patient.sms_opt_in',
      entityType: 'patient',
      entityId: patient.id,
      before: { smsOptOut: true },
      after: { smsOptOut: false },
      reason: 'patient texted START',
    });
  }
  await fileReport(run, { id: reportIdFor(message.inboundMessageId), patient, interpretation, source: 'sms' });
  if (current.status === 'active') {
    await planPatient({ reminders: deps.reminders, protocol: deps.protocol }, current, run.now);
    await sendReply(run, current, { purpose: 'start_confirm', text: render(deps.protocol, current.language, 'reply.start_confirm') });
  } else {
    // Withdrawn, completed or paused: no texts resume, so the answer is the study contact, not "resumed".
    await sendReply(run, current, { purpose: 'help', text: render(deps.protocol, current.language, 'reply.help') });
  }
}

/** Optimistic read-change-write with retries; `change` returns null when nothing is to change. */
async function updatePatient(run: Run, patientId: string, change: (p: Patient) => Patient | null): Promise<{ before: Patient; after: Patient } | null> {
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    const before = await run.deps.patients.get(patientId);
    if (!before) return null;
    const next = change(before);
    if (!next) return null;
    try {
      return { before, after: await run.deps.patients.update(next, before.version) };
    } catch (error) {
      if (!(error instanceof StaleWriteError)) throw error;
    }
  }
  throw new StaleWriteError(`patient ${patientId} kept changing`);
}

function alerting(deps: InboundSmsDeps) {
  return { alerts: deps.alerts, publisher: deps.publisher, audit: deps.audit, protocol: deps.protocol };
}

/** Urgent alert: study ID, CTCAE terms and grades, why, and the report id — never the text or the phone. */
async function raiseRedFlag(run: Run, patient: Patient | null, interpretation: Interpretation, reportId: string): Promise<void> {
  const who = patient?.studyId ?? 'unknown number';
  const terms = interpretation.items.map((i) => (i.grade === null ? i.term : `${i.term} (grade ${i.grade})`)).join(', ') || 'red flag';
  const { alert } = await raiseAlert(alerting(run.deps), {
    kind: 'red_flag',
    urgent: true,
    episodeKey: `red_flag:${run.message.inboundMessageId}`,
    patientId: patient?.id ?? null,
    studyId: patient?.studyId ?? null,
    title: `Red flag from ${who}: ${terms}`,
    details: {
      studyId: patient?.studyId ?? null,
      items: interpretation.items,
      reasons: interpretation.redFlagReasons ?? [],
      relapseSignal: interpretation.relapseSignal,
      ...(interpretation.temperatureC !== undefined ? { temperatureC: interpretation.temperatureC } : {}),
      reportId,
    },
    sourceId: reportId,
    now: run.now,
    actor: PATIENT_ACTOR,
  });
  run.result.alertIds.push(alert.id);
}

/** Possible relapse: a routine alert prompting an unscheduled visit (the physician decides). */
async function raiseRelapseSignal(run: Run, patient: Patient, interpretation: Interpretation, reportId: string): Promise<void> {
  const { alert } = await raiseAlert(alerting(run.deps), {
    kind: 'relapse_signal',
    urgent: false,
    episodeKey: `relapse_signal:${run.message.inboundMessageId}`,
    patientId: patient.id,
    studyId: patient.studyId,
    title: `Possible relapse sign reported by ${patient.studyId}: ${(interpretation.relapseSignals ?? []).join(', ')}`,
    details: { studyId: patient.studyId, signals: interpretation.relapseSignals ?? [], items: interpretation.items, reportId },
    sourceId: reportId,
    now: run.now,
    actor: PATIENT_ACTOR,
  });
  run.result.alertIds.push(alert.id);
}

// ── reports, audit, replies ──────────────────────────────────────────────────────────────

async function fileReport(
  run: Run,
  input: { id: string; patient: Patient | null; interpretation: Interpretation; source: Report['source']; answersCheckInId?: string },
): Promise<Report> {
  const { message } = run;
  const report: Report = {
    id: input.id,
    patientId: input.patient?.id ?? null,
    studyId: input.patient?.studyId ?? null,
    inboundMessageId: message.inboundMessageId,
    receivedAt: message.receivedAt,
    createdAt: run.now,
    updatedAt: run.now,
    text: message.body,
    interpretation: input.interpretation as unknown as Report['interpretation'],
    ...(input.answersCheckInId ? { answersCheckInId: input.answersCheckInId } : {}),
    source: input.source,
    status: 'open',
    version: 1,
  };
  const stored = await createReportAudited(run.deps, report, PATIENT_ACTOR);
  if (!run.result.reportIds.includes(stored.id)) run.result.reportIds.push(stored.id);
  return stored;
}

async function createReportAudited(deps: Pick<InboundSmsDeps, 'reports' | 'audit'>, report: Report, actor: string): Promise<Report> {
  const { report: stored } = await deps.reports.createIfAbsent(report);
  await appendAuditOnce(deps.audit, {
    id: `report.create:${stored.id}`,
    at: stored.createdAt,
    actor,
    action: 'report.create',
    entityType: 'report',
    entityId: stored.id,
    before: null,
    after: {
      source: stored.source,
      intent: stored.interpretation.intent,
      items: stored.interpretation.items,
      redFlag: stored.interpretation.redFlag,
      relapseSignal: stored.interpretation.relapseSignal,
      answersCheckInId: stored.answersCheckInId ?? null,
    },
  });
  return stored;
}

/** Audit entries with a deterministic id are written once, also when a crashed run is resumed. */
async function appendAuditOnce(audit: AuditTrail, entry: AuditEntry): Promise<void> {
  const existing = await audit.listForEntity(entry.entityType, entry.entityId);
  if (existing.some((e) => e.id === entry.id)) return;
  await audit.append(entry);
}

/**
 * Check-then-send with a deterministic id (inboundMessageId + purpose): a retry finds the
 * recorded reply and sends nothing. The window: a crash after the provider accepted the SMS and
 * before it was recorded sends it once more on the retry (at least once, never silently none —
 * the urgent-contact text must not be lost). Concurrent deliveries cannot both get here: the
 * processing lease lets one through.
 */
async function sendReply(run: Run, patient: Patient | null, reply: { purpose: string; text: string; checkIn?: { id: string; dueAt: string } }): Promise<void> {
  const { deps, message } = run;
  const id = replyIdFor(message.inboundMessageId, reply.purpose);
  if (await deps.messages.getOutbound(id)) {
    run.result.replyIds.push(id);
    return;
  }
  let providerMessageId: string;
  try {
    ({ messageId: providerMessageId } = await deps.sms.send({ to: message.from, body: reply.text }));
  } catch (error) {
    if (error instanceof SmsSendError && error.kind === 'permanent') {
      run.result.replyFailures.push({ purpose: reply.purpose, reason: error.reason });
      return;
    }
    throw error; // transient: the message is retried; everything before this is idempotent
  }
  const outbound: OutboundMessage = {
    id,
    providerMessageId,
    to: message.from,
    body: reply.text,
    parts: countSmsParts(withSignature(reply.text, deps.smsSignature)).parts,
    sentAt: deps.clock.now(),
    patientId: patient?.id ?? null,
    studyId: patient?.studyId ?? null,
    purpose: reply.checkIn ? 'conversation' : 'reply',
    inReplyTo: message.inboundMessageId,
    ...(reply.checkIn ? { reminderId: reply.checkIn.id, reminderDueAt: reply.checkIn.dueAt } : {}),
  };
  await deps.messages.recordOutbound(outbound);
  run.result.replyIds.push(id);
}

// ── rendering ────────────────────────────────────────────────────────────────────────────

function proItemsOf(protocol: Protocol): ProItem[] {
  return protocol.checkIns.proItems.map((p) => ({ key: p.key, term: p.term, ...(p.attribute ? { attribute: p.attribute } : {}) }));
}

function render(protocol: Protocol, language: Language, key: TemplateKey, params: Record<string, string> = {}): string {
  return renderTemplate(protocol, language, key, { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone, ...params });
}

/** Conversation templates the protocol may not define (re-asks, unreadable close) fall back to the base question. */
const CONVERSATION_FALLBACK: Record<string, TemplateKey> = {
  'checkin.screen': 'checkin.screen',
  'checkin.screen_retry': 'checkin.screen',
  'checkin.items_menu': 'checkin.items_menu',
  'checkin.items_retry': 'checkin.items_menu',
  'checkin.severity_question': 'checkin.severity_question',
  'checkin.severity_retry': 'checkin.severity_question',
  'checkin.thanks': 'checkin.thanks',
  'checkin.thanks_urgent': 'checkin.thanks_urgent',
  'checkin.closed_unreadable': 'checkin.thanks',
};

/** Renders a conversation step: the numbered menu and item labels come from the protocol, in the patient's language. */
export function renderConversation(protocol: Protocol, language: Language, prompt: TemplateReply): string {
  const items = protocol.checkIns.proItems;
  const separator = language === 'zh-CN' ? ' ' : ', ';
  const menu = items.map((p, i) => `${i + 1}${language === 'zh-CN' ? '' : ' '}${p.label[language]}`).join(separator);
  const item = items.find((p) => p.key === prompt.params.key)?.label[language] ?? prompt.params.term ?? '';
  const key = (prompt.templateKey in protocol.templates[language] ? prompt.templateKey : CONVERSATION_FALLBACK[prompt.templateKey]) as TemplateKey | undefined;
  if (!key) throw new Error(`no template for conversation step "${prompt.templateKey}"`);
  return render(protocol, language, key, { ...prompt.params, items: menu, item });
}
