// STOP / START / HELP at their edges (in-memory repositories, fixed clock): the audit entries an
// auditor reads, the opt-out item a coordinator sees, the confirmations that go even when the
// day's reply budget is spent, and the opt-out written through a concurrent change of the patient.
import { describe, expect, it, vi } from 'vitest';
import { alertIdFor } from '#app/alerts.ts';
import { replyIdFor, reportIdFor } from '#app/inbound/index.ts';
import { planPatient } from '#app/plan-schedule.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import { StaleWriteError } from '#ports/patients.ts';
import { raisedAlerts } from '../support/dispatch-fakes.ts';
import { memoryInbound, PATIENT_PHONE, replyText } from '../support/inbound-memory.ts';

const protocol = loadProtocolFile();
// Saturday 2027-01-16, 10:00 Asia/Shanghai.
const AT = '2027-01-16T02:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(AT) + minutes * 60_000).toISOString();

async function world(options: { protocol?: Protocol; patient?: Partial<Patient> } = {}) {
  const w = memoryInbound(options.protocol ?? protocol, AT);
  const patient = await w.enroll(options.patient);
  const optEntries = async () => (await w.repos.audit.listForEntity('patient', patient.id)).filter((e) => e.action.startsWith('patient.sms_opt'));
  return { ...w, patient, optEntries };
}

describe('STOP', () => {
  it('is audited as the patient\'s opt-out, with the coordinator\'s routine opt_out item and the confirmation', async () => {
    const w = await world();
    await planPatient({ reminders: w.repos.reminders, protocol }, w.patient, AT);
    const due = (await w.repos.reminders.listForPatient(w.patient.id, AT, '9999')).filter((r) => r.state === 'due').length;
    expect(due).toBeGreaterThan(0);
    const result = await w.deliver(w.text('STOP', AT, { id: 'in-stop' }));
    expect(await w.optEntries()).toEqual([
      expect.objectContaining({
        id: 'patient.sms_opt_out:in-stop',
        at: AT,
        actor: 'patient-sms',
        action: 'patient.sms_opt_out',
        entityType: 'patient',
        entityId: w.patient.id,
        before: { smsOptOut: false },
        after: { smsOptOut: true },
        reason: 'patient texted STOP',
      }),
    ]);
    const alerts = await raisedAlerts(w.repos.alerts);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      id: alertIdFor('opt_out:in-stop'),
      kind: 'opt_out',
      urgent: false,
      episodeKey: 'opt_out:in-stop',
      studyId: 'IGG4-001',
      sourceId: reportIdFor('in-stop'),
      title: 'IGG4-001 stopped study SMS (STOP); still in the trial',
    });
    expect(alerts[0]!.details).toStrictEqual({ studyId: 'IGG4-001', reportId: reportIdFor('in-stop'), cancelledReminders: due });
    expect(w.publisher.published).toHaveLength(0);
    expect(result.replyIds).toEqual([replyIdFor('in-stop', 'stop_confirm')]);
    expect(w.sms.sent).toEqual([{ to: PATIENT_PHONE, body: replyText(protocol, 'zh-CN', 'reply.stop_confirm'), messageId: 'local-1' }]);
  });

  it('is confirmed even after the day\'s reply budget is spent', async () => {
    const w = await world({ protocol: { ...protocol, inbound: { ...protocol.inbound, autoReplyBudgetPerNumberPerDay: 1 } } });
    await w.deliver(w.text('嗯嗯嗯', at(0)));
    const spent = await w.deliver(w.text('啊？', at(1)));
    expect(spent.withheldReplies).toEqual([{ purpose: 'unclear', reason: 'budget_spent' }]);
    const stop = await w.deliver(w.text('STOP', at(2), { id: 'in-stop' }));
    expect(stop.withheldReplies).toEqual([]);
    expect(w.sms.sent.at(-1)?.body).toBe(replyText(protocol, 'zh-CN', 'reply.stop_confirm'));
  });

  it('a patient record changed meanwhile (a stale write): read again and opted out', async () => {
    const w = await world();
    const update = vi.spyOn(w.repos.patients, 'update');
    update.mockRejectedValueOnce(new StaleWriteError('changed meanwhile'));
    await w.deliver(w.text('STOP', AT, { id: 'in-stop' }));
    expect(update).toHaveBeenCalledTimes(2);
    expect((await w.repos.patients.get(w.patient.id))?.smsOptOut).toBe(true);
    expect((await w.optEntries()).map((e) => e.id)).toEqual(['patient.sms_opt_out:in-stop']);
  });

  it('a patient record that keeps changing: five attempts, then the text fails (to be retried) with nothing written', async () => {
    const w = await world();
    let calls = 0;
    vi.spyOn(w.repos.patients, 'update').mockImplementation(async () => {
      calls++;
      if (calls > 10) throw new Error('runaway retry loop');
      throw new StaleWriteError('changed meanwhile');
    });
    const failure = w.deliver(w.text('STOP', AT, { id: 'in-stop' }));
    await expect(failure).rejects.toThrow(StaleWriteError);
    await expect(failure).rejects.toThrow('patient pat-0001 kept changing');
    expect(calls).toBe(5);
    expect(await w.optEntries()).toEqual([]);
    expect(w.sms.sent).toEqual([]);
  });

  it('a failing patient store (not a stale write) fails the text at once', async () => {
    const w = await world();
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    const update = vi.spyOn(w.repos.patients, 'update').mockRejectedValue(throttled);
    await expect(w.deliver(w.text('STOP', AT, { id: 'in-stop' }))).rejects.toBe(throttled);
    expect(update).toHaveBeenCalledTimes(1);
  });
});

