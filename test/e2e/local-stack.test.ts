import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnStack, type SpawnedStack } from './spawn-stack.ts';

/**
 * `npm start` as a user runs it, driven over HTTP only: enroll → move the virtual clock →
 * reminders in the outbox at the patient's local time → the patient replies → a report in the
 * queue → review → audit; then Ctrl-C and a restart that still has everything.
 */
const START = '2027-01-04T00:00:00Z'; // Monday 08:00 in Beijing, Sunday 19:00 in New York
const PHONE = '+12015550199';

const localTime = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));

describe('local stack over HTTP (virtual clock)', () => {
  let stack: SpawnedStack;
  let patientId: string;

  beforeAll(async () => {
    stack = await spawnStack({ args: [`--virtual-clock=${START}`] });
  }, 90_000);
  afterAll(async () => {
    await stack?.dispose();
  });

  it('prints the console URL and the token, serves the console without a token and the API only with one', async () => {
    expect(stack.output()).toContain(`local API token: ${stack.token}`);
    const page = await fetch(`${stack.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    expect((await fetch(`${stack.url}/api/patients`)).status).toBe(401);
    expect((await fetch(`${stack.url}/local/sms/outbox`)).status).toBe(401);
    const clock = await (await fetch(`${stack.url}/local/clock`)).json();
    expect(clock).toMatchObject({ now: START, virtual: true });
  });

  it('enrolls a patient in New York and sends the first reminders at 09:00 and 21:00 New York time', async () => {
    const enrolled = await stack.call('POST', '/api/patients', {
      studyId: 'E2E-001',
      phone: PHONE,
      timeZone: 'America/New_York',
      language: 'en',
      enrolledOn: '2027-01-04',
      doseTimes: { morning: '09:00', evening: '21:00' },
      prednisoneStartMg: 40,
      discreet: false,
    });
    expect(enrolled.status).toBe(201);
    patientId = enrolled.body.id;

    // Nothing is due yet: New York is still on Sunday evening.
    expect((await stack.call('GET', `/local/sms/outbox?to=${encodeURIComponent(PHONE)}`)).body.items).toEqual([]);

    const moved = await stack.call('POST', '/local/clock', { advanceMinutes: 27 * 60 });
    expect(moved.status).toBe(200);
    expect(moved.body.now).toBe('2027-01-05T03:00:00Z');
    expect(moved.body.failed).toEqual([]);

    const outbox = (await stack.call('GET', `/local/sms/outbox?to=${encodeURIComponent(PHONE)}`)).body.items as { id: string; body: string; sentAt: string; parts: number; to: string }[];
    expect(outbox.map((m) => [m.sentAt, localTime(m.sentAt, 'America/New_York')])).toEqual([
      ['2027-01-04T14:00:00Z', '09:00'],
      ['2027-01-05T02:00:00Z', '21:00'],
    ]);
    expect(outbox[0]!.body).toMatch(/^Morning: prednisone 40mg/);
    expect(outbox.every((m) => m.parts === 1 && m.to === PHONE)).toBe(true);
  });

  it('rejects clock moves backwards or malformed, naming the field', async () => {
    const back = await stack.call('POST', '/local/clock', { to: '2027-01-01T00:00:00Z' });
    expect(back.status).toBe(400);
    const bad = await stack.call('POST', '/local/clock', { advanceMinutes: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.length).toBeGreaterThan(0);
  });

  it('takes a reply as SNS would deliver it, queues it for review, and audits the review', async () => {
    const reply = await stack.call('POST', '/local/sms/inbound', { from: PHONE, body: 'feeling sick, diarrhea 3 times today' });
    expect(reply.status).toBe(200);
    expect(reply.body.inboundMessageId).toEqual(expect.any(String));
    expect(reply.body.interpretation).toMatchObject({ intent: 'side_effect' });
    expect(reply.body.interpretation.items.map((i: { term: string }) => i.term)).toContain('Diarrhea');
    expect(reply.body.replies.length).toBeGreaterThanOrEqual(1);

    const queue = await stack.call('GET', '/api/reports?status=open');
    const report = (queue.body.items as { id: string; text: string; studyId: string; inboundMessageId: string }[]).find((r) => r.inboundMessageId === reply.body.inboundMessageId);
    expect(report).toMatchObject({ studyId: 'E2E-001', text: 'feeling sick, diarrhea 3 times today' });

    const reviewed = await stack.call('POST', `/api/reports/${report!.id}/review`, {
      outcome: 'adverse_event_recorded',
      note: 'called the patient; grade 1',
      confirmedItems: [{ term: 'Diarrhea', grade: 1 }],
    });
    expect(reviewed.status).toBe(200);
    expect((await stack.call('GET', '/api/reports?status=open')).body.items.map((r: { id: string }) => r.id)).not.toContain(report!.id);

    const audit = await stack.call('GET', `/api/audit?entity=report:${report!.id}`);
    expect(audit.body.items).toContainEqual(expect.objectContaining({ action: 'report.review', actor: 'local:coordinator', entityId: report!.id }));
  });

  it('a full-form two-way payload is accepted, and a redelivery of it is recognised: one report, one reply, nothing sent twice', async () => {
    // A text that gets a reply (a symptom report: thanks), so that processing it twice would show.
    const payload = {
      originationNumber: PHONE,
      destinationNumber: '+15555550100',
      messageKeyword: 'KEYWORD_000000000000',
      messageBody: 'rash on both arms since yesterday',
      inboundMessageId: 'e2e-redelivered-0001',
    };
    const outboxBefore = (await stack.call('GET', `/local/sms/outbox?to=${encodeURIComponent(PHONE)}`)).body.items.length;
    const first = await stack.call('POST', '/local/sms/inbound', payload);
    const second = await stack.call('POST', '/local/sms/inbound', payload);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.body.replies).toHaveLength(1);
    expect(second.body.replies).toEqual([]);
    expect((await stack.call('GET', `/local/sms/outbox?to=${encodeURIComponent(PHONE)}`)).body.items).toHaveLength(outboxBefore + 1);
    const reports = (await stack.call('GET', '/api/reports?status=open')).body.items as { inboundMessageId: string }[];
    expect(reports.filter((r) => r.inboundMessageId === payload.inboundMessageId)).toHaveLength(1);
  });

  it('survives Ctrl-C and a restart: patient, outbox and token are still there', async () => {
    const before = (await stack.call('GET', '/local/sms/outbox')).body.items.length;
    expect(await stack.stop()).toBe(0);
    expect(stack.output()).toContain('SIGINT: stopping');
    const again = await spawnStack({ dataDir: stack.dataDir, args: [`--virtual-clock=2027-01-05T03:00:00Z`] });
    try {
      const patient = await again.call('GET', `/api/patients/${patientId}`);
      expect(patient.status).toBe(200);
      expect(patient.body.patient.studyId).toBe('E2E-001');
      expect((await again.call('GET', '/local/sms/outbox')).body.items.length).toBe(before);
    } finally {
      await again.stop();
    }
  }, 90_000);
});
