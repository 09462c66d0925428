import { computeSchedule } from '#domain/schedule.ts';
import type { Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { MessageLog } from '#ports/messages.ts';
import type { ReminderRepository, StoredReminder } from '#ports/schedule.ts';

/**
 * Plans the patient's items over `window` (as of `plannedAt`) and "sends" the one of `kind` due at
 * `dueAt` as the dispatcher does: claimed, marked sent, and an outbound record with a provider id
 * (what a reply's previousPublishedMessageId points at). Works on any reminder and message store.
 */
export async function sendReminderAsDispatcher(
  stores: { reminders: ReminderRepository; messages: MessageLog },
  protocol: Protocol,
  patient: Patient,
  kind: StoredReminder['kind'],
  dueAt: string,
  window: { from: string; to: string },
  plannedAt: string = window.from,
): Promise<StoredReminder & { providerMessageId: string }> {
  await stores.reminders.materialize(patient.id, patient.studyId, computeSchedule(patient, protocol, window), window, plannedAt);
  const item = (await stores.reminders.listForPatient(patient.id, dueAt, `${dueAt}~`)).find((r) => r.kind === kind && r.dueAt === dueAt);
  if (!item) throw new Error(`no ${kind} due at ${dueAt}`);
  if (!(await stores.reminders.claim(item, 'dispatch-test', dueAt, 60))) throw new Error(`the ${kind} due at ${dueAt} could not be claimed`);
  const providerMessageId = `prov-${item.id}`;
  await stores.reminders.markSent(item, 'dispatch-test', { messageId: providerMessageId, parts: 1, sentAt: dueAt });
  await stores.messages.recordOutbound({
    id: `reminder:${item.id}`,
    providerMessageId,
    to: patient.phone,
    body: 'reminder',
    parts: 1,
    sentAt: dueAt,
    patientId: patient.id,
    studyId: patient.studyId,
    purpose: 'reminder',
    reminderId: item.id,
    reminderDueAt: item.dueAt,
  });
  return { ...item, providerMessageId };
}