describe('STOP during the weekly check-in conversation', () => {
  const CHECKIN = '2027-01-16T11:00:00.000Z';
  async function inConversation() {
    const w = await world();
    await w.sendReminder(w.patient, CHECKIN, 'checkin');
    await w.deliver(w.text('1', '2027-01-16T11:05:00.000Z'));
    expect((await w.repos.conversations.get(w.patient.id))?.state.step).toBe('items');
    return w;
  }

  it('the conversation changed meanwhile (the sweep closed it): STOP still opts out and is confirmed', async () => {
    const w = await inConversation();
    vi.spyOn(w.repos.conversations, 'save').mockRejectedValueOnce(new StaleWriteError('closed meanwhile'));
    const result = await w.deliver(w.text('STOP', '2027-01-16T11:10:00.000Z', { id: 'in-stop' }));
    expect((await w.repos.patients.get(w.patient.id))?.smsOptOut).toBe(true);
    expect(result.replyIds).toEqual([replyIdFor('in-stop', 'stop_confirm')]);
  });

  it('a failing conversation store (not a stale write) fails the STOP, to be retried', async () => {
    const w = await inConversation();
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    vi.spyOn(w.repos.conversations, 'save').mockRejectedValueOnce(throttled);
    await expect(w.deliver(w.text('STOP', '2027-01-16T11:10:00.000Z', { id: 'in-stop' }))).rejects.toBe(throttled);
  });
});

describe('START', () => {
  it('after STOP: audited as the patient\'s opt-in, re-planned, and confirmed', async () => {
    const w = await world();
    await w.deliver(w.text('STOP', at(0), { id: 'in-stop' }));
    const start = await w.deliver(w.text('START', at(5), { id: 'in-start' }));
    expect((await w.repos.patients.get(w.patient.id))?.smsOptOut).toBe(false);
    expect(await w.optEntries()).toEqual([
      expect.objectContaining({ id: 'patient.sms_opt_out:in-stop' }),
      expect.objectContaining({
        id: 'patient.sms_opt_in:in-start',
        at: at(5),
        actor: 'patient-sms',
        action: 'patient.sms_opt_in',
        entityType: 'patient',
        entityId: w.patient.id,
        before: { smsOptOut: true },
        after: { smsOptOut: false },
        reason: 'patient texted START',
      }),
    ]);
    expect(start.replyIds).toEqual([replyIdFor('in-start', 'start_confirm')]);
    expect(w.sms.sent.at(-1)?.body).toBe(replyText(protocol, 'zh-CN', 'reply.start_confirm'));
    expect((await w.repos.reminders.listForPatient(w.patient.id, at(5), '2027-01-18T00:00:00.000Z')).some((r) => r.state === 'due')).toBe(true);
  });

  it('from a patient who never opted out: nothing to audit, still confirmed', async () => {
    const w = await world();
    const start = await w.deliver(w.text('START', AT, { id: 'in-start' }));
    expect(await w.optEntries()).toEqual([]);
    expect(start.replyIds).toEqual([replyIdFor('in-start', 'start_confirm')]);
  });

  it('is confirmed even after the day\'s reply budget is spent', async () => {
    const w = await world({ protocol: { ...protocol, inbound: { ...protocol.inbound, autoReplyBudgetPerNumberPerDay: 1 } } });
    await w.deliver(w.text('嗯嗯嗯', at(0)));
    const spent = await w.deliver(w.text('啊？', at(1)));
    expect(spent.withheldReplies).toEqual([{ purpose: 'unclear', reason: 'budget_spent' }]);
    await w.deliver(w.text('STOP', at(2)));
    const start = await w.deliver(w.text('START', at(3), { id: 'in-start' }));
    expect(start.withheldReplies).toEqual([]);
    expect(w.sms.sent.at(-1)?.body).toBe(replyText(protocol, 'zh-CN', 'reply.start_confirm'));
  });

  it('from a withdrawn patient who had opted out: opted in (audited), answered with the study contact, not "resumed"', async () => {
    const w = await world({ patient: { status: 'withdrawn', smsOptOut: true } });
    const start = await w.deliver(w.text('START', AT, { id: 'in-start' }));
    expect((await w.optEntries()).map((e) => e.id)).toEqual(['patient.sms_opt_in:in-start']);
    expect(start.replyIds).toEqual([replyIdFor('in-start', 'help')]);
    expect(w.sms.sent.map((m) => m.body)).toEqual([replyText(protocol, 'zh-CN', 'reply.help')]);
  });
});
