import { describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import type { Report } from '#ports/reports.ts';
import { ensureTable } from '#adapters/dynamo/local-dynamo.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { computeSchedule } from '#domain/schedule.ts';
import { ConflictError, StaleWriteError } from '#ports/patients.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { makePatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const local = useLocalDynamo();

async function setup() {
  const table = await local.freshTable();
  return {
    table,
    patients: new DynamoPatientRepository(local.db.doc, table),
    reminders: new DynamoReminderRepository(local.db.doc, table, protocol.studyTimeZone),
    audit: new DynamoAuditLog(local.db.doc, table),
  };
}

describe('table', () => {
  it('is created once from the shared definition; a second ensure is a no-op', async () => {
    const table = await local.freshTable();
    expect(await ensureTable(local.db.client, table)).toBe('exists');
  });
});

describe('patient repository (dynalite)', () => {
  it('a profile update that read the patient before a daily SMS slot was taken is refused, so the count is never written back stale', async () => {
    const { table, patients } = await setup();
    const patient = makePatient(protocol);
    await patients.create(patient);
    await patients.reserveDailySms(patient.id, '2027-02-01', 6);
    // A dispatcher takes a slot between the update's read and its write.
    const racing = new DynamoPatientRepository(
      {
        send: async (command: { constructor: { name: string } }) => {
          if (command.constructor.name === 'PutCommand') await patients.reserveDailySms(patient.id, '2027-02-01', 6);
          return local.db.doc.send(command as never);
        },
      } as never,
      table,
    );
    await expect(racing.update({ ...patient, language: 'en' }, 1)).rejects.toBeInstanceOf(StaleWriteError);
    expect(await patients.reserveDailySms(patient.id, '2027-02-01', 6)).toMatchObject({ granted: true, count: 3 });
    // Read again and retried, the update keeps the day's count.
    await patients.update({ ...patient, language: 'en' }, 1);
    expect(await patients.reserveDailySms(patient.id, '2027-02-01', 3)).toMatchObject({ granted: false, count: 3 });
  });

  it('enrolls, reads back by id, phone and study ID', async () => {
    const { patients } = await setup();
    const patient = makePatient(protocol);
    await patients.create(patient);
    expect(await patients.get(patient.id)).toEqual(patient);
    expect((await patients.findByPhone(patient.phone))?.id).toBe(patient.id);
    expect((await patients.findByStudyId('igg4-001'))?.id).toBe(patient.id);
    expect(await patients.findByPhone('+15555550199')).toBeNull();
  });

  it('two concurrent enrollments with the same phone: exactly one wins', async () => {
    const { patients } = await setup();
    const attempts = Array.from({ length: 6 }, (_, i) =>
      patients.create(makePatient(protocol, { id: `pat-race-${i}`, studyId: `IGG4-R${i}`, phone: '+15555550142' })),
    );
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(5);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(ConflictError);
    const all = await patients.listAll();
    expect(all).toHaveLength(1);
  });

  it('a duplicate study ID is refused and releases the phone it claimed', async () => {
    const { patients } = await setup();
    await patients.create(makePatient(protocol));
    await expect(patients.create(makePatient(protocol, { id: 'pat-0002', phone: '+15555550102' }))).rejects.toMatchObject({ field: 'studyId' });
    await patients.create(makePatient(protocol, { id: 'pat-0003', studyId: 'IGG4-003', phone: '+15555550102' }));
  });

  it('lists by status through the index and moves a patient between statuses on update', async () => {
    const { patients } = await setup();
    const a = makePatient(protocol);
    await patients.create(a);
    await patients.create(makePatient(protocol, { id: 'pat-0002', studyId: 'IGG4-002', phone: '+15555550102' }));
    await patients.update({ ...a, status: 'paused' }, 1);
    expect((await patients.listByStatus('active')).items.map((p) => p.studyId)).toEqual(['IGG4-002']);
    expect((await patients.listByStatus('paused')).items.map((p) => p.studyId)).toEqual(['IGG4-001']);
  });

  it('an update from a stale version is refused; a phone change moves the uniqueness claim', async () => {
    const { patients } = await setup();
    const a = makePatient(protocol);
    await patients.create(a);
    const updated = await patients.update({ ...a, phone: '+15555550177' }, 1);
    expect(updated.version).toBe(2);
    await expect(patients.update({ ...a, discreet: true }, 1)).rejects.toBeInstanceOf(StaleWriteError);
    expect(await patients.findByPhone(a.phone)).toBeNull();
    expect((await patients.findByPhone('+15555550177'))?.id).toBe(a.id);
    await patients.create(makePatient(protocol, { id: 'pat-0009', studyId: 'IGG4-009', phone: a.phone }));
  });
});

describe('reminder repository (dynalite)', () => {
  const patient = makePatient(protocol, { arm: 'MMF', randomizedOn: '2027-07-05' });
  const window = { from: '2027-02-01T00:00:00.000Z', to: '2027-02-04T00:00:00.000Z' };
  const now = '2027-01-31T16:00:00.000Z';

  it('materializing the same window twice writes nothing new', async () => {
    const { reminders } = await setup();
    const items = computeSchedule(patient, protocol, window);
    expect(await reminders.materialize(patient.id, patient.studyId, items, window, now)).toEqual({ created: items.length, unchanged: 0, cancelled: 0 });
    expect(await reminders.materialize(patient.id, patient.studyId, items, window, now)).toEqual({ created: 0, unchanged: items.length, cancelled: 0 });
    expect(await reminders.listForPatient(patient.id, window.from, window.to)).toHaveLength(items.length);
  });

  it('cancels what no longer applies after a change of dose time', async () => {
    const { reminders } = await setup();
    await reminders.materialize(patient.id, patient.studyId, computeSchedule(patient, protocol, window), window, now);
    const moved = computeSchedule({ ...patient, doseTimes: { morning: '09:00', evening: '20:00' } }, protocol, window);
    const result = await reminders.materialize(patient.id, patient.studyId, moved, window, now);
    expect(result.cancelled).toBe(3);
    const stored = await reminders.listForPatient(patient.id, window.from, window.to);
    expect(stored.filter((r) => r.state === 'due' && r.slot === 'morning').map((r) => r.localTime)).toEqual(['09:00', '09:00', '09:00']);
  });

  it('the due query returns only due items up to now, from every shard', async () => {
    const { reminders } = await setup();
    const items = computeSchedule(patient, protocol, window);
    await reminders.materialize(patient.id, patient.studyId, items, window, now);
    const due = await reminders.listDue('2027-02-02T00:00:00.000Z');
    expect(due.map((d) => d.id)).toEqual(items.filter((i) => i.dueAt <= '2027-02-02T00:00:00.000Z').map((i) => i.id));
  });

  it('claim is exclusive: of concurrent claimers exactly one wins; sent items leave the due queue', async () => {
    const { reminders } = await setup();
    const items = computeSchedule(patient, protocol, window);
    await reminders.materialize(patient.id, patient.studyId, items, window, now);
    const [first] = await reminders.listDue('2027-02-01T00:00:00.000Z');
    const wins = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => reminders.claim(first!, owner, '2027-02-01T00:00:10.000Z', 60)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const owner = ['a', 'b', 'c', 'd'][wins.indexOf(true)]!;
    await reminders.markSent(first!, owner, { messageId: 'mid-1', parts: 1, sentAt: '2027-02-01T00:00:11.000Z' });
    expect(await reminders.claim(first!, 'e', '2027-02-01T00:00:20.000Z', 60)).toBe(false);
    expect((await reminders.listDue('2027-02-01T00:00:00.000Z')).map((d) => d.id)).not.toContain(first!.id);
    const stored = await reminders.get(patient.id, first!.id, first!.dueAt);
    expect(stored).toMatchObject({ state: 'sent', messageId: 'mid-1', outcome: 'pending', attempts: 1 });
  });

  it('cancelFuture cancels only due items from the given instant on', async () => {
    const { reminders } = await setup();
    await reminders.materialize(patient.id, patient.studyId, computeSchedule(patient, protocol, window), window, now);
    const n = await reminders.cancelFuture(patient.id, '2027-02-02T00:00:00.000Z', 'withdrawn', now);
    const stored = await reminders.listForPatient(patient.id, window.from, window.to);
    expect(stored.filter((s) => s.state === 'cancelled')).toHaveLength(n);
    expect(stored.filter((s) => s.state === 'due').every((s) => s.dueAt < '2027-02-02T00:00:00.000Z')).toBe(true);
  });

  it('a cancelled item that applies again (resume) becomes due again', async () => {
    const { reminders } = await setup();
    const items = computeSchedule(patient, protocol, window);
    await reminders.materialize(patient.id, patient.studyId, items, window, now);
    await reminders.cancelFuture(patient.id, window.from, 'paused', now);
    const again = await reminders.materialize(patient.id, patient.studyId, items, window, now);
    expect(again.created).toBe(items.length);
  });
});

describe('audit log (dynalite)', () => {
  it('appends entries and lists them by entity and by time range', async () => {
    const { audit } = await setup();
    await audit.append({ at: '2027-01-04T01:00:00.000Z', actor: 'coord-1', action: 'patient.enroll', entityType: 'patient', entityId: 'p1', before: null, after: { status: 'active' } });
    await audit.append({ at: '2027-02-10T01:00:00.000Z', actor: 'coord-1', action: 'patient.pause', entityType: 'patient', entityId: 'p1', before: { status: 'active' }, after: { status: 'paused' }, reason: 'hospital stay' });
    await audit.append({ at: '2027-02-11T01:00:00.000Z', actor: 'coord-2', action: 'report.review', entityType: 'report', entityId: 'r1', before: { status: 'open' }, after: { status: 'reviewed' } });
    expect((await audit.listForEntity('patient', 'p1')).map((e) => e.action)).toEqual(['patient.enroll', 'patient.pause']);
    expect((await audit.listBetween('2027-02-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z')).map((e) => e.action)).toEqual(['patient.pause', 'report.review']);
  });
});

describe('report repository (dynalite)', () => {
  const report = (id: string, createdAt: string, patientId: string | null = 'pat-1'): Report => ({
    id,
    patientId,
    studyId: patientId ? 'IGG4-001' : null,
    inboundMessageId: `in-${id}`,
    receivedAt: createdAt,
    createdAt,
    updatedAt: createdAt,
    text: 'x',
    interpretation: { intent: 'unclear', items: [], redFlag: false, relapseSignal: false, language: 'zh-CN' } as unknown as Report['interpretation'],
    source: 'sms',
    status: 'open',
    version: 1,
  });

  it('a report is one write (its patient index keys ride on it); reports from before, listed through pointer items, are still listed, each once, oldest first', async () => {
    const { table } = await setup();
    let writes = 0;
    const counting = { send: (command: never) => (writes++, local.db.doc.send(command)) } as unknown as typeof local.db.doc;
    const reports = new DynamoReportRepository(counting, table, protocol.studyTimeZone);
    // Written before 2026-12-05: the report item without gsi2 keys, and its pointer.
    const legacy = { pk: 'REPORT#r-old', sk: 'REPORT', entity: 'report', gsi1pk: 'REPORTS#open', gsi1sk: '2027-01-01T00:00:00.000Z#r-old', ...report('r-old', '2027-01-01T00:00:00.000Z') };
    await local.db.doc.send(new PutCommand({ TableName: table, Item: legacy }));
    await local.db.doc.send(new PutCommand({ TableName: table, Item: { pk: 'PATIENT#pat-1', sk: 'REPORTREF#2027-01-01T00:00:00.000Z#r-old', entity: 'reportRef', reportId: 'r-old' } }));
    writes = 0;
    expect((await reports.createIfAbsent(report('r-2', '2027-01-03T00:00:00.000Z'))).created).toBe(true);
    expect(writes, 'one PutItem, no pointer item').toBe(1);
    await reports.createIfAbsent(report('r-1', '2027-01-02T00:00:00.000Z'));
    await reports.createIfAbsent(report('r-stranger', '2027-01-02T00:00:00.000Z', null));
    expect((await reports.createIfAbsent(report('r-1', '2027-01-02T00:00:00.000Z'))).created).toBe(false);
    // A pointer written for a new report too (a process of the previous version during the deploy): listed once.
    await local.db.doc.send(new PutCommand({ TableName: table, Item: { pk: 'PATIENT#pat-1', sk: 'REPORTREF#2027-01-03T00:00:00.000Z#r-2', entity: 'reportRef', reportId: 'r-2' } }));
    const listed = await reports.listForPatient('pat-1');
    expect(listed.map((r) => r.id)).toEqual(['r-old', 'r-1', 'r-2']);
    expect(listed[1]).toEqual(report('r-1', '2027-01-02T00:00:00.000Z'));
    expect(await reports.listForPatient('pat-2')).toEqual([]);
  });
});

describe('enrollment crash recovery (dynalite)', () => {
  it('a phone claim left by a crashed enrollment is taken over after 5 minutes, not before', async () => {
    const { patients, table } = await setup();
    // A crashed enrollment: the claim exists, the patient was never written.
    await local.db.doc.send(
      new PutCommand({ TableName: table, Item: { pk: 'PHONE#+15555550150', sk: 'CLAIM', patientId: 'ghost', claimedAt: '2027-01-04T01:00:00.000Z' } }),
    );
    const early = makePatient(protocol, { id: 'pat-early', phone: '+15555550150', createdAt: '2027-01-04T01:02:00.000Z' });
    await expect(patients.create(early)).rejects.toBeInstanceOf(ConflictError);
    const late = makePatient(protocol, { id: 'pat-late', phone: '+15555550150', createdAt: '2027-01-04T01:10:00.000Z' });
    await patients.create(late);
    expect((await patients.findByPhone('+15555550150'))?.id).toBe('pat-late');
  });
});

describe('audit order', () => {
  it('entries written at the same instant list in the order they were written', async () => {
    const { audit } = await setup();
    const at = '2027-03-01T02:00:00.000Z';
    for (const action of ['visit.appointment', 'visit.complete', 'patient.replan']) {
      await audit.append({ at, actor: 'coord-1', action, entityType: 'patient', entityId: 'p-same', before: null, after: null });
    }
    expect((await audit.listForEntity('patient', 'p-same')).map((e) => e.action)).toEqual(['visit.appointment', 'visit.complete', 'patient.replan']);
  });
});
