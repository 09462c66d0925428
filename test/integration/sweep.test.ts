import { beforeEach, describe, expect, it, vi } from 'vitest';

// The handler module parses its environment at load (as on Lambda); give it one before imports run.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unused-by-the-factory';
  process.env.ALERT_TOPIC_ARN ??= 'arn:aws:sns:cn-north-1:123456789012:coordinators';
  process.env.ESCALATION_TOPIC_ARN ??= 'arn:aws:sns:cn-north-1:123456789012:escalation';
  process.env.CONSOLE_URL ??= 'https://console.example.org/';
  process.env.AWS_REGION ??= 'cn-north-1';
});

import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { acknowledgeAlert, snoozeAlert } from '#app/acknowledge-alert.ts';
import { raiseAlert } from '#app/alerts.ts';
import { evaluatePatientMissedDoses, sweepAdherence, type SweepDeps } from '#app/sweep-adherence.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { fixedClock } from '#ports/clock.ts';
import type { Alert } from '#ports/alerts.ts';
import { createSweepHandler } from '#functions/sweep-adherence/handler.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { makePatient } from '../support/patients.ts';
import { COORDINATORS, ESCALATION, sweepSetup } from '../support/sweep-harness.ts';

const protocol = loadProtocolFile();
const local = useLocalDynamo();
const snsMock = mockClient(SNSClient);

/** A maintenance-phase patient on the MMF arm: MMF at 08:00 and 20:00 Shanghai time, nothing else. */
const patient = makePatient(protocol, {
  id: 'pat-sweep-1',
  studyId: 'IGG4-021',
  phone: '+8613800138021',
  enrolledOn: '2026-07-01',
  arm: 'MMF',
  randomizedOn: '2026-12-30',
  language: 'en',
});

const setup = () => sweepSetup(local, protocol, patient);

const publishes = (topic: string) => snsMock.commandCalls(PublishCommand).filter((c) => c.args[0].input.TopicArn === topic).map((c) => c.args[0].input);

