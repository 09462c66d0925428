import { replyClassOf, replyVerdict, retainUntil, senderRef, type WithheldReason } from '#domain/inbound-guards.ts';
import type { Patient } from '#domain/patient.ts';
import { utcToLocal } from '#domain/schedule.ts';
import { raiseAlert } from '../alerts.ts';
import { alerting, SYSTEM_ACTOR, type Run } from './run.ts';

/**
 * The automatic-reply budget of a sender number (docs/replies.md, "Reply budgets"): before a
 * budgeted reply goes out, the text must not repeat the previous one nor be an auto-responder's,
 * and the number's budget for the local day (protocol `inbound.autoReplyBudgetPerNumberPerDay`)
 * must have room. The first refusal of a day puts one routine `reply_budget` item on the worklist.
 * Reminders never pass through here.
 */
export async function replyGate(run: Run, patient: Patient | null, reply: { purpose: string; answersQuestion?: boolean }, replyId: string): Promise<WithheldReason | null> {
  const { deps, message } = run;
  const replyClass = replyClassOf(reply.purpose, { answersQuestion: reply.answersQuestion ?? false });
  // Urgent texts and confirmations go whatever the text repeats: the previous text is not read for them.
  const repeat = replyClass === 'budgeted' && (await run.sender.repeat());
  const verdict = replyVerdict({ replyClass, repeat, autoReply: run.sender.autoReply });
  if (verdict === 'send') return null;
  if (verdict !== 'ask_budget') return verdict;
  const localDate = utcToLocal(message.receivedAt, patient?.timeZone ?? deps.protocol.studyTimeZone).localDate;
  const budget = deps.protocol.inbound.autoReplyBudgetPerNumberPerDay;
  // The day's counter is kept two days, then expires.
  if (await deps.messages.claimReplyBudget(`SENDER${senderRef(message.from)}`, localDate, replyId, budget, retainUntil(message.receivedAt, 2))) return null;
  await raiseBudgetSpent(run, patient, localDate, budget);
  return 'budget_spent';
}

/** One routine item per number and local day (the episode key makes later refusals that day no-ops). */
async function raiseBudgetSpent(run: Run, patient: Patient | null, localDate: string, budget: number): Promise<void> {
  const { deps, message } = run;
  const who = patient?.studyId ?? `unknown number ${senderRef(message.from)}`;
  const { alert, created } = await raiseAlert(alerting(deps), {
    kind: 'reply_budget',
    urgent: false,
    episodeKey: `reply_budget:${senderRef(message.from)}:${localDate}`,
    patientId: patient?.id ?? null,
    studyId: patient?.studyId ?? null,
    title: `${who}: automatic replies stopped for today (${budget} sent); further texts are stored for review, not answered`,
    details: { studyId: patient?.studyId ?? null, sender: senderRef(message.from), localDate, budget, firstWithheldMessageId: message.inboundMessageId },
    sourceId: message.inboundMessageId,
    now: run.now,
    actor: SYSTEM_ACTOR,
  });
  if (created && !run.result.alertIds.includes(alert.id)) run.result.alertIds.push(alert.id);
}
