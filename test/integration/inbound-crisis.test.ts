import { describe, expect, it, vi } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { renderTemplate } from '#domain/templates.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { doseCheckInHarness } from '../support/dose-checkin-harness.ts';

vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'trial-crisis-tests';
  process.env.ALERT_TOPIC_ARN ??= 'arn:aws:sns:us-east-1:000000000000:trial-alerts';
  process.env.CONSOLE_URL ??= 'https://console.example.org/';
  process.env.AWS_REGION ??= 'us-east-1';
});

/**
 * A text that is all polite filler but a STOP word is a command ("i want to stop"), unless it names a
 * symptom: "i just want it all to end" was read as END (STOP) and unsubscribed the patient, with a
 * STOP confirmation for an answer. It must be what it is: thoughts of death, an urgent red flag, the
 * urgent-contact text, and the patient still subscribed. Through the real inbound handler on dynalite.
 */
const protocol = loadProtocolFile();
const local = useLocalDynamo();
const PHONE = '+8613800138001';

const setup = () => doseCheckInHarness(local, protocol, PHONE);

describe('a message in crisis is never a command', () => {
  it('"i just want it all to end": an urgent red flag and the urgent-contact text, not an opt-out', async () => {
    const s = await setup();
    const id = await s.text('i just want it all to end', s.after(s.doses[0]!, 30));
    const patient = await s.deps.patients.get(s.patient.id);
    expect(patient?.smsOptOut ?? false).toBe(false);
    expect(patient?.status).toBe('active');
    const stored = await s.deps.messages.getInbound(id);
    expect(stored?.interpretation?.intent).toBe('side_effect');
    expect(stored?.interpretation?.redFlag).toBe(true);
    expect((stored?.interpretation?.items as { term: string }[] | undefined)?.map((i) => i.term)).toContain('Suicidal ideation');
    const alerts = (await s.deps.alerts.listForPatient(s.patient.id)).filter((a) => a.kind === 'red_flag');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.urgent).toBe(true);
    const urgent = renderTemplate(protocol, s.patient.language, 'reply.urgent', { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone });
    const stop = renderTemplate(protocol, s.patient.language, 'reply.stop_confirm', { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone });
    expect(s.sms.sent.map((m) => m.body)).toContain(urgent);
    expect(s.sms.sent.map((m) => m.body)).not.toContain(stop);
  });

  it('a plain "i want it to stop" with no symptom is still an opt-out', async () => {
    const s = await setup();
    await s.text('i want it to stop', s.after(s.doses[0]!, 30));
    expect((await s.deps.patients.get(s.patient.id))?.smsOptOut).toBe(true);
  });
});