describe('adherence sweep (dynalite)', () => {
  beforeEach(() => {
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  });

  it('the schedule gives this patient MMF at 08:00 and 20:00 with the protocol answer windows', async () => {
    const { doses } = await setup();
    expect(doses.map((d) => [d.localDate, d.localTime, d.doses?.map((x) => x.drug).join('+'), d.answerWindowEnd])).toEqual([
      ['2027-01-12', '08:00', 'mmf', '2027-01-12T06:00:00.000Z'], // 08:00 + 6 h = 14:00 local
      ['2027-01-12', '20:00', 'mmf', '2027-01-12T17:00:00.000Z'], // capped at local midnight + 60 min = 01:00
      ['2027-01-13', '08:00', 'mmf', '2027-01-13T06:00:00.000Z'],
      ['2027-01-13', '20:00', 'mmf', '2027-01-13T17:00:00.000Z'],
    ]);
  });

  it('marks only check-ins whose answer window closed, and never scans', async () => {
    const { deps, commands, doses, send, answer, outcome } = await setup();
    const [morning12, evening12, morning13] = doses;
    await send(morning12!);
    await send(evening12!);

    // One minute before the morning window closes: nothing to do.
    expect((await sweepAdherence(deps, '2027-01-12T05:59:00.000Z')).markedMissed).toBe(0);
    expect(await outcome(morning12!)).toBe('pending');

    // At 14:00 local the morning window is closed; the evening one (sent 20:00) is not.
    const first = await sweepAdherence(deps, '2027-01-12T06:00:00.000Z');
    expect(first.markedMissed).toBe(1);
    expect(await outcome(morning12!)).toBe('missed_no_reply');
    expect(await outcome(evening12!)).toBe('pending');

    // An answered check-in is left alone even when its window has closed.
    await answer(evening12!, 'taken', '2027-01-12T12:30:00.000Z');
    await send(morning13!);
    const second = await sweepAdherence(deps, '2027-01-13T05:00:00.000Z');
    expect(second.markedMissed).toBe(0);
    expect(await outcome(evening12!)).toBe('taken');
    expect(await outcome(morning13!)).toBe('pending');

    expect(commands.length).toBeGreaterThan(0);
    expect(commands).not.toContain('ScanCommand');
    // Reads are Query and GetItem only; writes are conditional UpdateItem and PutItem (audit appends, alerts).
    expect([...new Set(commands)].sort()).toEqual(['GetItemCommand', 'PutItemCommand', 'QueryCommand', 'UpdateItemCommand']);
  });

  it('two reported misses raise one routine missed-dose item: not pushed, never escalated; the next sweep raises nothing; a late "taken" revises it', async () => {
    const { deps, doses, send, answer, table } = await setup();
    const [morning12, evening12] = doses;
    await send(morning12!);
    await send(evening12!);
    await answer(morning12!, 'missed_reported', '2027-01-12T01:00:00.000Z');
    expect(await evaluatePatientMissedDoses(deps, patient.id, '2027-01-12T01:00:00.000Z')).toEqual({ raised: 0, revised: 0 });
    await answer(evening12!, 'missed_reported', '2027-01-12T13:00:00.000Z');
    expect(await evaluatePatientMissedDoses(deps, patient.id, '2027-01-12T13:00:00.000Z')).toEqual({ raised: 1, revised: 0 });

    const [alert] = await deps.alerts.listForPatient(patient.id);
    expect(alert).toMatchObject({ kind: 'missed_dose', urgent: false, status: 'open', studyId: 'IGG4-021' });
    expect(alert!.title).toBe('IGG4-021: 2 reported missed MMF doses in a row (2027-01-12)');
    expect(alert!.details).toMatchObject({
      rule: 'consecutive_same_drug',
      drug: 'mmf',
      missedLocalDates: ['2027-01-12'],
      adherence14d: { due: 2, confirmed: 0, reportedMissed: 2, unanswered: 0, rate: 0 },
    });
    expect(JSON.stringify(alert)).not.toContain(patient.phone);
    // Routine lane: on the worklist, not pushed, no escalation (the daily summary marks it overdue instead).
    expect(alert!.escalateAt).toBeUndefined();
    expect(alert!.notifiedAt).toBeUndefined();
    expect(publishes(COORDINATORS)).toHaveLength(0);

    // Same episode, next sweeps: nothing new.
    expect(await sweepAdherence(deps, '2027-01-12T17:15:00.000Z')).toMatchObject({ alertsRaised: 0, alertsRevised: 0 });

    // The patient revises the evening answer: "taken" after all (written here without the inbound
    // flow's own re-evaluation). At 02:00 Shanghai nothing re-reads the patient; the daily look of
    // open episodes, in the first sweep of the hour the patient's local day begins, revises the item.
    await answer(evening12!, 'taken', '2027-01-12T15:20:00.000Z');
    expect(await sweepAdherence(deps, '2027-01-12T18:00:00.000Z')).toMatchObject({ patientsEvaluated: 0, alertsRevised: 0 });
    expect(await sweepAdherence(deps, '2027-01-13T15:15:00.000Z')).toMatchObject({ patientsEvaluated: 0, alertsRevised: 0 });
    const revised = await sweepAdherence(deps, '2027-01-13T16:00:00.000Z');
    expect(revised).toMatchObject({ alertsRaised: 0, alertsRevised: 1 });
    const alerts = await deps.alerts.listForPatient(patient.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ id: alert!.id, resolvedReason: 'late_taken_reply', status: 'open' });
    expect(await deps.alerts.listUnresolved('missed_dose')).toEqual([]);

    // Days later, still unacknowledged: nothing is pushed or escalated on its own.
    expect(await sweepAdherence(deps, '2027-01-15T09:00:00.000Z')).toMatchObject({ alertsRaised: 0, escalated: 0 });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);

    const audit = new DynamoAuditLog(local.db.doc, table);
    const actions = (await audit.listForEntity('alert', alert!.id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['alert.raise', 'alert.revise']));
    expect(actions).not.toContain('alert.notify');
  });

  it('no episode is dropped, only batched: two rules firing for one patient give one item with both episodes', async () => {
    const { deps, doses, send, answer } = await setup();
    const [m12, e12, m13] = doses;
    for (const d of [m12, e12, m13]) await send(d!);
    await answer(m12!, 'missed_reported', '2027-01-12T01:00:00.000Z');
    await answer(e12!, 'missed_reported', '2027-01-12T13:00:00.000Z');
    expect(await evaluatePatientMissedDoses(deps, patient.id, '2027-01-12T13:00:00.000Z')).toEqual({ raised: 1, revised: 0 });
    await answer(m13!, 'missed_reported', '2027-01-13T01:00:00.000Z');
    // m13 continues the consecutive episode (nothing new) and makes 3 reported misses in 7 days: a second episode, raised, grouped.
    expect(await evaluatePatientMissedDoses(deps, patient.id, '2027-01-13T01:00:00.000Z')).toEqual({ raised: 1, revised: 0 });
    const alerts = await deps.alerts.listForPatient(patient.id);
    expect(alerts.map((a) => [a.details.rule, a.status])).toEqual([
      ['consecutive_same_drug', 'open'],
      ['missed_in_days', 'grouped'],
    ]);
    expect(alerts[1]!.itemId).toBe(alerts[0]!.id);
    expect((await deps.alerts.listByStatus('open')).items).toHaveLength(1);
    expect(publishes(COORDINATORS)).toHaveLength(0);
  });

  it('no reply is not a missed dose: four unanswered check-ins raise no missed-dose item (and two silent days are not yet sustained silence)', async () => {
    const { deps, doses, send, outcome } = await setup();
    for (const d of doses) await send(d);
    const result = await sweepAdherence(deps, '2027-01-13T17:00:00.000Z');
    expect(result).toMatchObject({ markedMissed: 4, alertsRaised: 0 });
    for (const d of doses) expect(await outcome(d)).toBe('missed_no_reply');
    expect(await deps.alerts.listForPatient(patient.id)).toEqual([]);
  });

  it('one routine item per patient: later problems are grouped under it (not pushed), acknowledged with it; a problem after that opens a new item', async () => {
    const { deps, table } = await setup();
    const raise = (kind: 'missed_dose' | 'no_reply' | 'supply' | 'red_flag', key: string, now: string) =>
      raiseAlert(deps, { kind, episodeKey: key, patientId: patient.id, studyId: patient.studyId, title: `${patient.studyId}: ${kind}`, details: {}, now, actor: 'test' });
    const first = (await raise('missed_dose', 'e1', '2027-01-12T02:00:00.000Z')).alert;
    const second = (await raise('supply', 'e2', '2027-01-12T03:00:00.000Z')).alert;
    const third = (await raise('no_reply', 'e3', '2027-01-13T03:00:00.000Z')).alert;
    // Raising an episode again (a retry) changes nothing.
    expect((await raise('no_reply', 'e3', '2027-01-13T03:05:00.000Z')).created).toBe(false);
    expect(first.status).toBe('open');
    expect(second).toMatchObject({ status: 'grouped', itemId: first.id });
    expect(third).toMatchObject({ status: 'grouped', itemId: first.id });
    expect((await deps.alerts.listByStatus('open')).items.map((a) => a.id)).toEqual([first.id]);
    expect(publishes(COORDINATORS)).toHaveLength(0);

    // An urgent problem of the same patient is never batched: its own alert, pushed at once.
    const urgent = (await raise('red_flag', 'e4', '2027-01-13T04:00:00.000Z')).alert;
    expect(urgent).toMatchObject({ urgent: true, status: 'open' });
    expect(publishes(COORDINATORS)).toHaveLength(1);

    const acked = await acknowledgeAlert(deps, first.id, 'coordinator:li', 'called; refill arranged', '2027-01-13T05:00:00.000Z', 'called');
    expect(acked).toMatchObject({ status: 'acknowledged', ackOutcome: 'called' });
    for (const id of [second.id, third.id]) expect(await deps.alerts.get(id)).toMatchObject({ status: 'acknowledged', ackOutcome: 'called', ackNote: 'called; refill arranged' });
    expect(await deps.alerts.get(urgent.id)).toMatchObject({ status: 'open' });
    const audit = await new DynamoAuditLog(local.db.doc, table).listForEntity('alert', second.id);
    expect(audit.map((e) => e.action)).toEqual(['alert.raise', 'alert.group', 'alert.acknowledge']);

    const next = (await raise('no_reply', 'e5', '2027-01-14T03:00:00.000Z')).alert;
    expect(next).toMatchObject({ status: 'open' });
    expect(next.itemId).toBeUndefined();
  });

  it('a snoozed item stays open, and a new problem of its patient brings it back', async () => {
    const { deps } = await setup();
    const raise = (key: string, now: string) =>
      raiseAlert(deps, { kind: 'missed_dose', episodeKey: key, patientId: patient.id, studyId: patient.studyId, title: 't', details: {}, now, actor: 'test' });
    const item = (await raise('s1', '2027-01-12T02:00:00.000Z')).alert;
    expect(await snoozeAlert(deps, item.id, 'coordinator:li', '2027-01-12', '2027-01-12T03:00:00.000Z', '2027-01-12')).toBe('past_date');
    expect(await snoozeAlert(deps, item.id, 'coordinator:li', '2027-01-15', '2027-01-12T03:00:00.000Z', '2027-01-12')).toMatchObject({ status: 'open', snoozedUntil: '2027-01-15' });
    await raise('s2', '2027-01-13T02:00:00.000Z');
    expect((await deps.alerts.get(item.id))!.snoozedUntil).toBeUndefined();
  });
});

