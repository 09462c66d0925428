import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { defaultSecretSeed } from '#app/coordinator/deps.ts';
import { generateAllocationList, type Allocation } from '#domain/randomization.ts';
import { MONITOR_TOKEN, useApi } from '../support/api-harness.ts';

/** Month-6 randomization through the API: concealed permuted-block list, window, once per patient, concurrency, audit. */
const api = useApi();
const IN_WINDOW = '2027-07-05T02:00:00Z'; // enrolled 2027-01-04 → day 182
const phone = (n: number) => `+86138001${String(n).padStart(5, '0')}`;

async function storedList(doc: DynamoDBDocumentClient, table: string): Promise<(Allocation & { patientId?: string })[]> {
  const out = await doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seq)', ExpressionAttributeValues: { ':pk': 'RANDLIST', ':seq': 'SEQ#' } }));
  return (out.Items ?? []) as (Allocation & { patientId?: string })[];
}

describe('allocation list (generateAllocationList as the API uses it)', () => {
  it('is balanced 1:1 at the end of every block, with block sizes 2 and 4', () => {
    const list = generateAllocationList({ seed: defaultSecretSeed(), length: 2000, arms: ['MMF', 'LEF'], blockSizes: [2, 4] });
    const blocks = Map.groupBy(list, (a) => a.block);
    for (const slots of [...blocks.values()].slice(0, -1)) {
      expect(slots.length).toBe(slots[0]!.blockSize);
      expect(slots.filter((s) => s.arm === 'MMF').length).toBe(slots.length / 2);
    }
    const sizes = [...blocks.values()].map((s) => s[0]!.blockSize);
    expect(new Set(sizes)).toEqual(new Set([2, 4]));
  });

  it('over a long list: MMF share is 50 % ± 0.1 %, never more than 2 ahead, and block sizes are drawn about equally', () => {
    const list = generateAllocationList({ seed: defaultSecretSeed(), length: 100_000, arms: ['MMF', 'LEF'], blockSizes: [2, 4] });
    let lead = 0;
    let maxLead = 0;
    for (const a of list) {
      lead += a.arm === 'MMF' ? 1 : -1;
      maxLead = Math.max(maxLead, Math.abs(lead));
    }
    expect(maxLead).toBeLessThanOrEqual(2);
    expect(Math.abs(list.filter((a) => a.arm === 'MMF').length / list.length - 0.5)).toBeLessThan(0.001);
    const blocks = new Map(list.map((a) => [a.block, a.blockSize]));
    const twos = [...blocks.values()].filter((s) => s === 2).length / blocks.size;
    expect(twos).toBeGreaterThan(0.45);
    expect(twos).toBeLessThan(0.55);
  });
});

