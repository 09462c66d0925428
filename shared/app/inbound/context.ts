import type { Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import { expireIfTimedOut, openQuestionFor, startConversation, type ConversationState } from '#domain/replies/conversation.ts';
import { interpretReply, type OpenQuestion } from '#domain/replies/interpret.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import { plusMinutes } from '#domain/schedule.ts';
import { ADHERENCE_ALERT_KINDS } from '#domain/missed-dose-rules.ts';
import type { UnresolvedAlertRef } from '#ports/alerts.ts';
import type { StoredConversation } from '#ports/conversations.ts';
import type { StoredReminder } from '#ports/schedule.ts';
import { closeRacing, proItemsOf } from './conversations.ts';
import { DOSE_LOOKBACK_HOURS, type Run } from './run.ts';

/** The open question a patient's text answers (dose check-in or weekly check-in step), and the reading against it. */

export interface OpenContext {
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
  /**
   * The patient's unresolved adherence alerts (open missed-dose episodes), read with the
   * conversation in one request; a dose answer re-evaluates them. null when not read (commands).
   */
  adherenceAlerts: UnresolvedAlertRef[] | null;
}

/**
 * Interprets against the question being answered: the one the provider named (or this message was
 * already read against, when a crashed run resumes), else the most recently asked; if that reading
 * answers nothing but the other open question's reading does, the other one wins.
 */
export function interpret(body: string, context: OpenContext, protocol: Protocol): Interpretation {
  if (context.resumeQuestion) {
    context.openQuestion = context.resumeQuestion;
    return interpretReply(body, { openQuestion: context.resumeQuestion, acknowledgementIsTaken: protocol.inbound.acknowledgementIsTaken });
  }
  const questions = candidateQuestions(context, protocol);
  if (questions.length === 0) return interpretReply(body, { openQuestion: null });
  const readings = questions.map((question) => ({ question, interpretation: interpretReply(body, { openQuestion: question, acknowledgementIsTaken: protocol.inbound.acknowledgementIsTaken }) }));
  const chosen = readings.find((r) => r.interpretation.answers !== undefined) ?? readings[0]!;
  context.openQuestion = chosen.question;
  return chosen.interpretation;
}

/** Open questions, the one named by the provider first, then the most recently asked. */
function candidateQuestions(context: OpenContext, protocol: Protocol): OpenQuestion[] {
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

export async function resolveContext(run: Run, patient: Patient): Promise<OpenContext> {
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

  // The conversation and the open adherence episodes in one read (a dose answer needs the episodes).
  const read = await deps.conversations.getWithUnresolvedAlerts(patient.id, ADHERENCE_ALERT_KINDS);
  let stored = read.conversation;
  const adherenceAlerts = read.unresolvedAlerts;
  const applied = stored?.replies.find((r) => r.inboundMessageId === message.inboundMessageId);
  if (stored && applied) {
    // An interrupted run already fed this message to the conversation: read it the same way again.
    return { conversation: { stored, state: stored.state, checkInDueAt: stored.checkInDueAt }, dose, named: 'conversation', resumeQuestion: applied.question, openQuestion: null, adherenceAlerts };
  }

  // A timed-out step is closed first (its partial answers become a report).
  if (stored && stored.state.step !== 'done') {
    const expired = expireIfTimedOut(stored.state, receivedAt, timeout);
    if (expired.timedOut) stored = await closeRacing(deps, stored, expired.state, run.now);
  }
  let conversation: OpenContext['conversation'] = stored && stored.state.step !== 'done' ? { stored, state: stored.state, checkInDueAt: stored.checkInDueAt } : null;
  const checkIn = named?.kind === 'checkin' ? named : latest('checkin');
  const fresh = checkIn !== null && Date.parse(receivedAt) - Date.parse(checkIn.sentAt ?? checkIn.dueAt) < timeout * 60_000;
  if (checkIn && fresh && stored?.state.checkInId !== checkIn.id) {
    // A newer weekly check-in was sent: an older conversation still open ends here with what it has.
    if (stored && stored.state.step !== 'done') stored = await closeRacing(deps, stored, expireIfTimedOut(stored.state, receivedAt, 0).state, run.now);
    conversation = { stored, state: startConversation(checkIn.id, checkIn.sentAt ?? checkIn.dueAt), checkInDueAt: checkIn.dueAt };
  }
  const namedKind = named?.kind === 'dose' && dose?.id === named.id ? 'dose' : named?.kind === 'checkin' && conversation?.state.checkInId === named.id ? 'conversation' : null;
  return { conversation, dose, named: namedKind, resumeQuestion: null, openQuestion: null, adherenceAlerts };
}

/**
 * The context of a STOP: no open question (a command reads the same whatever was asked, held by
 * test/unit/replies/commands-context-free.test.ts), so no read of the recent items; only the weekly
 * check-in conversation, which STOP closes. A step that timed out is closed as timed out first,
 * as resolveContext does.
 */
export async function conversationOnly(run: Run, patient: Patient): Promise<OpenContext> {
  const { deps, message } = run;
  let stored = await deps.conversations.get(patient.id);
  const applied = stored?.replies.some((r) => r.inboundMessageId === message.inboundMessageId) ?? false;
  if (stored && !applied && stored.state.step !== 'done') {
    const expired = expireIfTimedOut(stored.state, message.receivedAt, deps.protocol.checkIns.stepTimeoutMinutes);
    if (expired.timedOut) stored = await closeRacing(deps, stored, expired.state, run.now);
  }
  const conversation = stored && stored.state.step !== 'done' ? { stored, state: stored.state, checkInDueAt: stored.checkInDueAt } : null;
  return { conversation, dose: null, named: null, resumeQuestion: null, openQuestion: null, adherenceAlerts: null };
}
