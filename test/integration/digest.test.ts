import { beforeEach, describe, expect, it, vi } from 'vitest';

// The handler module parses its environment at load (as on Lambda); give it one before imports run.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unused-by-the-factory';
  process.env.ALERT_TOPIC_ARN ??= 'arn:aws:sns:cn-north-1:123456789012:coordinators';
  process.env.SMS_COST_PER_PART_USD ??= '0.05';
  process.env.AWS_REGION ??= 'cn-north-1';
});

import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SnsAlertPublisher } from '#adapters/sns/sns-alert-publisher.ts';
import { acknowledgeAlert } from '#app/acknowledge-alert.ts';
import { previousIsoWeek, runWeeklyDigest } from '#app/weekly-digest.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Patient } from '#domain/patient.ts';
import { computeSchedule } from '#domain/schedule.ts';
import { fixedClock } from '#ports/clock.ts';
import type { Alert } from '#ports/alerts.ts';
import type { Report } from '#ports/reports.ts';
import { createDigestHandler } from '#functions/weekly-digest/handler.ts';
import { measureDigestReads } from '../../bench/digest.ts';
import { dynamoDigestDeps } from '../support/digest-deps.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { makePatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const local = useLocalDynamo();
const snsMock = mockClient(SNSClient);
const COORDINATORS = 'arn:aws:sns:cn-north-1:123456789012:coordinators';
const TZ = protocol.studyTimeZone;
const WEEK = '2027-W02'; // Monday 2027-01-11 to Sunday 2027-01-17, Asia/Shanghai
const GENERATED_AT = '2027-01-18T00:00:00.000Z'; // Monday 08:00 local, when the Scheduler runs

const P1 = makePatient(protocol, { id: 'pat-001', studyId: 'IGG4-001', phone: '+8613800000001', enrolledOn: '2026-07-01', arm: 'MMF', randomizedOn: '2026-12-30' });
const P2 = makePatient(protocol, { id: 'pat-002', studyId: 'IGG4-002', phone: '+8613800000002', enrolledOn: '2026-06-20', arm: 'LEF', randomizedOn: '2026-12-19', appointments: { m9: '2027-01-20' } });
const P3 = makePatient(protocol, { id: 'pat-003', studyId: 'IGG4-003', phone: '+8613800000003', enrolledOn: '2026-12-06' });
const P4 = makePatient(protocol, { id: 'pat-004', studyId: 'IGG4-004', phone: '+8613800000004', enrolledOn: '2026-06-20', arm: 'MMF', randomizedOn: '2026-12-19', status: 'paused' });
const P5 = makePatient(protocol, { id: 'pat-005', studyId: 'IGG4-005', phone: '+8613800000005', enrolledOn: '2026-06-20', arm: 'LEF', randomizedOn: '2026-12-19', status: 'withdrawn', smsOptOut: true });

function repositories(table: string, publisher = new SnsAlertPublisher(new SNSClient({ region: 'cn-north-1' }), { coordinators: COORDINATORS }, 'https://console.example.org/')) {
  return dynamoDigestDeps(local.db.doc, table, protocol, publisher);
}

/**
 * The synthetic week. Every number the test expects is derived by hand in the comments here.
 * Doses (sent check-ins and their outcomes) in W02:
 *   IGG4-001 (MMF): Mon 08:00 taken, Mon 20:00 reported missed, Tue 08:00 unanswered, Tue 20:00 taken
 *   IGG4-002 (LEF): Mon 08:00 taken, Tue 08:00 taken (Wed 08:00 failed to send)
 *   IGG4-003 (induction, prednisone+MMF morning, MMF evening): Mon 08:00 taken, Mon 20:00 unanswered
 *   and IGG4-001 Sun 2027-01-10 20:00 (week W01) unanswered: must not count.
 */
