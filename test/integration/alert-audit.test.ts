/**
 * The audit trail of a worklist item's life, entry by entry (21 CFR 11.10(e): who did what, when,
 * before → after): raised, grouped under the patient's item, snoozed, brought back by a new
 * problem, acknowledged with its members. And the alert fields the protocol decides (lane,
 * escalation). Written against the survivors of
 * `STRYKER_SCOPE=app npm run mutation -- --mutate shared/app/alerts.ts,shared/app/acknowledge-alert.ts`.
 */
import { describe, expect, it } from 'vitest';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { acknowledgeAlert, snoozeAlert } from '#app/acknowledge-alert.ts';
import { conditionalAuditedWrite, raiseAlert, type RaiseAlertDeps } from '#app/alerts.ts';
import { alertCarrier } from '#app/audit/audited-write.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Protocol } from '#domain/protocol.ts';
import { RecordingAlertPublisher } from '../support/dispatch-fakes.ts';
import { useLocalDynamo } from '../support/dynamo.ts';

const protocol = loadProtocolFile();
const local = useLocalDynamo();
const T0 = '2027-03-01T02:00:00.000Z'; // Monday 10:00 Beijing

async function world(p: Protocol = protocol) {
  const table = await local.freshTable();
  const audit = new DynamoAuditLog(local.db.doc, table);
  const deps: RaiseAlertDeps = { alerts: new DynamoAlertRepository(local.db.doc, table, p.studyTimeZone), publisher: new RecordingAlertPublisher(), audit, protocol: p };
  const raise = (episodeKey: string, now: string, over: Partial<Parameters<typeof raiseAlert>[1]> = {}) =>
    raiseAlert(deps, { kind: 'missed_dose', episodeKey, patientId: 'pat-1', studyId: 'IGG4-001', title: `IGG4-001: ${episodeKey}`, details: { rule: 'consecutive_same_drug' }, now, actor: 'system:sweep-adherence', ...over });
  const trail = async (id: string) => (await audit.listForEntity('alert', id)).map((e) => ({ action: e.action, actor: e.actor, at: e.at, before: e.before, after: e.after, reason: e.reason, version: e.ref?.version }));
  return { deps, audit, raise, trail };
}

describe('a routine item and its episodes, as the audit trail records them', () => {
  it('raise, group, snooze, a new problem bringing it back, acknowledge with its members: each step one entry, before → after, with its record version', async () => {
    const { deps, raise, trail } = await world();
    const item = (await raise('first', T0)).alert;
    const grouped = (await raise('second', '2027-03-01T03:00:00.000Z')).alert;
    expect(grouped).toMatchObject({ status: 'grouped', itemId: item.id });
    expect(await snoozeAlert(deps, item.id, 'coordinator:li', '2027-03-05', '2027-03-01T04:00:00.000Z', '2027-03-01')).toMatchObject({ snoozedUntil: '2027-03-05' });
    const third = (await raise('third', '2027-03-02T01:00:00.000Z')).alert;
    expect(third).toMatchObject({ status: 'grouped', itemId: item.id });
    expect((await deps.alerts.get(item.id))?.snoozedUntil).toBeUndefined();
    expect(await acknowledgeAlert(deps, item.id, 'coordinator:wang', 'Called: both doses taken late', '2027-03-02T02:00:00.000Z', 'called')).toMatchObject({ status: 'acknowledged' });

    expect(await trail(item.id)).toEqual([
      {
        action: 'alert.raise', actor: 'system:sweep-adherence', at: T0, version: 1, reason: undefined, before: null,
        after: { kind: 'missed_dose', urgent: false, lane: 'routine', studyId: 'IGG4-001', title: 'IGG4-001: first', escalateAt: null },
      },
      { action: 'alert.snooze', actor: 'coordinator:li', at: '2027-03-01T04:00:00.000Z', version: 2, reason: undefined, before: { snoozedUntil: null }, after: { snoozedUntil: '2027-03-05' } },
      { action: 'alert.unsnooze', actor: 'system:sweep-adherence', at: '2027-03-02T01:00:00.000Z', version: 3, reason: 'new missed_dose problem', before: { snoozedUntil: '2027-03-05' }, after: { snoozedUntil: null } },
      {
        action: 'alert.acknowledge', actor: 'coordinator:wang', at: '2027-03-02T02:00:00.000Z', version: 4, reason: 'Called: both doses taken late',
        before: { status: 'open', escalateAt: null, escalationCount: 0 },
        after: { status: 'acknowledged', acknowledgedBy: 'coordinator:wang', acknowledgedAt: '2027-03-02T02:00:00.000Z', note: 'Called: both doses taken late', outcome: 'called' },
      },
    ]);
    for (const member of [grouped, third]) {
      const entries = await trail(member.id);
      expect(entries.map((e) => [e.action, e.version])).toEqual([['alert.raise', 1], ['alert.group', 2], ['alert.acknowledge', 3]]);
      expect(entries[1]).toMatchObject({ actor: 'system:sweep-adherence', before: { status: 'open' }, after: { status: 'grouped', itemId: item.id } });
      expect(entries[2]).toMatchObject({ actor: 'coordinator:wang', reason: `acknowledged with worklist item ${item.id}`, before: { status: 'grouped' }, after: { status: 'acknowledged', outcome: 'called' } });
    }
  });

  it('a problem of another patient, or an urgent alert, is never grouped under this item', async () => {
    const { raise } = await world();
    const item = (await raise('first', T0)).alert;
    const other = (await raise('other-patient', '2027-03-01T03:00:00.000Z', { patientId: 'pat-2', studyId: 'IGG4-002' })).alert;
    const urgent = (await raise('red-flag', '2027-03-01T03:30:00.000Z', { kind: 'red_flag' })).alert;
    expect(other).toMatchObject({ status: 'open' });
    expect(other.itemId).toBeUndefined();
    expect(urgent).toMatchObject({ status: 'open', urgent: true });
    expect(urgent.itemId).toBeUndefined();
    // And a routine problem after the urgent alert still goes under the routine item, not under the urgent alert.
    expect((await raise('later', '2027-03-01T04:00:00.000Z')).alert).toMatchObject({ status: 'grouped', itemId: item.id });
  });
});

