import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { planAll, planPatient } from '#app/plan-schedule.ts';
import { fixedClock } from '#ports/clock.ts';
import type { Context } from 'aws-lambda';
import type { Patient } from '#domain/patient.ts';
import { StaleWriteError, type PatientRepository } from '#ports/patients.ts';
import type { ReminderRepository } from '#ports/schedule.ts';
import { countRequests } from '../../bench/support/counting-client.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { makePatient } from '../support/patients.ts';

Object.assign(process.env, { TABLE_NAME: 'trial-plan-test', PLAN_DAYS: '3', AWS_REGION: 'local', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' });
const { createPlanHandler } = await import('#functions/plan-schedule/handler.ts');

const protocol = loadProtocolFile();
const local = useLocalDynamo();
const NOW = '2027-01-31T16:00:00.000Z'; // 00:00 Feb 1 in Beijing; Feb 1–3 hold 6 doses + the m1 visit reminder (Feb 2)

function patientNo(n: number, overrides: Partial<Patient> = {}): Patient {
  const id = String(n).padStart(4, '0');
  return makePatient(protocol, { id: `pat-${id}`, studyId: `IGG4-${id}`, phone: `+1555555${id}`, ...overrides });
}

async function setup() {
  const table = await local.freshTable();
  const client = new DynamoDBClient({ endpoint: local.db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const { doc, counter } = countRequests(client);
  const reminders = new DynamoReminderRepository(doc, table, protocol.studyTimeZone);
  const patients = new DynamoPatientRepository(doc, table);
  const audit = new DynamoAuditLog(doc, table);
  const due = async (p: Patient) => (await reminders.listForPatient(p.id, '2027', '2029')).filter((i) => i.state === 'due');
  return { reminders, patients, audit, counter, due };
}

describe('planPatient', () => {
  it('materializes the next days once: a second run writes nothing', async () => {
    const { reminders, due } = await setup();
    const patient = patientNo(1);
    expect(await planPatient({ reminders, protocol }, patient, NOW, 3)).toEqual({ created: 7, unchanged: 0, cancelled: 0, cancelledFuture: 0 });
    expect(await planPatient({ reminders, protocol }, patient, NOW, 3)).toEqual({ created: 0, unchanged: 7, cancelled: 0, cancelledFuture: 0 });
    expect((await due(patient)).map((i) => i.kind).sort()).toEqual(['dose', 'dose', 'dose', 'dose', 'dose', 'dose', 'visit']);
  });

  it('a change of dose time cancels the old items and creates the new ones', async () => {
    const { reminders, due } = await setup();
    const patient = patientNo(1);
    await planPatient({ reminders, protocol }, patient, NOW, 3);
    const moved = { ...patient, doseTimes: { morning: '09:00', evening: '20:00' } };
    expect(await planPatient({ reminders, protocol }, moved, NOW, 3)).toMatchObject({ created: 3, cancelled: 3 });
    expect((await due(patient)).filter((i) => i.slot === 'morning').map((i) => i.localTime)).toEqual(['09:00', '09:00', '09:00']);
  });

  it.each([
    ['paused', { status: 'paused' as const }, 'patient_paused'],
    ['withdrawn', { status: 'withdrawn' as const }, 'patient_withdrawn'],
    ['completed', { status: 'completed' as const }, 'patient_completed'],
    ['opted out', { smsOptOut: true }, 'sms_opt_out'],
  ])('a %s patient: every future item is cancelled (with the reason), nothing new is planned', async (_label, change, reason) => {
    const { reminders, due } = await setup();
    const patient = patientNo(1);
    await planPatient({ reminders, protocol }, patient, NOW, 3);
    const result = await planPatient({ reminders, protocol }, { ...patient, ...change }, '2027-02-01T06:00:00.000Z', 3);
    // The Feb 1 morning dose (00:00Z) is in the past and stays as it was; the 6 later items are cancelled.
    expect(result).toEqual({ created: 0, unchanged: 0, cancelled: 0, cancelledFuture: 6 });
    const items = await reminders.listForPatient(patient.id, '2027', '2029');
    expect(items.filter((i) => i.state === 'cancelled').every((i) => i.reason === reason)).toBe(true);
    expect((await due(patient)).map((i) => i.dueAt)).toEqual(['2027-02-01T00:00:00.000Z']);
  });

  it('resuming a paused patient brings the cancelled future items back', async () => {
    const { reminders, due } = await setup();
    const patient = patientNo(1);
    await planPatient({ reminders, protocol }, patient, NOW, 3);
    await planPatient({ reminders, protocol }, { ...patient, status: 'paused' }, NOW, 3);
    expect(await due(patient)).toHaveLength(0);
    expect(await planPatient({ reminders, protocol }, patient, NOW, 3)).toMatchObject({ created: 7 });
    expect(await due(patient)).toHaveLength(7);
  });
});

describe('planAll', () => {
  it('plans every active patient page by page through the status index, never a Scan; paused patients are not visited', async () => {
    const { reminders, patients, audit, counter, due } = await setup();
    const active = [patientNo(1), patientNo(2), patientNo(3, { smsOptOut: true })];
    const paused = patientNo(4, { status: 'paused' });
    for (const p of [...active, paused]) await patients.create(p);
    counter.reset();
    const result = await planAll({ reminders, patients, audit, protocol }, NOW, 3, { pageSize: 1 });
    expect(result).toEqual({ patients: 3, completed: 0, created: 14, unchanged: 0, cancelled: 0, failedStudyIds: [] });
    expect(counter.byCommand.ScanCommand).toBeUndefined();
    expect(await due(active[2]!)).toHaveLength(0);
    expect(await due(paused)).toHaveLength(0);
    expect((await planAll({ reminders, patients, audit, protocol }, NOW, 3)).unchanged).toBe(14);
  });

  it('one patient failing does not stop the others; the run names it', async () => {
    const { reminders, patients, audit } = await setup();
    for (const p of [patientNo(1), patientNo(2), patientNo(3)]) await patients.create(p);
    const flaky: ReminderRepository = Object.create(reminders, {
      materialize: {
        value: (patientId: string, ...rest: [string, never, never, string]) =>
          patientId === 'pat-0002' ? Promise.reject(new Error('throttled')) : reminders.materialize(patientId, ...rest),
      },
    });
    const errors: string[] = [];
    const result = await planAll({ reminders: flaky, patients, audit, protocol }, NOW, 3, { onError: (studyId) => errors.push(studyId) });
    expect(result).toMatchObject({ patients: 3, created: 14, failedStudyIds: ['IGG4-0002'] });
    expect(errors).toEqual(['IGG4-0002']);
  });
});

describe('planAll: end of study', () => {
  // NOW is 2027-02-01 00:00 in Beijing and 2027-01-31 11:00 in New York. Enrolled 2025-08-02, a
  // Beijing patient is on study day 548 (> endOfStudyDay 547); a New York one is still on day 547.
  const randomized = { arm: 'MMF' as const, randomizedOn: '2026-02-01' };
  const ended = () => patientNo(1, { enrolledOn: '2025-08-02', ...randomized });
  const lastDayElsewhere = () => patientNo(2, { enrolledOn: '2025-08-02', timeZone: 'America/New_York', ...randomized });
  const lastDay = () => patientNo(3, { enrolledOn: '2025-08-03', ...randomized });

  it('moves an active patient past the last study day to completed, once, audited; patients inside the study are untouched', async () => {
    expect(protocol.endOfStudyDay).toBe(547);
    const { reminders, patients, audit } = await setup();
    const [done, nyc, last] = [ended(), lastDayElsewhere(), lastDay()];
    for (const p of [done, nyc, last]) await patients.create(p);

    const first = await planAll({ reminders, patients, audit, protocol }, NOW, 3);
    expect(first).toMatchObject({ patients: 3, completed: 1, failedStudyIds: [] });
    expect(await patients.get(done.id)).toMatchObject({ status: 'completed', statusReason: 'end of study', version: 2, updatedAt: NOW });
    expect(await audit.listForEntity('patient', done.id)).toEqual([
      expect.objectContaining({
        id: expect.any(String),
        at: NOW,
        actor: 'system:plan-schedule',
        action: 'patient.complete',
        entityType: 'patient',
        entityId: done.id,
        before: { status: 'active', statusReason: null },
        after: { status: 'completed', statusReason: 'end of study' },
        reason: 'study day 548 is past the end of study (day 547)',
        kind: 'write',
        seq: 1,
      }),
    ]);
    for (const inside of [nyc, last]) {
      expect(await patients.get(inside.id)).toMatchObject({ status: 'active', version: 1 });
      expect(await audit.listForEntity('patient', inside.id)).toEqual([]);
    }

    // The next run does not visit the completed patient again: no second update, no second entry.
    const second = await planAll({ reminders, patients, audit, protocol }, NOW, 3);
    expect(second).toMatchObject({ patients: 2, completed: 0 });
    expect(await patients.get(done.id)).toMatchObject({ status: 'completed', version: 2 });
    expect(await audit.listForEntity('patient', done.id)).toHaveLength(1);
  });

  it('a concurrent change (stale write) is retried once on the fresh patient; a concurrent withdrawal wins', async () => {
    const { reminders, patients, audit } = await setup();
    const [a, b] = [ended(), patientNo(4, { enrolledOn: '2025-08-02', ...randomized })];
    for (const p of [a, b]) await patients.create(p);
    // Just before the planner's write, a coordinator edits patient a and withdraws patient b.
    const raced = new Set<string>();
    const racing: PatientRepository = Object.create(patients, {
      update: {
        value: async (next: Patient, expectedVersion: number) => {
          if (next.status === 'completed' && !raced.has(next.id)) {
            raced.add(next.id);
            const current = (await patients.get(next.id))!;
            await patients.update(next.id === a.id ? { ...current, discreet: true } : { ...current, status: 'withdrawn', statusReason: 'moved away' }, current.version);
          }
          return patients.update(next, expectedVersion);
        },
      },
    });
    const result = await planAll({ reminders, patients: racing, audit, protocol }, NOW, 3);
    expect(result).toMatchObject({ patients: 2, completed: 1, failedStudyIds: [] });
    expect(await patients.get(a.id)).toMatchObject({ status: 'completed', discreet: true, version: 3 });
    expect((await audit.listForEntity('patient', a.id)).map((e) => e.action)).toEqual(['patient.complete']);
    expect(await patients.get(b.id)).toMatchObject({ status: 'withdrawn', statusReason: 'moved away', version: 2 });
    expect(await audit.listForEntity('patient', b.id)).toEqual([]);
  });

  it('a second stale write in a row fails that patient (named), not the run', async () => {
    const { reminders, patients, audit } = await setup();
    const [a, inside] = [ended(), lastDay()];
    for (const p of [a, inside]) await patients.create(p);
    const alwaysStale: PatientRepository = Object.create(patients, {
      update: { value: (next: Patient) => Promise.reject(new StaleWriteError(`patient ${next.id} changed meanwhile`)) },
    });
    const errors: unknown[] = [];
    const result = await planAll({ reminders, patients: alwaysStale, audit, protocol }, NOW, 3, { onError: (_id, error) => errors.push(error) });
    expect(result).toMatchObject({ patients: 2, completed: 0, failedStudyIds: ['IGG4-0001'] });
    expect(errors).toEqual([expect.any(StaleWriteError)]);
    expect(await patients.get(a.id)).toMatchObject({ status: 'active' });
    expect(await audit.listForEntity('patient', a.id)).toEqual([]);
  });
});

describe('plan-schedule handler', () => {
  const context = {} as Context;

  it('the daily event plans every active patient; { patientId } plans one', async () => {
    const { reminders, patients, audit, due } = await setup();
    const [one, two] = [patientNo(1), patientNo(2)];
    for (const p of [one, two]) await patients.create(p);
    const handler = createPlanHandler({ patients, reminders, audit, protocol, clock: fixedClock(NOW), days: 3 });
    expect(await handler({ 'detail-type': 'Scheduled Event', detail: {} }, context)).toEqual({ patients: 2, completed: 0, created: 14, unchanged: 0, cancelled: 0, failed: 0 });
    await patients.update({ ...two, status: 'withdrawn' }, two.version);
    expect(await handler({ patientId: two.id }, context)).toMatchObject({ patients: 1, cancelledFuture: 7 });
    expect(await due(two)).toHaveLength(0);
    expect(await due(one)).toHaveLength(7);
  });

  it('a bad event or an unknown patient is a clear error', async () => {
    const { reminders, patients, audit } = await setup();
    const handler = createPlanHandler({ patients, reminders, audit, protocol, clock: fixedClock(NOW) });
    await expect(handler({ patientId: 5 }, context)).rejects.toThrow(/patientId/);
    await expect(handler({ patientId: 'pat-nobody' }, context)).rejects.toThrow(/no patient with id pat-nobody/);
  });

  it('fails the invocation (so the schedule retries and alarms) when a patient could not be planned', async () => {
    const { reminders, patients, audit } = await setup();
    for (const p of [patientNo(1), patientNo(2)]) await patients.create(p);
    const flaky: ReminderRepository = Object.create(reminders, { materialize: { value: () => Promise.reject(new Error('throttled')) } });
    const handler = createPlanHandler({ patients, reminders: flaky, audit, protocol, clock: fixedClock(NOW) });
    await expect(handler({}, context)).rejects.toThrow(/IGG4-0001, IGG4-0002|IGG4-0002, IGG4-0001/);
  });
});