async function seedSyntheticWeek(table: string) {
  const deps = repositories(table);
  for (const p of [P1, P2, P3, P4, P5]) await deps.patients.create(p);

  const dose = async (patient: Patient, localDate: string, localTime: string, outcome: 'taken' | 'missed_reported' | 'missed_no_reply' | 'failed') => {
    const window = { from: '2027-01-09T00:00:00.000Z', to: '2027-01-18T00:00:00.000Z' };
    const item = computeSchedule(patient, protocol, window).find((i) => i.kind === 'dose' && i.localDate === localDate && i.localTime === localTime);
    if (!item) throw new Error(`no dose for ${patient.studyId} at ${localDate} ${localTime}`);
    await deps.reminders.materialize(patient.id, patient.studyId, [item], { from: item.dueAt, to: item.dueAt }, '2027-01-08T00:00:00.000Z');
    const [stored] = await deps.reminders.listForPatient(patient.id, item.dueAt, `${item.dueAt}~`);
    expect(await deps.reminders.claim(stored!, 'dispatch', item.dueAt, 60)).toBe(true);
    if (outcome === 'failed') {
      await deps.reminders.finish(stored!, 'failed', 'invalid_number', item.dueAt, 'dispatch');
      return;
    }
    await deps.reminders.markSent(stored!, 'dispatch', { messageId: `m-${item.id}`, parts: 1, sentAt: item.dueAt });
    // The real writes: a patient's reply (inbound-sms) or the sweep closing an unanswered window.
    const [sent] = await deps.reminders.listForPatient(patient.id, item.dueAt, `${item.dueAt}~`);
    const answeredAt = new Date(Date.parse(item.dueAt) + 30 * 60_000).toISOString();
    if (outcome === 'missed_no_reply') expect(await deps.reminders.recordSweepMissed(sent!, sent!.answerWindowEnd!)).toBe('missed');
    else expect((await deps.reminders.recordDoseAnswer(sent!, { outcome, answeredAt, answerMessageId: `in-${item.id}` }, answeredAt)).applied).toBe(true);
  };
  await dose(P1, '2027-01-11', '08:00', 'taken');
  await dose(P1, '2027-01-11', '20:00', 'missed_reported');
  await dose(P1, '2027-01-12', '08:00', 'missed_no_reply');
  await dose(P1, '2027-01-12', '20:00', 'taken');
  await dose(P2, '2027-01-11', '08:00', 'taken');
  await dose(P2, '2027-01-12', '08:00', 'taken');
  await dose(P2, '2027-01-13', '08:00', 'failed');
  await dose(P3, '2027-01-11', '08:00', 'taken');
  await dose(P3, '2027-01-11', '20:00', 'missed_no_reply');
  await dose(P1, '2027-01-10', '20:00', 'missed_no_reply'); // W01

  // Outbound SMS: 10 in W02 (8 of one part, 2 of two parts = 12 parts), 1 in W01 (ignored).
  for (let i = 0; i < 11; i++) {
    const sentAt = i === 10 ? '2027-01-09T02:00:00.000Z' : `2027-01-1${1 + (i % 5)}T0${i % 3}:30:00.000Z`;
    await deps.messages.recordOutbound({ id: `out-${i}`, providerMessageId: `prov-${i}`, to: P1.phone, body: 'x', parts: i < 2 ? 2 : 1, sentAt, patientId: P1.id, studyId: P1.studyId, purpose: 'reminder' });
  }

  const alert = (id: string, patient: Patient, kind: Alert['kind'], createdAt: string, urgent = false): Alert => ({
    id,
    kind,
    urgent,
    status: 'open',
    patientId: patient.id,
    studyId: patient.studyId,
    title: `${patient.studyId}: ${kind}`,
    details: {},
    episodeKey: id,
    createdAt,
    updatedAt: createdAt,
    escalationCount: 0,
    version: 1,
  });
  const ack = (id: string, at: string) => acknowledgeAlert(deps, id, 'coordinator:li', 'called the patient', at);
  await deps.alerts.createIfAbsent(alert('A1', P1, 'missed_dose', '2027-01-12T10:00:00.000Z')); // W02, open
  await deps.alerts.createIfAbsent(alert('A2', P3, 'missed_dose', '2027-01-12T05:00:00.000Z')); // W02, acked in W02
  await ack('A2', '2027-01-13T02:00:00.000Z');
  await deps.alerts.createIfAbsent(alert('A3', P2, 'missed_dose', '2027-01-05T02:00:00.000Z')); // W01, acked in W02
  await ack('A3', '2027-01-11T02:00:00.000Z');
  await deps.alerts.createIfAbsent(alert('A4', P2, 'red_flag', '2027-01-14T03:00:00.000Z', true)); // W02, open
  await deps.alerts.createIfAbsent(alert('A5', P4, 'missed_dose', '2026-12-28T02:00:00.000Z')); // older, still open
  await deps.alerts.createIfAbsent(alert('A6', P1, 'missed_dose', '2026-12-01T02:00:00.000Z')); // older, acked then
  await ack('A6', '2026-12-02T02:00:00.000Z');

  const report = (id: string, patient: Patient, createdAt: string, interpretation: Report['interpretation']): Report => ({
    id,
    patientId: patient.id,
    studyId: patient.studyId,
    inboundMessageId: `in-${id}`,
    receivedAt: createdAt,
    createdAt,
    updatedAt: createdAt,
    text: '拉肚子 free text that must never reach the digest',
    interpretation,
    source: 'sms',
    status: 'open',
    version: 1,
  });
  const plain = { redFlag: false, relapseSignal: false };
  await deps.reports.createIfAbsent(report('R1', P1, '2027-01-11T03:00:00.000Z', { intent: 'side_effect', items: [{ term: 'Diarrhea', grade: 2 }], ...plain }));
  await deps.reports.createIfAbsent(report('R2', P2, '2027-01-13T06:00:00.000Z', { intent: 'side_effect', items: [{ term: 'Fever', grade: 3 }], redFlag: true, relapseSignal: false }));
  await deps.reports.review('R2', { outcome: 'adverse_event_recorded', note: 'seen in clinic', confirmedItems: [{ term: 'Fever', grade: 3 }], reviewedBy: 'coordinator:li', reviewedAt: '2027-01-13T08:00:00.000Z' }, '2027-01-13T08:00:00.000Z');
  await deps.reports.createIfAbsent(report('R3', P3, '2027-01-17T10:00:00.000Z', { intent: 'symptom', items: [], redFlag: false, relapseSignal: true }));
  await deps.reports.createIfAbsent(report('R4', P1, '2027-01-06T03:00:00.000Z', { intent: 'side_effect', items: [{ term: 'Nausea', grade: 1 }], ...plain })); // W01, still open
  await deps.reports.createIfAbsent(report('R5', P2, '2027-01-15T04:00:00.000Z', { intent: 'side_effect', items: [{ term: 'Nausea', grade: 1 }, { term: 'Diarrhea', grade: 2 }], ...plain }));

  // IGG4-001's month-6 visit (window closes 2027-01-13) took place: not missed.
  await deps.visits.put({ patientId: P1.id, visitKey: 'm6', scheduled: true, date: '2026-12-30', riTotal: 2, response: 'partial', relapse: false, relapseOrgans: [], recordedBy: 'coordinator:li', recordedAt: '2026-12-30T06:00:00.000Z', version: 1 }, null);
  return deps;
}

