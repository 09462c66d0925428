// What a coordinator sees of the alerts a patient's text raises (in-memory repositories, fixed
// clock): the exact title and details of the red flag, relapse-sign and supply items, and the
// report's creation entry in the audit trail. Titles are shown in the console; details feed the
// exports and the review.
import { describe, expect, it } from 'vitest';
import { alertIdFor } from '#app/alerts.ts';
import { reportIdFor } from '#app/inbound/index.ts';
import { emptyResult, type Run } from '#app/inbound/run.ts';
import { raiseRedFlag, raiseRelapseSignal } from '#app/inbound/triage.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Protocol } from '#domain/protocol.ts';
import { raisedAlerts } from '../support/dispatch-fakes.ts';
import { memoryInbound } from '../support/inbound-memory.ts';

const protocol = loadProtocolFile();
// Saturday 2027-01-16, 10:00 Asia/Shanghai: study day 12 of a patient enrolled 2027-01-04 (prednisone taper active).
const AT = '2027-01-16T02:00:00.000Z';
// 2027-08-01: study day 209, after the taper's last day (181).
const AFTER_TAPER = '2027-08-01T02:00:00.000Z';
const minutesAfter = (at: string, minutes: number, seconds = 0) => new Date(Date.parse(at) + minutes * 60_000 + seconds * 1000).toISOString();

async function oneText(body: string, options: { at?: string; processedAt?: string; protocol?: Protocol } = {}) {
  const at = options.at ?? AT;
  const world = memoryInbound(options.protocol ?? protocol, at);
  const patient = await world.enroll();
  const record = world.text(body, at, { id: 'in-alert-1' });
  const result = await world.deliver(record, options.processedAt ?? at);
  const alerts = await raisedAlerts(world.repos.alerts);
  return { ...world, patient, result, alerts, reportId: reportIdFor('in-alert-1') };
}

describe('the red flag alert a coordinator is pushed', () => {
  it('names the study ID and each CTCAE term with its grade (a term without a grade stands alone), and carries items, reasons, temperature, report and receipt time', async () => {
    const { alerts, publisher, reportId, result } = await oneText('发烧38.5，胸痛');
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      id: alertIdFor('red_flag:in-alert-1'),
      kind: 'red_flag',
      urgent: true,
      episodeKey: 'red_flag:in-alert-1',
      patientId: 'pat-0001',
      studyId: 'IGG4-001',
      sourceId: reportId,
      title: 'Red flag from IGG4-001: Fever (grade 1), Pain',
    });
    expect(alert!.details).toStrictEqual({
      studyId: 'IGG4-001',
      items: [
        { term: 'Fever', grade: 1 },
        { term: 'Pain', grade: null },
      ],
      reasons: ['fever', 'respiratory'],
      relapseSignal: false,
      temperatureC: 38.5,
      reportId,
      receivedAt: AT,
    });
    expect(publisher.published.map((a) => a.title)).toEqual(['Red flag from IGG4-001: Fever (grade 1), Pain']);
    expect(result.alertIds).toEqual([alert!.id]);
  });

  it('a red flag that is also a relapse sign says so in its details, without a temperature when none was texted', async () => {
    const { alerts, reportId } = await oneText('呼吸困难');
    expect(alerts.map((a) => a.kind)).toEqual(['red_flag']);
    expect(alerts[0]!.title).toBe('Red flag from IGG4-001: Dyspnea');
    expect(alerts[0]!.details).toStrictEqual({
      studyId: 'IGG4-001',
      items: [{ term: 'Dyspnea', grade: null }],
      reasons: ['respiratory'],
      relapseSignal: true,
      reportId,
      receivedAt: AT,
    });
  });

  it('processed 7 minutes after it was texted: the title and details say how late', async () => {
    const { alerts, result, reportId } = await oneText('fever 39.5', { processedAt: minutesAfter(AT, 7, 30) });
    expect(result.lateMinutes).toBe(7);
    expect(alerts[0]!.title).toBe('Red flag from IGG4-001: Fever (grade 2) (texted 7 min ago; processing was delayed)');
    expect(alerts[0]!.details).toStrictEqual({
      studyId: 'IGG4-001',
      items: [{ term: 'Fever', grade: 2 }],
      reasons: ['fever'],
      relapseSignal: false,
      temperatureC: 39.5,
      reportId,
      receivedAt: AT,
      lateMinutes: 7,
    });
  });

  it('processed 1 minute 59 seconds after it was texted: not late, the title has no delay note', async () => {
    const { alerts, result } = await oneText('fever 39.5', { processedAt: minutesAfter(AT, 1, 59) });
    expect(result.lateMinutes).toBeUndefined();
    expect(alerts[0]!.title).toBe('Red flag from IGG4-001: Fever (grade 2)');
    expect(alerts[0]!.details).not.toHaveProperty('lateMinutes');
  });

  it('processed 2 hours after it was texted: 120 minutes late', async () => {
    const { alerts, result } = await oneText('fever 39.5', { processedAt: minutesAfter(AT, 120) });
    expect(result.lateMinutes).toBe(120);
    expect(alerts[0]!.title).toBe('Red flag from IGG4-001: Fever (grade 2) (texted 120 min ago; processing was delayed)');
  });
});