describe('what the protocol decides about an alert', () => {
  it("the lane is the protocol's: a raiser that disagrees is kept in the details (raisedUrgent), and changes nothing", async () => {
    const { raise } = await world();
    const routine = (await raise('said-urgent', T0, { urgent: true })).alert;
    expect(routine).toMatchObject({ urgent: false, details: { rule: 'consecutive_same_drug', raisedUrgent: true } });
    const urgent = (await raise('said-routine', T0, { kind: 'red_flag', urgent: false })).alert;
    expect(urgent).toMatchObject({ urgent: true, details: { raisedUrgent: false } });
    const agreeing = (await raise('agreeing', T0, { kind: 'red_flag', urgent: true })).alert;
    expect(agreeing.details).not.toHaveProperty('raisedUrgent');
    const silent = (await raise('no-view', T0, { kind: 'supply' })).alert;
    expect(silent.details).not.toHaveProperty('raisedUrgent');
  });

  it('an urgent alert gets an escalation time unless the protocol escalates nothing (maxEscalations 0); a routine one never', async () => {
    const { raise, trail } = await world();
    const urgent = (await raise('urgent', T0, { kind: 'red_flag' })).alert;
    expect(urgent.escalateAt).toBe('2027-03-01T04:00:00.000Z');
    expect((await trail(urgent.id))[0]!.after).toMatchObject({ lane: 'urgent', escalateAt: '2027-03-01T04:00:00.000Z' });
    expect((await raise('routine', T0)).alert.escalateAt).toBeUndefined();

    const none = await world({ ...protocol, alerts: { ...protocol.alerts, maxEscalations: 0 } });
    expect((await none.raise('urgent', T0, { kind: 'red_flag' })).alert.escalateAt).toBeUndefined();
  });

  it('an alert id is the episode key hashed: the same episode is one alert, another episode another', async () => {
    const { raise } = await world();
    const a = await raise('same', T0);
    const b = await raise('same', '2027-03-01T05:00:00.000Z');
    const c = await raise('different', '2027-03-01T05:00:00.000Z');
    expect(b).toMatchObject({ created: false, alert: { id: a.alert.id, createdAt: T0 } });
    expect(c.alert.id).not.toBe(a.alert.id);
    expect(a.alert.id).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe('entries the other steps write', () => {
  it("an urgent alert's push is recorded once per alert (its own entry id), on the channel it went to; a routine alert's never", async () => {
    const { deps, raise, audit } = await world();
    const first = (await raise('flag-1', T0, { kind: 'red_flag' })).alert;
    const second = (await raise('flag-2', T0, { kind: 'red_flag' })).alert;
    await raise('flag-1', '2027-03-01T02:05:00.000Z', { kind: 'red_flag' }); // the same episode again: already pushed
    for (const alert of [first, second]) {
      const notify = (await audit.listForEntity('alert', alert.id)).filter((e) => e.action === 'alert.notify');
      expect(notify).toHaveLength(1);
      expect(notify[0]).toMatchObject({ id: `alert:${alert.id}:notify`, actor: 'system:sweep-adherence', at: T0, before: null, after: { channel: 'coordinators' }, kind: 'write', ref: { version: 1 } });
    }
    expect((deps.publisher as RecordingAlertPublisher).published.map((a) => a.id)).toEqual([first.id, second.id]);
    const routine = (await raise('routine', T0)).alert;
    expect((await audit.listForEntity('alert', routine.id)).map((e) => e.action)).toEqual(['alert.raise']);
  });

  it('a coordinator bringing a snoozed item back is an unsnooze entry by that coordinator', async () => {
    const { deps, raise, trail } = await world();
    const item = (await raise('first', T0)).alert;
    await snoozeAlert(deps, item.id, 'coordinator:li', '2027-03-05', '2027-03-01T04:00:00.000Z', '2027-03-01');
    expect(await snoozeAlert(deps, item.id, 'coordinator:wang', null, '2027-03-02T04:00:00.000Z', '2027-03-02')).toMatchObject({ status: 'open' });
    expect((await trail(item.id)).at(-1)).toEqual({ action: 'alert.unsnooze', actor: 'coordinator:wang', at: '2027-03-02T04:00:00.000Z', version: 3, reason: undefined, before: { snoozedUntil: '2027-03-05' }, after: { snoozedUntil: null } });
  });

  it('a conditional write whose condition failed leaves no entry and answers null; a write that fails otherwise throws, and leaves no entry either', async () => {
    const { raise, audit } = await world();
    const item = (await raise('first', T0)).alert;
    const entry = { at: '2027-03-01T05:00:00.000Z', actor: 'coordinator:li', action: 'alert.snooze', entityType: 'alert', entityId: item.id, before: {}, after: {} };
    const ref = { carrier: alertCarrier(item.id), version: 2 };
    expect(await conditionalAuditedWrite(audit, entry, ref, async () => null)).toBeNull();
    await expect(conditionalAuditedWrite(audit, entry, ref, async () => { throw new Error('throttled'); })).rejects.toThrow('throttled');
    expect((await audit.listForEntity('alert', item.id)).map((e) => e.action)).toEqual(['alert.raise']);
  });
});
