import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { keys } from '#adapters/dynamo/keys.ts';
import { ensureTable, startLocalDynamo } from '#adapters/dynamo/local-dynamo.ts';
import { maintainAuditTrail } from '#app/audit/maintain-audit-trail.ts';
import { verifyAuditTrail } from '#app/audit/verify-audit-trail.ts';
import { changePatientStatus, enrollPatient, updatePatient } from '#app/coordinator/patients.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { coordinatorDeps } from '../support/audit-faults.ts';
import { useLocalDynamo } from '../support/dynamo.ts';

const run = promisify(execFile);
const local = useLocalDynamo();
const protocol = loadProtocolFile();

describe('audit hash chain (dynalite)', () => {
  it('two writers appending to one chain at once never fork it: 30 concurrent appends become entries 1 … 30', async () => {
    const table = await local.freshTable();
    const audit = new DynamoAuditLog(local.db.doc, table);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        audit.append({ at: `2027-01-04T02:00:${String(i).padStart(2, '0')}.000Z`, actor: `coordinator:${i % 2 ? 'a' : 'b'}`, action: 'patient.view', kind: 'read', entityType: 'patient', entityId: 'p1', before: null, after: { n: i } }),
      ),
    );
    const chain = await audit.readChain('patient', 'p1');
    expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(new Set(chain.map((e) => (e.after as { n: number }).n)).size).toBe(30);
    expect((await verifyAuditTrail({ audit })).breaks).toEqual([]);
  });

  it('an append with an id is written once, however often and however concurrently it is repeated', async () => {
    const table = await local.freshTable();
    const audit = new DynamoAuditLog(local.db.doc, table);
    const entry = { id: 'report.create:r1', at: '2027-01-04T02:00:00.000Z', actor: 'system:inbound-sms', action: 'report.create', entityType: 'report', entityId: 'r1', before: null, after: { intent: 'symptom' } };
    await Promise.all([audit.append(entry), audit.append(entry), audit.append({ ...entry, at: '2027-01-04T02:05:00.000Z' })]);
    await audit.append({ ...entry, actor: 'someone:else' });
    const chain = await audit.listForEntity('report', 'r1');
    expect(chain.map((e) => e.id)).toEqual(['report.create:r1']);
  });

  it('the newEntity hint (no head read) on a chain that is not empty after all: the entry links after its head, once, and the chain verifies', async () => {
    const table = await local.freshTable();
    const audit = new DynamoAuditLog(local.db.doc, table);
    const base = { at: '2027-01-04T02:00:00.000Z', actor: 'system:inbound-sms', entityType: 'report', entityId: 'r1', before: null };
    await audit.append({ ...base, id: 'report.create:r1', action: 'report.create', after: { n: 1 } });
    await audit.append({ ...base, action: 'report.review', after: { n: 2 } });
    // A report deleted (retention) and created again under the same id, say: the hint is wrong.
    const again = { ...base, id: 'report.note:r1', action: 'report.note', after: { n: 3 } };
    await Promise.all([audit.append(again, { newEntity: true }), audit.append(again, { newEntity: true })]);
    await audit.append(again);
    expect((await audit.readChain('report', 'r1')).map((e) => [e.seq, e.id ?? e.action])).toEqual([
      [1, 'report.create:r1'],
      [2, expect.any(String)],
      [3, 'report.note:r1'],
    ]);
    expect((await audit.listChains()).filter((c) => c.entityId === 'r1')).toHaveLength(1);
    expect((await verifyAuditTrail({ audit })).breaks).toEqual([]);
  });

  it('the newEntity hint on an empty chain: registered, first entry, and a later call without the hint finds it (no second entry)', async () => {
    const table = await local.freshTable();
    const audit = new DynamoAuditLog(local.db.doc, table);
    const entry = { id: 'report.create:r2', at: '2027-01-04T02:00:00.000Z', actor: 'system:inbound-sms', action: 'report.create', entityType: 'report', entityId: 'r2', before: null, after: {} };
    await audit.append(entry, { newEntity: true });
    await audit.append(entry);
    expect((await audit.readChain('report', 'r2')).map((e) => [e.seq, e.id])).toEqual([[1, 'report.create:r2']]);
    expect(await audit.listChains()).toEqual([{ entityType: 'report', entityId: 'r2' }]);
    expect((await verifyAuditTrail({ audit })).breaks).toEqual([]);
  });

  it('the fromStart hint (a creation entry, no receipt): once however often, concurrently, and on a retry after later entries; the chain is registered by its first entry', async () => {
    const table = await local.freshTable();
    const audit = new DynamoAuditLog(local.db.doc, table);
    const entry = { id: 'report.create:r3', at: '2027-01-04T02:00:00.000Z', actor: 'system:inbound-sms', action: 'report.create', entityType: 'report', entityId: 'r3', before: null, after: {} };
    await Promise.all([audit.append(entry, { newEntity: true, fromStart: true }), audit.append(entry, { newEntity: true, fromStart: true })]);
    await audit.append({ ...entry, id: undefined, action: 'report.review', at: '2027-01-04T03:00:00.000Z' });
    // The retry of the creating call (the report exists now: created false, so no newEntity).
    await audit.append({ ...entry, at: '2027-01-04T04:00:00.000Z' }, { fromStart: true });
    expect((await audit.readChain('report', 'r3')).map((e) => [e.seq, e.action])).toEqual([
      [1, 'report.create'],
      [2, 'report.review'],
    ]);
    const stored = await local.db.doc.send(new GetCommand({ TableName: table, Key: { pk: keys.audit('report', 'r3'), sk: keys.auditReceipt('report.create:r3') } }));
    expect(stored.Item, 'no receipt item').toBeUndefined();
    expect(await audit.listChains()).toEqual([{ entityType: 'report', entityId: 'r3' }]);
    expect((await verifyAuditTrail({ audit })).breaks).toEqual([]);
  });

  it('the chain registry lists chains registered by an item of their own (tables written before the registry index) and by their first entry, each once', async () => {
    const table = await local.freshTable();
    const audit = new DynamoAuditLog(local.db.doc, table);
    await audit.append({ at: '2027-01-04T02:00:00.000Z', actor: 'system:sweep', action: 'alert.note', entityType: 'alert', entityId: 'a9', before: null, after: {} });
    await audit.append({ at: '2027-01-04T02:00:00.000Z', actor: 'system:sweep', action: 'patient.view', kind: 'read', entityType: 'patient', entityId: 'p9', before: null, after: {} });
    // As the earlier version registered them: one item per chain in AUDIT#CHAINS (p9 both ways, r0 that way only).
    for (const [entityType, entityId] of [['patient', 'p9'], ['report', 'r0']] as const) {
      await local.db.doc.send(new PutCommand({ TableName: table, Item: { pk: keys.auditChains, sk: `${entityType}#${entityId}`, entity: 'auditChain', entityType, entityId, since: '2027-01-01T00:00:00.000Z' } }));
    }
    expect(await audit.listChains()).toEqual([
      { entityType: 'alert', entityId: 'a9' },
      { entityType: 'patient', entityId: 'p9' },
      { entityType: 'report', entityId: 'r0' },
    ]);
    // The second entry of a chain does not list it again.
    await audit.append({ at: '2027-01-04T02:01:00.000Z', actor: 'system:sweep', action: 'alert.note', entityType: 'alert', entityId: 'a9', before: null, after: { n: 2 } });
    expect((await audit.listChains()).filter((c) => c.entityId === 'a9')).toHaveLength(1);
  });

  it('an outbox entry prepared with the newEntity hint on a chain that has entries: completed after the head, once however often', async () => {
    const table = await local.freshTable();
    const audit = new DynamoAuditLog(local.db.doc, table);
    await audit.append({ at: '2027-01-04T02:00:00.000Z', actor: 'system:sweep', action: 'alert.note', entityType: 'alert', entityId: 'a1', before: null, after: {} });
    const pending = await audit.prepare(
      { at: '2027-01-04T02:01:00.000Z', actor: 'system:sweep', action: 'alert.raise', kind: 'write', entityType: 'alert', entityId: 'a1', before: null, after: {} },
      { carrier: { kind: 'alert', id: 'a1' }, version: 1 },
      { newEntity: true },
    );
    expect(pending.fromSeq).toBe(0);
    await audit.complete(pending);
    await audit.complete(pending);
    await audit.complete(JSON.parse(JSON.stringify(pending)) as typeof pending);
    expect((await audit.readChain('alert', 'a1')).map((e) => [e.seq, e.action])).toEqual([
      [1, 'alert.note'],
      [2, 'alert.raise'],
    ]);
    expect((await verifyAuditTrail({ audit })).breaks).toEqual([]);
  });

  it('the sweep anchors each complete day once, chaining the heads of that day', async () => {
    const table = await local.freshTable();
    const deps = coordinatorDeps(local.db.doc, table, protocol);
    const { patient } = await enrollPatient(deps, { studyId: 'IGG4-201', phone: '+15555550201', enrolledOn: '2027-01-04' }, 'coordinator:li', '2027-01-04T02:00:00.000Z');
    expect((await maintainAuditTrail(deps, '2027-01-04T23:00:00.000Z')).anchoredDays).toEqual(['2027-01-03']);
    expect((await maintainAuditTrail(deps, '2027-01-05T00:30:00.000Z')).anchoredDays, 'not before the grace hour has passed').toEqual([]);
    const second = await Promise.all([maintainAuditTrail(deps, '2027-01-05T01:30:00.000Z'), maintainAuditTrail(deps, '2027-01-05T01:31:00.000Z')]);
    expect(second.map((r) => r.anchoredDays)).toEqual([['2027-01-04'], ['2027-01-04']]);
    const anchors = await deps.audit.listForEntity('audit', 'anchor');
    expect(anchors.map((a) => (a.after as { day: string }).day)).toEqual(['2027-01-03', '2027-01-04']);
    expect((anchors[1]!.after as { heads: unknown[] }).heads).toEqual([{ entity: `patient:${patient.id}`, seq: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(anchors[1]!.prevHash).toBe(anchors[0]!.hash);
  });
});

describe('npm run audit:verify on the local data (tamper test)', () => {
  const root = mkdtempSync(join(tmpdir(), 'audit-verify-'));
  const base = join(root, 'base');
  let patientId = '';
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  beforeAll(async () => {
    const db = await startLocalDynamo({ path: join(base, 'dynamo') });
    await ensureTable(db.client, 'trial-local');
    const deps = coordinatorDeps(db.doc, 'trial-local', protocol);
    const { patient } = await enrollPatient(deps, { studyId: 'IGG4-301', phone: '+15555550301', enrolledOn: '2027-01-04' }, 'coordinator:li', '2027-01-04T02:00:00.000Z');
    await updatePatient(deps, patient.id, { timeZone: 'Europe/Berlin', reason: 'moved' }, 'coordinator:li', '2027-01-04T03:00:00.000Z');
    await updatePatient(deps, patient.id, { discreet: true, reason: 'asked for discreet texts' }, 'coordinator:wang', '2027-01-04T04:00:00.000Z');
    await changePatientStatus(deps, patient.id, { action: 'pause', reason: 'hospital stay' }, 'coordinator:li', '2027-01-04T05:00:00.000Z');
    await maintainAuditTrail(deps, '2027-01-05T02:00:00.000Z');
    patientId = patient.id;
    await db.close();
  }, 60_000);

  /** A copy of the data, changed by `tamper` with plain DynamoDB requests (what a stolen role could send), then verified by the CLI. */
  async function verifyAfter(name: string, tamper: (doc: DynamoDBDocumentClient, pk: string) => Promise<void>) {
    const dir = join(root, name);
    cpSync(base, dir, { recursive: true });
    const db = await startLocalDynamo({ path: join(dir, 'dynamo') });
    await tamper(db.doc, keys.audit('patient', patientId));
    await db.close();
    return run(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts'], { env: { ...process.env, LOCAL_DATA_DIR: dir } }).then(
      (out) => ({ code: 0, stdout: out.stdout, stderr: out.stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  }
  const entry = (n: number) => keys.auditEntry(n);

  it('intact data: exit 0, saying what it checked', { timeout: 60_000 }, async () => {
    const result = await verifyAfter('intact', async () => {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/checked 2 chains, 5 entries, 1 daily anchors \(1 anchored heads\)/);
    expect(result.stdout).toMatch(/intact/);
  });

  it('an edited entry: exit 1 naming the entity and the entry', { timeout: 60_000 }, async () => {
    const result = await verifyAfter('edited', async (doc, pk) => {
      await doc.send(new UpdateCommand({ TableName: 'trial-local', Key: { pk, sk: entry(2) }, UpdateExpression: 'SET actor = :a', ExpressionAttributeValues: { ':a': 'coordinator:nobody' } }));
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`BROKEN: patient:${patientId} entry 2 (patient:${patientId}@v2:patient.update): edited`);
  });

  it('a removed entry: exit 1 naming the missing entry', { timeout: 60_000 }, async () => {
    const result = await verifyAfter('removed', async (doc, pk) => {
      await doc.send(new DeleteCommand({ TableName: 'trial-local', Key: { pk, sk: entry(2) } }));
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`BROKEN: patient:${patientId} entry 2: removed`);
  });

  it('two entries swapped: exit 1 naming the first out of place', { timeout: 60_000 }, async () => {
    const result = await verifyAfter('reordered', async (doc, pk) => {
      const two = (await doc.send(new GetCommand({ TableName: 'trial-local', Key: { pk, sk: entry(2) } }))).Item!;
      const three = (await doc.send(new GetCommand({ TableName: 'trial-local', Key: { pk, sk: entry(3) } }))).Item!;
      await doc.send(new PutCommand({ TableName: 'trial-local', Item: { ...three, sk: entry(2) } }));
      await doc.send(new PutCommand({ TableName: 'trial-local', Item: { ...two, sk: entry(3) } }));
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`BROKEN: patient:${patientId} entry 2 (patient:${patientId}@v3:patient.update): reordered`);
  });

  it('swapped and renumbered to hide it: still caught (the hash covers the number)', { timeout: 60_000 }, async () => {
    const result = await verifyAfter('renumbered', async (doc, pk) => {
      const two = (await doc.send(new GetCommand({ TableName: 'trial-local', Key: { pk, sk: entry(2) } }))).Item!;
      const three = (await doc.send(new GetCommand({ TableName: 'trial-local', Key: { pk, sk: entry(3) } }))).Item!;
      await doc.send(new PutCommand({ TableName: 'trial-local', Item: { ...three, sk: entry(2), seq: 2, prevHash: two.prevHash } }));
      await doc.send(new PutCommand({ TableName: 'trial-local', Item: { ...two, sk: entry(3), seq: 3, prevHash: three.prevHash } }));
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`BROKEN: patient:${patientId} entry 2 (patient:${patientId}@v3:patient.update): edited`);
  });

  it('the newest entry cut off: the daily anchor still names it', { timeout: 60_000 }, async () => {
    const result = await verifyAfter('truncated', async (doc, pk) => {
      await doc.send(new DeleteCommand({ TableName: 'trial-local', Key: { pk, sk: entry(4) } }));
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`BROKEN: patient:${patientId} entry 4: truncated`);
  });

  it('refuses data a running stack holds', { timeout: 60_000 }, async () => {
    const dir = join(root, 'held');
    cpSync(base, dir, { recursive: true });
    const db = await startLocalDynamo({ path: join(dir, 'dynamo') });
    try {
      const result = await run(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts'], { env: { ...process.env, LOCAL_DATA_DIR: dir } }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/held by a running stack/);
    } finally {
      await db.close();
    }
  });
});
