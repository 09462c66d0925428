import type { Patient } from '#domain/patient.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import { plusMinutes } from '#domain/schedule.ts';
import type { StoredReminder } from '#ports/schedule.ts';
import { evaluatePatientMissedDoses } from '../sweep-adherence.ts';
import type { UnresolvedAlertRef } from '#ports/alerts.ts';
import type { AuditCarrier } from '#ports/audit.ts';
import { PATIENT_ACTOR, type Run } from './run.ts';

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

/**
 * `adherenceAlerts`: the patient's unresolved adherence alerts as read with the reply's context
 * (before this answer was written); without them the evaluation reads them itself.
 * Returns whether the answer changed what the check-in says (applied, and not the same answer
 * another text already gave): false for a refused or a repeated answer.
 */
export async function recordDoseAnswer(run: Run, checkIn: StoredReminder, interpretation: Interpretation, patient?: Patient, adherenceAlerts?: readonly UnresolvedAlertRef[]): Promise<boolean> {
  const { deps, message } = run;
  const drugs = (checkIn.doses ?? []).map((d) => d.drug as string);
  const named = (interpretation.missedDrugs ?? []).filter((d) => drugs.includes(d));
  const outcome = interpretation.doseAnswer === 'taken' ? 'taken' : 'missed_reported';
  // Outbox: the answer's entry rides on the check-in's own update. An entry a crashed run left on
  // the check-in is not read for first: the update returns it (the item as it was) and it is
  // completed before this answer's own, so the chain keeps the order of the writes and a retry that
  // finds the outcome already set does not lose that entry.
  const carrier: AuditCarrier = { kind: 'reminder', id: `${checkIn.patientId}/${checkIn.dueAt}/${checkIn.id}` };
  const pending =
    checkIn.outcome === outcome
      ? undefined
      : await deps.audit.prepare(
          {
            id: `checkin.answer:${message.inboundMessageId}`,
            at: message.receivedAt,
            actor: PATIENT_ACTOR,
            action: 'checkin.answer',
            kind: 'write',
            entityType: 'reminder',
            entityId: checkIn.id,
            before: { outcome: checkIn.outcome ?? null },
            after: { outcome, inboundMessageId: message.inboundMessageId },
          },
          { carrier, version: 0 },
          // A check-in still pending has had no audited change (the sweep's missed_no_reply and the
          // answers are its only entries): its chain is taken to be empty, the head is not read.
          { newEntity: (checkIn.outcome ?? 'pending') === 'pending' },
        );
  const missedDrugs = outcome === 'missed_reported' && named.length > 0 && named.length < drugs.length ? named : [];
  const { applied, previous, displacedAudit } = await deps.reminders.recordDoseAnswer(
    checkIn,
    {
      outcome,
      answeredAt: message.receivedAt,
      answerMessageId: message.inboundMessageId,
      ...(missedDrugs.length > 0 ? { missedDrugs } : {}),
    },
    run.now,
    pending,
  );
  // The same entry again (this message's, left by a crashed delivery): completed once, from where it was first prepared.
  if (displacedAudit) await deps.audit.complete(displacedAudit);
  if (applied && pending && displacedAudit?.id !== pending.id) await deps.audit.complete(pending);
  // A reported miss (e.g. prednisone during the taper) alerts now, not at the next sweep; a late
  // "taken" revises an open episode. Episode keys make this idempotent with the sweep.
  const changed = applied && !answerChangedNothing(run, previous, outcome, missedDrugs);
  if (changed) {
    await evaluatePatientMissedDoses(deps, checkIn.patientId, run.now, patient, { reviseOnly: outcome === 'taken', ...(adherenceAlerts ? { unresolved: adherenceAlerts } : {}) });
  }
  return changed;
}

/**
 * The rules read a check-in's outcome and missed drugs only. An answer that leaves both as another
 * text's answer set them (the patient texts "1" twice) changes none of their inputs: the run that
 * set them evaluated after its write, or — if it died first — its retry will (a resumed run always
 * evaluates). So the 16-day history and the open episodes are not read again for it.
 */
export function answerChangedNothing(run: Run, previous: StoredReminder | null, outcome: string, missedDrugs: readonly string[]): boolean {
  if (run.resumed || !previous || previous.outcome !== outcome) return false;
  if (previous.answerMessageId === run.message.inboundMessageId) return false;
  const before = [...(previous.missedDrugs ?? [])].sort();
  const after = [...missedDrugs].sort();
  return before.length === after.length && before.every((d, i) => d === after[i]);
}
