import type { Patient } from '#domain/patient.ts';
import { advanceConversation } from '#domain/replies/conversation.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import { StaleWriteError } from '#ports/patients.ts';
import { raiseAlert } from '../alerts.ts';
import { planPatient } from '../plan-schedule.ts';
import type { OpenContext } from './context.ts';
import { closeConversation, proItemsOf } from './conversations.ts';
import { renderReply, sendReply } from './replies.ts';
import { alerting, appendAuditOnce, PATIENT_ACTOR, reportIdFor, SAVE_ATTEMPTS, type Run } from './run.ts';
import { fileReport } from './triage.ts';

/** Commands: STOP (opt out of study SMS), START (opt back in). HELP is answered by the patient flow. */

export async function optOut(run: Run, patient: Patient, interpretation: Interpretation, context: OpenContext): Promise<void> {
  const { deps, message } = run;
  const changed = await updatePatient(run, patient.id, (p) => (p.smsOptOut ? null : { ...p, smsOptOut: true, updatedAt: run.now }), patient);
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
  await sendReply(run, patient, { purpose: 'stop_confirm', ...renderReply(deps.protocol, patient.language, 'reply.stop_confirm') });
}

export async function optIn(run: Run, patient: Patient, interpretation: Interpretation): Promise<void> {
  const { deps, message } = run;
  const changed = await updatePatient(run, patient.id, (p) => (p.smsOptOut ? { ...p, smsOptOut: false, updatedAt: run.now } : null), patient);
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
    await sendReply(run, current, { purpose: 'start_confirm', ...renderReply(deps.protocol, current.language, 'reply.start_confirm') });
  } else {
    // Withdrawn, completed or paused: no texts resume, so the answer is the study contact, not "resumed".
    await sendReply(run, current, { purpose: 'help', ...renderReply(deps.protocol, current.language, 'reply.help') });
  }
}

/**
 * Optimistic read-change-write with retries; `change` returns null when nothing is to change. The
 * first attempt may start from `known` (the patient this text's processing read): a write from it
 * is conditional on its version (a stale one loses and is read again), and "nothing to change" is
 * only ever decided on a fresh read.
 */
async function updatePatient(run: Run, patientId: string, change: (p: Patient) => Patient | null, known?: Patient): Promise<{ before: Patient; after: Patient } | null> {
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    const guess = attempt === 0 && known?.id === patientId ? change(known) : null;
    const before = guess ? known! : await run.deps.patients.get(patientId);
    if (!before) return null;
    const next = guess ?? change(before);
    if (!next) return null;
    try {
      return { before, after: await run.deps.patients.update(next, before.version) };
    } catch (error) {
      if (!(error instanceof StaleWriteError)) throw error;
    }
  }
  throw new StaleWriteError(`patient ${patientId} kept changing`);
}