describe('the relapse-sign item in the worklist', () => {
  it('is routine (not pushed), names every sign, and carries signals, items and the report', async () => {
    const { alerts, publisher, reportId, result } = await oneText('腹痛，眼睛肿了');
    expect(publisher.published).toHaveLength(0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      id: alertIdFor('relapse_signal:in-alert-1'),
      kind: 'relapse_signal',
      urgent: false,
      episodeKey: 'relapse_signal:in-alert-1',
      patientId: 'pat-0001',
      studyId: 'IGG4-001',
      sourceId: reportId,
      title: 'Possible relapse sign reported by IGG4-001: abdominal_back_pain, gland_swelling',
    });
    expect(alerts[0]!.details).toStrictEqual({
      studyId: 'IGG4-001',
      signals: ['abdominal_back_pain', 'gland_swelling'],
      items: [
        { term: 'Abdominal pain', grade: null },
        { term: 'Eye disorders - Other, specify', grade: null },
      ],
      reportId,
    });
    expect(result.alertIds).toEqual([alerts[0]!.id]);
  });
});

describe('supply problems', () => {
  it('during the taper, out of prednisone and MMF: an urgent steroid withdrawal naming both drugs in English', async () => {
    const { alerts, publisher, reportId } = await oneText('ran out of prednisone and MMF');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      id: alertIdFor('supply:in-alert-1'),
      kind: 'steroid_withdrawal',
      urgent: true,
      episodeKey: 'supply:in-alert-1',
      title: 'IGG4-001: reports a supply problem during the taper (prednisone, MMF)',
    });
    expect(alerts[0]!.details).toStrictEqual({ studyId: 'IGG4-001', cause: 'supply', drugs: ['prednisone', 'mmf'], taperActive: true, reportId });
    expect(publisher.published.map((a) => a.kind)).toEqual(['steroid_withdrawal']);
  });

  it('during the taper, out of MMF and leflunomide (no taper drug): a routine supply item naming both', async () => {
    const { alerts, publisher, reportId } = await oneText('ran out of MMF and leflunomide');
    expect(publisher.published).toHaveLength(0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'supply', urgent: false, title: 'IGG4-001: reports a medicine supply problem (MMF, leflunomide)' });
    expect(alerts[0]!.details).toStrictEqual({ studyId: 'IGG4-001', cause: 'supply', drugs: ['mmf', 'lef'], taperActive: true, reportId });
  });

  it('during the taper, out of medicine without naming it: counted as prednisone, urgent, "medicine not named"', async () => {
    const { alerts, reportId } = await oneText('药吃完了');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'steroid_withdrawal', urgent: true, title: 'IGG4-001: reports a supply problem during the taper (medicine not named)' });
    expect(alerts[0]!.details).toStrictEqual({ studyId: 'IGG4-001', cause: 'supply', drugs: [], taperActive: true, reportId });
  });

  it('after the taper ended, out of prednisone: a routine supply item, taper not active', async () => {
    const { alerts, publisher, reportId } = await oneText('I ran out of prednisone', { at: AFTER_TAPER });
    expect(publisher.published).toHaveLength(0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'supply', urgent: false, title: 'IGG4-001: reports a medicine supply problem (prednisone)' });
    expect(alerts[0]!.details).toStrictEqual({ studyId: 'IGG4-001', cause: 'supply', drugs: ['prednisone'], taperActive: false, reportId });
  });

  it('a protocol with no drug urgent during the taper: an unnamed supply problem during the taper stays routine', async () => {
    const noTaperDrugs: Protocol = { ...protocol, alerts: { ...protocol.alerts, supply: { ...protocol.alerts.supply, urgentDuringTaper: [] } } };
    const { alerts } = await oneText('药吃完了', { protocol: noTaperDrugs });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'supply', urgent: false, title: 'IGG4-001: reports a medicine supply problem (medicine not named)' });
    expect(alerts[0]!.details).toMatchObject({ drugs: [], taperActive: true });
  });

  it('a drug the protocol does not list is named by its key', async () => {
    const { lef: _lef, ...drugs } = protocol.drugs;
    const withoutLef = { ...protocol, drugs } as unknown as Protocol;
    const { alerts } = await oneText('ran out of leflunomide', { protocol: withoutLef });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'supply', title: 'IGG4-001: reports a medicine supply problem (lef)' });
  });
});

