import type { Interpretation } from '#domain/replies/interpretation.ts';
import { plusMinutes } from '#domain/schedule.ts';
import type { StoredReminder } from '#ports/schedule.ts';
import { evaluatePatientMissedDoses } from '../sweep-adherence.ts';
import { appendAuditOnce, PATIENT_ACTOR, type Run } from './run.ts';

/** Dose answers: the outcome recorded on the dose check-in it answers. */

/** The sent dose check-in of the same local day at the other dose time, if there is one. */
export async function sameDayDoseAt(run: Run, answered: StoredReminder, slot: 'morning' | 'evening'): Promise<StoredReminder | null> {
  const from = plusMinutes(answered.dueAt, -24 * 60);
  const to = plusMinutes(answered.dueAt, 24 * 60);
  const candidates = (await run.deps.reminders.listForPatient(answered.patientId, from, to)).filter(
    (r) => r.kind === 'dose' && r.state === 'sent' && r.slot === slot && r.localDate === answered.localDate && (r.sentAt ?? r.dueAt) <= run.message.receivedAt,
  );
  return candidates.sort((a, b) => (a.dueAt < b.dueAt ? 1 : -1))[0] ?? null;
}

export async function recordDoseAnswer(run: Run, checkIn: StoredReminder, interpretation: Interpretation): Promise<void> {
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
