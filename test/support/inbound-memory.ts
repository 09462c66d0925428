// The inbound use case on the in-memory repositories (contract-tested against the DynamoDB ones),
// with recording SMS and push edges and a fixed clock: for tests about what one text does (its
// alerts, report, audit entries, replies), not about storage.
import { memoryRepositories } from '#adapters/memory/index.ts';
import { handleInboundSms, type InboundSmsDeps } from '#app/inbound/index.ts';
import type { Patient } from '#domain/patient.ts';
import type { Protocol, TemplateKey } from '#domain/protocol.ts';
import { renderTemplate } from '#domain/templates.ts';
import type { InboundSmsRecord } from '#ports/inbound-sms.ts';
import { fixedClock } from '#ports/clock.ts';
import type { StoredReminder } from '#ports/schedule.ts';
import { RecordingAlertPublisher, RecordingSmsSender } from './dispatch-fakes.ts';
import { makePatient } from './patients.ts';
import { sendReminderAsDispatcher } from './send-reminder.ts';

/** A valid mainland mobile (the patient's) and the study's number. */
export const PATIENT_PHONE = '+8613800138000';
export const STUDY_NUMBER = '+8610690000000';

export function memoryInbound(protocol: Protocol, start: string) {
  const repos = memoryRepositories(protocol.studyTimeZone);
  const clock = fixedClock(start);
  const sms = new RecordingSmsSender();
  const publisher = new RecordingAlertPublisher();
  const deps: InboundSmsDeps = { ...repos, publisher, sms, clock, protocol };
  let counter = 0;

  async function enroll(overrides: Partial<Patient> = {}): Promise<Patient> {
    const patient = makePatient(protocol, { phone: PATIENT_PHONE, ...overrides });
    await repos.patients.create(patient);
    return patient;
  }

  /** An inbound text as SNS hands it over; its id is `in-<n>` unless given. */
  function text(body: string, receivedAt: string, options: { from?: string; id?: string; previous?: string } = {}): InboundSmsRecord {
    counter++;
    return {
      snsMessageId: `sns-${counter}`,
      receivedAt,
      payload: {
        originationNumber: options.from ?? PATIENT_PHONE,
        destinationNumber: STUDY_NUMBER,
        messageBody: body,
        inboundMessageId: options.id ?? `in-${counter}`,
        ...(options.previous ? { previousPublishedMessageId: options.previous } : {}),
      },
    };
  }

  /** Handles the text with the clock at `processedAt` (default: its receipt). */
  function deliver(record: InboundSmsRecord, processedAt = record.receivedAt) {
    clock.set(processedAt);
    return handleInboundSms(deps, record);
  }

  /** Plans the patient's items around `dueAt` and "sends" the one of `kind` due then, as the dispatcher does. */
  function sendReminder(patient: Patient, dueAt: string, kind: StoredReminder['kind']): Promise<StoredReminder & { providerMessageId: string }> {
    const from = new Date(Date.parse(dueAt) - 86_400_000).toISOString();
    const to = new Date(Date.parse(dueAt) + 86_400_000).toISOString();
    return sendReminderAsDispatcher(repos, protocol, patient, kind, dueAt, { from, to });
  }

  return { repos, deps, clock, sms, publisher, enroll, text, deliver, sendReminder };
}

/** A template as the patient receives it (the study's phone numbers filled in). */
export function replyText(protocol: Protocol, language: 'zh-CN' | 'en', key: TemplateKey, params: Record<string, string> = {}): string {
  return renderTemplate(protocol, language, key, { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone, ...params });
}