describe('the report.create entry in the audit trail', () => {
  it('a text that is no answer: source, intent, items, red flag and relapse sign, answersCheckInId null', async () => {
    const { repos, reportId } = await oneText('发烧38.5，胸痛');
    expect(await repos.audit.listForEntity('report', reportId)).toEqual([
      expect.objectContaining({
        id: `report.create:${reportId}`,
        at: AT,
        actor: 'patient-sms',
        action: 'report.create',
        entityType: 'report',
        entityId: reportId,
        before: null,
        after: {
          source: 'sms',
          intent: 'side_effect',
          items: [
            { term: 'Fever', grade: 1 },
            { term: 'Pain', grade: null },
          ],
          redFlag: true,
          relapseSignal: false,
          answersCheckInId: null,
        },
      }),
    ]);
  });

  it('a reported missed dose: the entry names the check-in it answers', async () => {
    const world = memoryInbound(protocol, '2027-01-16T00:00:00.000Z');
    const patient = await world.enroll();
    const checkIn = await world.sendReminder(patient, '2027-01-16T00:00:00.000Z', 'dose');
    await world.deliver(world.text('忘了吃', '2027-01-16T01:00:00.000Z', { id: 'in-miss-1' }));
    const reportId = reportIdFor('in-miss-1');
    const entries = await world.repos.audit.listForEntity('report', reportId);
    expect(entries.map((e) => [e.action, e.after])).toEqual([
      ['report.create', { source: 'sms', intent: 'dose_missed', items: [], redFlag: false, relapseSignal: false, answersCheckInId: checkIn.id }],
    ]);
  });
});

describe('alert contents when the reading left parts out (raised directly)', () => {
  const runOf = (w: ReturnType<typeof memoryInbound>): Run =>
    ({ deps: w.deps, message: { inboundMessageId: 'in-direct', receivedAt: AT }, now: AT, resumed: false, result: emptyResult('in-direct', null) }) as unknown as Run;

  it('a red flag from an unknown number, with no CTCAE term and no reasons: "Red flag from unknown number: red flag"', async () => {
    const w = memoryInbound(protocol, AT);
    const reading = { intent: 'side_effect', items: [], redFlag: true, relapseSignal: false, language: 'zh' } as Interpretation;
    await raiseRedFlag(runOf(w), null, reading, 'rpt-direct');
    const [alert] = await raisedAlerts(w.repos.alerts);
    expect(alert).toMatchObject({ kind: 'red_flag', patientId: null, studyId: null, title: 'Red flag from unknown number: red flag' });
    expect(alert!.details).toStrictEqual({ studyId: null, items: [], reasons: [], relapseSignal: false, reportId: 'rpt-direct', receivedAt: AT });
  });

  it('a relapse sign without the signs named: the title says so (no bare colon), the details keep an empty list, not an invented one', async () => {
    const w = memoryInbound(protocol, AT);
    const patient = await w.enroll();
    const reading = { intent: 'symptom', items: [], redFlag: false, relapseSignal: true, language: 'zh' } as Interpretation;
    await raiseRelapseSignal(runOf(w), patient, reading, 'rpt-direct');
    const [alert] = await raisedAlerts(w.repos.alerts);
    expect(alert).toMatchObject({ kind: 'relapse_signal', title: 'Possible relapse sign reported by IGG4-001: signs not named (see the report)' });
    expect(alert!.details).toStrictEqual({ studyId: 'IGG4-001', signals: [], items: [], reportId: 'rpt-direct' });
  });
});