describe('acknowledgement and re-escalation on a fake clock', () => {
  beforeEach(() => {
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  });

  async function urgentAlert(deps: SweepDeps, at: string, episodeKey: string) {
    return (
      await raiseAlert(deps, {
        kind: 'red_flag',
        urgent: true,
        episodeKey,
        patientId: patient.id,
        studyId: patient.studyId,
        title: 'IGG4-021: red flag (Fever G3)',
        details: { reportId: 'r-1' },
        now: at,
        actor: 'system:inbound-sms',
      })
    ).alert;
  }

  it('an urgent alert whose push failed after it was stored is pushed by the retry of the same episode, once; later retries push nothing', async () => {
    // The inbound text is redelivered after the crash: raiseAlert runs again for the same episode and finds the alert stored, not notified.
    const { deps } = await setup();
    const at = '2027-01-16T14:00:00.000Z';
    snsMock.on(PublishCommand).rejectsOnce(new Error('SNS throttled')).resolves({ MessageId: 'sns-2' });
    await expect(urgentAlert(deps, at, 'report:r-crash')).rejects.toThrow(/throttled/);
    const stored = (await deps.alerts.listByStatus('open', undefined, 10)).items;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.notifiedAt).toBeUndefined();

    const retried = await urgentAlert(deps, '2027-01-16T14:01:00.000Z', 'report:r-crash');
    expect(retried.id).toBe(stored[0]!.id);
    expect(publishes(COORDINATORS)).toHaveLength(2); // the failed attempt and the retry's
    expect((await deps.alerts.get(retried.id))?.notifiedAt).toBe('2027-01-16T14:01:00.000Z');

    await urgentAlert(deps, '2027-01-16T14:02:00.000Z', 'report:r-crash');
    expect(publishes(COORDINATORS)).toHaveLength(2);
  });

  it('an urgent alert not acknowledged within 2 h goes to the escalation topic, then again 2 h later', async () => {
    const { deps } = await setup();
    const clock = fixedClock('2027-01-16T14:00:00.000Z'); // Saturday 22:00 local: urgent alerts ignore working hours
    const alert = await urgentAlert(deps, clock.now(), 'report:r-1');
    expect(alert.escalateAt).toBe('2027-01-16T16:00:00.000Z');
    expect(publishes(COORDINATORS)).toHaveLength(1);

    clock.advanceMinutes(119);
    expect((await sweepAdherence(deps, clock.now())).escalated).toBe(0);
    expect(publishes(ESCALATION)).toHaveLength(0);

    clock.advanceMinutes(1);
    expect((await sweepAdherence(deps, clock.now())).escalated).toBe(1);
    const escalations = publishes(ESCALATION);
    expect(escalations).toHaveLength(1);
    expect(escalations[0]!.Message).toContain('ESCALATED');
    expect(escalations[0]!.Message).toContain('IGG4-021');
    const stored = await deps.alerts.get(alert.id);
    expect(stored).toMatchObject({ status: 'open', escalationCount: 1, escalateAt: '2027-01-16T18:00:00.000Z' });

    // Not again before the next period ends.
    clock.advanceMinutes(60);
    expect((await sweepAdherence(deps, clock.now())).escalated).toBe(0);
    clock.advanceMinutes(60);
    expect((await sweepAdherence(deps, clock.now())).escalated).toBe(1);
    expect(publishes(ESCALATION)).toHaveLength(2);
  });

  it('an acknowledged alert never escalates; acknowledging is audited before → after and happens once', async () => {
    const { deps, table } = await setup();
    const clock = fixedClock('2027-01-16T14:00:00.000Z');
    const alert = await urgentAlert(deps, clock.now(), 'report:r-2');

    clock.advanceMinutes(45);
    const acked = await acknowledgeAlert(deps, alert.id, 'coordinator:li', '  Called the patient; fever clinic today. ', clock.now());
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'coordinator:li', ackNote: 'Called the patient; fever clinic today.' });
    expect(await acknowledgeAlert(deps, alert.id, 'coordinator:wang', 'me too', clock.now())).toBe('not_open');
    expect(await acknowledgeAlert(deps, 'no-such-alert', 'coordinator:wang', 'x', clock.now())).toBe('not_found');
    await expect(acknowledgeAlert(deps, alert.id, 'coordinator:wang', '   ', clock.now())).rejects.toThrow(/needs a note/);

    clock.advanceMinutes(180);
    expect((await sweepAdherence(deps, clock.now())).escalated).toBe(0);
    expect(publishes(ESCALATION)).toHaveLength(0);

    const entries = await new DynamoAuditLog(local.db.doc, table).listForEntity('alert', alert.id);
    const ack = entries.find((e) => e.action === 'alert.acknowledge');
    expect(ack).toMatchObject({
      actor: 'coordinator:li',
      before: { status: 'open', escalateAt: '2027-01-16T16:00:00.000Z', escalationCount: 0 },
      after: { status: 'acknowledged', acknowledgedBy: 'coordinator:li', note: 'Called the patient; fever clinic today.' },
    });
    expect(entries.filter((e) => e.action === 'alert.acknowledge')).toHaveLength(1);
  });

  it('re-escalation stops after the configured number of reminders', async () => {
    const { deps } = await setup();
    const clock = fixedClock('2027-01-16T14:00:00.000Z');
    await urgentAlert(deps, clock.now(), 'report:r-3');
    let total = 0;
    for (let i = 0; i < 12; i++) {
      clock.advanceMinutes(120);
      total += (await sweepAdherence(deps, clock.now())).escalated;
    }
    expect(total).toBe(3);
  });

  it('a routine alert that carries an escalation time (stored before the lanes existed) is never escalated: it leaves the queue, audited', async () => {
    const { deps, table } = await setup();
    const at = '2027-01-16T14:00:00.000Z';
    const legacy: Alert = {
      id: 'alert-legacy-routine',
      kind: 'missed_dose',
      urgent: false,
      status: 'open',
      patientId: patient.id,
      studyId: patient.studyId,
      title: 'IGG4-021: 2 reported missed MMF doses in a row',
      details: { rule: 'consecutive_same_drug' },
      episodeKey: 'legacy:consecutive_same_drug:IGG4-021',
      createdAt: at,
      updatedAt: at,
      escalateAt: '2027-01-16T16:00:00.000Z',
      escalationCount: 0,
      version: 1,
    };
    await deps.alerts.createIfAbsent(legacy);
    expect(await sweepAdherence(deps, '2027-01-16T16:15:00.000Z')).toMatchObject({ escalated: 0, escalationsCancelled: 1 });
    expect(publishes(ESCALATION)).toHaveLength(0);
    expect((await deps.alerts.get(legacy.id))?.escalateAt).toBeUndefined();
    expect(await sweepAdherence(deps, '2027-01-16T18:15:00.000Z')).toMatchObject({ escalated: 0, escalationsCancelled: 0 });
    const entries = await new DynamoAuditLog(local.db.doc, table).listForEntity('alert', legacy.id);
    expect(entries.find((e) => e.action === 'alert.escalation_cancel')).toMatchObject({ actor: 'system:sweep-adherence', reason: 'routine lane: no escalation', before: { escalateAt: '2027-01-16T16:00:00.000Z' }, after: { escalateAt: null } });
  });

  it('the Lambda handler factory runs the sweep with the injected clock', async () => {
    const { deps, doses, send } = await setup();
    await send(doses[0]!);
    const clock = fixedClock('2027-01-12T06:00:00.000Z');
    let expiredAt: string | undefined;
    const handler = createSweepHandler({
      ...deps,
      clock,
      expireConversations: async (now) => {
        expiredAt = now;
        return { expired: 2, reports: 1 };
      },
    });
    const result = await handler({}, {} as never);
    expect(result).toMatchObject({ markedMissed: 1, conversationsExpired: 2 });
    expect(expiredAt).toBe('2027-01-12T06:00:00.000Z');
  });
});