const publishes = () => snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);

describe('weekly digest (dynalite)', () => {
  beforeEach(() => {
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  });

  it('golden: the synthetic week gives the hand-checked numbers', async () => {
    const table = await local.freshTable();
    const deps = await seedSyntheticWeek(table);
    const result = await runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT });
    expect(result).toMatchObject({ week: WEEK, status: 'published', built: true });
    const d = result.digest.digest;

    expect([d.firstDay, d.lastDay, d.fromUtc, d.toUtc]).toEqual(['2027-01-11', '2027-01-17', '2027-01-10T16:00:00.000Z', '2027-01-17T16:00:00.000Z']);
    // Patients: 5 enrolled; active P1 P2 P3; paused P4; withdrawn P5 (who also opted out).
    expect(d.overall.patients).toEqual({ enrolled: 5, active: 3, paused: 1, withdrawn: 1, completed: 0, optedOut: 1 });
    expect(d.byArm.MMF.patients).toEqual({ enrolled: 2, active: 1, paused: 1, withdrawn: 0, completed: 0, optedOut: 0 });
    expect(d.byArm.LEF.patients).toEqual({ enrolled: 2, active: 1, paused: 0, withdrawn: 1, completed: 0, optedOut: 1 });
    expect(d.byArm.unrandomized.patients).toEqual({ enrolled: 1, active: 1, paused: 0, withdrawn: 0, completed: 0, optedOut: 0 });

    // Adherence: MMF 2 of 4 (1 reported missed, 1 unanswered); LEF 2 of 2; induction 1 of 2; overall 5 of 8.
    // The W01 dose and the failed (never sent) one do not count.
    const counts = (a: typeof d.overall.adherence) => [a.due, a.confirmed, a.reportedMissed, a.unanswered, a.pending, a.rate];
    expect(counts(d.byArm.MMF.adherence)).toEqual([4, 2, 1, 1, 0, 0.5]);
    expect(counts(d.byArm.LEF.adherence)).toEqual([2, 2, 0, 0, 0, 1]);
    expect(counts(d.byArm.unrandomized.adherence)).toEqual([2, 1, 0, 1, 0, 0.5]);
    expect(counts(d.overall.adherence)).toEqual([8, 5, 1, 2, 0, 0.625]);
    // Per drug in induction: prednisone 1/1 (morning only), MMF 1/2.
    expect(d.byArm.unrandomized.adherence.byDrug.prednisone?.rate).toBe(1);
    expect(d.byArm.unrandomized.adherence.byDrug.mmf?.rate).toBe(0.5);

    // Missed-dose alerts: raised in W02 = A1, A2; acknowledged in W02 = A2 and A3 (raised in W01); still open = A5 then A1.
    expect(d.overall.missedDoseAlerts.raised).toBe(2);
    expect(d.overall.missedDoseAlerts.acknowledged).toBe(2);
    expect(d.overall.missedDoseAlerts.stillOpen.map((a) => [a.id, a.studyId])).toEqual([['A5', 'IGG4-004'], ['A1', 'IGG4-001']]);
    expect([d.byArm.LEF.missedDoseAlerts.raised, d.byArm.LEF.missedDoseAlerts.acknowledged]).toEqual([0, 1]);
    expect(d.overall.otherOpenAlerts).toEqual({ red_flag: 1 });

    // Side effects of W02 reports (R1, R2, R3, R5; R4 is from W01): Diarrhea G2 in R1 and R5, Fever G3 in R2, Nausea G1 in R5.
    expect(d.overall.sideEffects).toEqual([
      { term: 'Diarrhea', grade: 2, reports: 2, patients: 2 },
      { term: 'Fever', grade: 3, reports: 1, patients: 1 },
      { term: 'Nausea', grade: 1, reports: 1, patients: 1 },
    ]);
    expect(d.overall.newGrade3Plus.map((s) => [s.studyId, s.term, s.grade, s.reviewed])).toEqual([['IGG4-002', 'Fever', 3, true]]);
    expect(d.overall.redFlags.map((r) => r.reportId)).toEqual(['R2']);
    expect(d.overall.relapseSignals.map((r) => [r.reportId, r.reviewed])).toEqual([['R3', false]]);
    // Open and older than 48 h at Monday 08:00: R4 (285 h), R1 (165 h), R5 (68 h); R3 is 14 h old.
    expect(d.overall.unreviewedOver48h.map((r) => [r.reportId, r.ageHours])).toEqual([['R4', 285], ['R1', 165], ['R5', 68]]);

    // Visits: IGG4-002's month-9 appointment on 2027-01-20 is next week; IGG4-003's month-1 visit
    // (2027-01-05, window +7 days closed 2027-01-12) was not recorded; IGG4-001's month-6 visit was.
    expect(d.overall.visitsDueNextWeek).toEqual([{ studyId: 'IGG4-002', arm: 'LEF', visit: 'month 9 visit', targetDate: '2027-01-20' }]);
    expect(d.overall.visitsMissed).toEqual([{ studyId: 'IGG4-003', arm: 'unrandomized', visit: 'month 1 visit', targetDate: '2027-01-05' }]);

    // SMS: 10 sent in W02, 12 parts, 1 failed reminder; 12 × 0.05 = USD 0.60.
    expect(d.sms).toEqual({ sent: 10, parts: 12, failed: 1, estimatedCostUsd: 0.6 });

    const text = result.digest.text;
    expect(text).toContain('IgG4-RD trial: weekly safety digest, 2027-W02');
    expect(text).toContain('All: 63% (5/8); of the answered 83%; 1 reported missed, 2 unanswered, 0 pending');
    expect(text).toContain('Raised this week 2, acknowledged 2, still open 2');
    expect(text).toContain('IGG4-002 (LEF): Fever G3');
    expect(text).toContain('Sent 10, parts 12, failed 1; estimated cost USD 0.60');
    expect(text).toContain('Console: https://console.example.org/#/digests/2027-W02');
    for (const p of [P1, P2, P3, P4, P5]) expect(text).not.toContain(p.phone);
    expect(text).not.toContain('free text');
    expect(JSON.stringify(d)).not.toContain('free text');

    const [sent] = publishes();
    expect(sent).toMatchObject({ TopicArn: COORDINATORS, Subject: 'IgG4-RD trial weekly safety digest 2027-W02', Message: text });
    expect(await deps.digests.get(WEEK)).toMatchObject({ week: WEEK, publishedAt: GENERATED_AT, text });
  });

  it('is idempotent per week: a second run publishes nothing and rebuilds nothing', async () => {
    const table = await local.freshTable();
    const deps = await seedSyntheticWeek(table);
    const first = await runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT });
    const second = await runWeeklyDigest(deps, { week: WEEK, now: '2027-01-18T00:05:00.000Z' });
    expect(first.status).toBe('published');
    expect(second).toMatchObject({ status: 'already_published', built: false });
    expect(second.digest.text).toBe(first.digest.text);
    expect(publishes()).toHaveLength(1);
    const actions = (await deps.audit.listForEntity('digest', WEEK)).map((e) => e.action);
    expect(actions.sort()).toEqual(['digest.create', 'digest.publish']);
  });

  it('two runs at once: exactly one publishes', async () => {
    const table = await local.freshTable();
    const deps = await seedSyntheticWeek(table);
    const results = await Promise.all([runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT }), runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT })]);
    expect(results.filter((r) => r.status === 'published')).toHaveLength(1);
    expect(publishes()).toHaveLength(1);
  });

  it('a run that failed to publish is retried from the stored digest, which is published once', async () => {
    const table = await local.freshTable();
    const deps = await seedSyntheticWeek(table);
    snsMock.on(PublishCommand).rejectsOnce(new Error('SNS throttled')).resolves({ MessageId: 'sns-2' });
    await expect(runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT })).rejects.toThrow(/throttled/);
    expect((await deps.digests.get(WEEK))?.publishedAt).toBeUndefined();

    // The retry comes after the publication lease (2 min) of the failed run has lapsed.
    const retry = await runWeeklyDigest(deps, { week: WEEK, now: '2027-01-18T00:03:00.000Z' });
    expect(retry).toMatchObject({ status: 'published', built: false });
    const calls = publishes();
    expect(calls).toHaveLength(2); // the failed attempt and the retry
    expect(calls[1]!.Message).toBe(retry.digest.text);
    expect((await runWeeklyDigest(deps, { week: WEEK, now: '2027-01-18T00:10:00.000Z' })).status).toBe('already_published');
    expect(publishes()).toHaveLength(2);
  });

  it('lists stored digests newest first', async () => {
    const table = await local.freshTable();
    const deps = await seedSyntheticWeek(table);
    await runWeeklyDigest(deps, { week: '2027-W01', now: GENERATED_AT });
    await runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT });
    const page = await deps.digests.list(undefined, 1);
    expect(page.items.map((d) => d.week)).toEqual(['2027-W02']);
    const next = await deps.digests.list(page.nextCursor, 5);
    expect(next.items.map((d) => d.week)).toEqual(['2027-W01']);
  });

  it('the handler builds the previous week by default, a given week on request, and refuses a malformed week', async () => {
    const table = await local.freshTable();
    const deps = await seedSyntheticWeek(table);
    const handler = createDigestHandler({ ...deps, clock: fixedClock(GENERATED_AT) });
    expect(previousIsoWeek(GENERATED_AT, TZ)).toBe('2027-W02');
    expect(await handler({}, {} as never)).toEqual({ week: '2027-W02', status: 'published', built: true });
    expect(await handler({ week: '2027-W01' }, {} as never)).toEqual({ week: '2027-W01', status: 'published', built: true });
    await expect(handler({ week: '2027-02' }, {} as never)).rejects.toThrow(/ISO week such as 2027-W02/);
    expect(publishes()).toHaveLength(2);
  });
});

describe('digest reads follow the week, not the table', () => {
  it('60 patients: the same items read whether the table holds 1 week or 13 weeks', async () => {
    const small = await measureDigestReads(local.db, await local.freshTable(), { patients: 60, week: WEEK, otherWeeks: 0 });
    const large = await measureDigestReads(local.db, await local.freshTable(), { patients: 60, week: WEEK, otherWeeks: 12 });
    expect(large.tableItems).toBeGreaterThan(10 * small.weekItems);
    expect(large.weekItems).toBe(small.weekItems);
    expect(large.itemsRead).toBe(small.itemsRead);
    // Everything read: the week's items, the 60 patients, the open lists and a handful of gets.
    expect(large.itemsRead).toBeLessThanOrEqual(large.weekItems + 60 + 100);
    expect(large.itemsRead).toBeLessThan(large.tableItems / 10);
  }, 120_000);
});