describe('POST /api/patients/{id}/randomization', () => {
  it('draws the next slot: sets arm and randomizedOn, audits, re-plans; a second draw is 409', async () => {
    const { call, enroll, deps, planned, doc, table } = await api.setup({ now: IN_WINDOW });
    const patient = await enroll();
    const res = await call('POST', `/api/patients/${patient.id}/randomization`, { body: { method: 'draw', reason: 'month 6 visit' } });
    expect(res.status).toBe(200);
    expect(['MMF', 'LEF']).toContain(res.json.arm);
    expect(res.json.randomizedOn).toBe('2027-07-05');
    const list = (await storedList(doc, table)).sort((a, b) => a.sequence - b.sequence);
    expect(list[0]).toMatchObject({ sequence: 1, patientId: patient.id, arm: res.json.arm });
    expect(list.filter((s) => s.patientId)).toHaveLength(1);
    const trail = await deps.audit.listForEntity('patient', patient.id);
    expect(trail.find((e) => e.action === 'patient.randomize')).toMatchObject({ actor: 'local:coordinator', before: { arm: null }, after: { arm: res.json.arm, method: 'drawn', sequence: 1 }, reason: 'month 6 visit' });
    expect(planned.at(-1)?.arm).toBe(res.json.arm);
    const again = await call('POST', `/api/patients/${patient.id}/randomization`, { body: { method: 'draw' } });
    expect(again.status).toBe(409);
    expect(await deps.allocations.drawnCount()).toBe(1);
  });

  it('refuses outside the month-6 window (409) and uses no slot', async () => {
    const { call, enroll, deps, clock } = await api.setup({ now: '2027-06-20T02:00:00Z' });
    const patient = await enroll();
    const early = await call('POST', `/api/patients/${patient.id}/randomization`, { body: { method: 'draw' } });
    expect(early.status).toBe(409);
    expect(early.json.detail).toContain('2027-06-21');
    clock.set('2027-07-20T02:00:00Z');
    expect((await call('POST', `/api/patients/${patient.id}/randomization`, { body: { method: 'external', arm: 'LEF' } })).status).toBe(409);
    expect(await deps.allocations.drawnCount()).toBe(0);
    clock.set('2027-07-19T02:00:00Z');
    expect((await call('POST', `/api/patients/${patient.id}/randomization`, { body: { method: 'draw' } })).status).toBe(200);
  });

  it('records an arm allocated elsewhere without touching the list; then a draw is 409', async () => {
    const { call, enroll, deps } = await api.setup({ now: IN_WINDOW });
    const patient = await enroll();
    const res = await call('POST', `/api/patients/${patient.id}/randomization`, { body: { method: 'external', arm: 'LEF' } });
    expect(res.status).toBe(200);
    expect(res.json.arm).toBe('LEF');
    expect((await call('POST', `/api/patients/${patient.id}/randomization`, { body: { method: 'draw' } })).status).toBe(409);
    expect(await deps.allocations.drawnCount()).toBe(0);
    expect((await deps.audit.listForEntity('patient', patient.id)).find((e) => e.action === 'patient.randomize')?.after).toMatchObject({ arm: 'LEF', method: 'external' });
  });

  it('rejects a bad body naming the field (unknown arm, unknown method, extra field)', async () => {
    const { call, enroll } = await api.setup({ now: IN_WINDOW });
    const patient = await enroll();
    const res = await call('POST', `/api/patients/${patient.id}/randomization`, { body: { method: 'external', arm: 'PLACEBO', extra: 1 } });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['arm', 'extra']);
    expect((await call('POST', `/api/patients/${patient.id}/randomization`, { body: { method: 'coin' } })).json.errors[0].path).toBe('method');
  });

  it('concurrent draws for different patients never share a slot, and follow the list in order', async () => {
    const { call, enroll, doc, table } = await api.setup({ now: IN_WINDOW, allocationListLength: 40 });
    const patients = [];
    for (let i = 0; i < 16; i++) patients.push(await enroll({ studyId: `IGG4-${100 + i}`, phone: phone(i) }));
    const results = await Promise.all(patients.map((p) => call('POST', `/api/patients/${p.id}/randomization`, { body: { method: 'draw' } })));
    expect(results.map((r) => r.status)).toEqual(patients.map(() => 200));
    const list = (await storedList(doc, table)).sort((a, b) => a.sequence - b.sequence);
    expect(list).toHaveLength(40);
    const bound = list.filter((s) => s.patientId);
    expect(bound.map((s) => s.sequence)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(new Set(bound.map((s) => s.patientId)).size).toBe(16);
    for (const slot of bound) {
      const i = patients.findIndex((p) => p.id === slot.patientId);
      expect(results[i]!.json.arm).toBe(slot.arm);
    }
  });

  it('two concurrent draws for the same patient: one arm, one slot', async () => {
    const { call, enroll, deps } = await api.setup({ now: IN_WINDOW });
    const patient = await enroll();
    const results = await Promise.all([1, 2, 3].map(() => call('POST', `/api/patients/${patient.id}/randomization`, { body: { method: 'draw' } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(2);
    expect(await deps.allocations.drawnCount()).toBe(1);
  });

  it('when the list is used up a draw is 409 and the patient can still be randomized later', async () => {
    const { call, enroll, deps } = await api.setup({ now: IN_WINDOW, allocationListLength: 2 });
    const patients = [];
    for (let i = 0; i < 3; i++) patients.push(await enroll({ studyId: `IGG4-${200 + i}`, phone: phone(50 + i) }));
    const statuses = [];
    for (const p of patients) statuses.push((await call('POST', `/api/patients/${p.id}/randomization`, { body: { method: 'draw' } })).status);
    expect(statuses).toEqual([200, 200, 409]);
    expect(await deps.allocations.drawnCount()).toBe(2);
    expect((await call('POST', `/api/patients/${patients[2]!.id}/randomization`, { body: { method: 'external', arm: 'MMF' } })).status).toBe(200);
  });

  it('is concealed: no response of any route reveals the seed, the list, block sizes or a future slot', async () => {
    const { call, enroll, doc, table } = await api.setup({ now: IN_WINDOW, allocationListLength: 20 });
    const a = await enroll();
    const b = await enroll({ studyId: 'IGG4-002', phone: phone(2) });
    const draw = await call('POST', `/api/patients/${a.id}/randomization`, { body: { method: 'draw' } });
    expect(Object.keys(draw.json)).not.toContain('sequence');
    const { Items } = await doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'RANDLIST' } }));
    const seed = String(Items!.find((i) => i.sk === 'META')!.seed);
    expect(seed).toMatch(/^[0-9a-f]{64}$/);
    const texts = [draw.text];
    const gets: [string, Record<string, string>?][] = [
      ['/api/patients'],
      [`/api/patients/${a.id}`],
      [`/api/patients/${b.id}`],
      ['/api/reports'],
      ['/api/alerts'],
      ['/api/digests'],
      ['/api/audit', { entity: `patient:${a.id}` }],
      ['/openapi.json'],
      ...['patients', 'doses', 'side-effects', 'visits', 'messages', 'audit'].map((d): [string] => [`/api/exports/${d}.csv`]),
    ];
    for (const [path, query] of gets) {
      for (const token of [undefined, MONITOR_TOKEN]) {
        const res = await call('GET', path, { ...(token ? { token } : {}), ...(query ? { query } : {}) });
        texts.push(res.text);
      }
    }
    for (const text of texts) {
      expect(text).not.toContain(seed);
      expect(text).not.toMatch(/RANDLIST|SEQ#|blockSize/);
    }
    // The only arms that appear anywhere are drawn ones: patient b (not randomized) has none.
    expect((await call('GET', `/api/patients/${b.id}`)).json.patient.arm).toBeNull();
  });
});
