// What the adherence sweep writes down, beyond outcomes: its audit entries (who, what, before →
// after, why), the revision of an episode that ended (which answer ended it), the escalation of an
// urgent adherence episode cancelled when the episode ends, and the counts it reports. Each test
// here was run against the sweep's surviving mutants of the last mutation run (docs/testing.md).
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.AWS_REGION ??= 'cn-north-1';
});

import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { raiseAlert } from '#app/alerts.ts';
import { evaluatePatientMissedDoses, sweepAdherence } from '#app/sweep-adherence.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { makePatient } from '../support/patients.ts';
import { ESCALATION, sweepSetup } from '../support/sweep-harness.ts';

const protocol = loadProtocolFile();
const local = useLocalDynamo();
const snsMock = mockClient(SNSClient);

/** Maintenance, MMF arm: MMF at 08:00 and 20:00 Shanghai time. */
const onMmf = makePatient(protocol, { id: 'pat-rec-1', studyId: 'IGG4-031', phone: '+8613800138031', enrolledOn: '2026-07-01', arm: 'MMF', randomizedOn: '2026-12-30', language: 'en' });
/** Week 2 of the induction: prednisone taper and MMF. */
const inTaper = makePatient(protocol, { id: 'pat-rec-2', studyId: 'IGG4-032', phone: '+8613800138032', enrolledOn: '2027-01-04', language: 'en' });

const publishes = (topic: string) => snsMock.commandCalls(PublishCommand).filter((c) => c.args[0].input.TopicArn === topic);

beforeEach(() => {
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'sns-1' });
});

describe('what the sweep records', () => {
  it('a check-in whose window closed without a reply: marked, audited with before → after and the reason, counted', async () => {
    const { deps, doses, send, auditOf } = await sweepSetup(local, protocol, onMmf);
    const [morning12, evening12] = doses;
    await send(morning12!);
    await send(evening12!);
    expect(await sweepAdherence(deps, '2027-01-12T06:00:00.000Z')).toEqual({
      markedMissed: 1,
      alreadyAnswered: 0,
      patientsEvaluated: 1,
      alertsRaised: 0,
      alertsRevised: 0,
      escalated: 0,
      escalationsCancelled: 0,
    });
    const entries = await auditOf('reminder', morning12!.id);
    expect(entries.map((e) => ({ actor: e.actor, action: e.action, before: e.before, after: e.after, reason: e.reason }))).toEqual([
      {
        actor: 'system:sweep-adherence',
        action: 'dose.missed_no_reply',
        before: { outcome: 'pending' },
        after: { outcome: 'missed_no_reply', answerWindowEnd: '2027-01-12T06:00:00.000Z' },
        reason: 'answer window closed without a reply',
      },
    ]);
    expect(await auditOf('reminder', evening12!.id)).toEqual([]);
  });

  it('an episode ended by a late "taken" for one of its misses is revised with the dose that ended it, audited', async () => {
    const { deps, doses, send, answer, auditOf } = await sweepSetup(local, protocol, onMmf);
    const [morning12, evening12] = doses;
    await send(morning12!);
    await send(evening12!);
    await answer(morning12!, 'missed_reported', '2027-01-12T01:00:00.000Z');
    await answer(evening12!, 'missed_reported', '2027-01-12T13:00:00.000Z');
    expect(await evaluatePatientMissedDoses(deps, onMmf.id, '2027-01-12T13:00:00.000Z')).toEqual({ raised: 1, revised: 0 });
    const [raised] = await deps.alerts.listForPatient(onMmf.id);
    const title = 'IGG4-031: 2 reported missed MMF doses in a row (2027-01-12)';
    expect(raised!.title).toBe(title);

    await answer(evening12!, 'taken', '2027-01-12T15:20:00.000Z');
    expect(await evaluatePatientMissedDoses(deps, onMmf.id, '2027-01-12T15:21:00.000Z')).toEqual({ raised: 0, revised: 1 });
    const revised = await deps.alerts.get(raised!.id);
    const note = 'resolved: late "taken" reply for 2027-01-12 20:00';
    expect(revised).toMatchObject({ title: `${title} (${note})`, resolvedReason: 'late_taken_reply', status: 'open' });
    expect(revised!.details).toMatchObject({ rule: 'consecutive_same_drug', resolution: 'late_taken_reply', resolvedAt: '2027-01-12T15:21:00.000Z', lateTakenCheckInIds: [evening12!.id] });
    const revision = (await auditOf('alert', raised!.id)).find((e) => e.action === 'alert.revise');
    expect(revision).toMatchObject({
      actor: 'system:sweep-adherence',
      before: { title, resolvedReason: null },
      after: { title: `${title} (${note})`, resolvedReason: 'late_taken_reply' },
      reason: note,
    });
    // Evaluated again: the ended episode is not revised twice.
    expect(await evaluatePatientMissedDoses(deps, onMmf.id, '2027-01-12T15:30:00.000Z')).toEqual({ raised: 0, revised: 0 });
  });

  it('an episode ended by a later dose taken (its misses stay missed) says so, with no late-taken list', async () => {
    const { deps, doses, send, answer } = await sweepSetup(local, protocol, onMmf);
    const [morning12, evening12, morning13] = doses;
    for (const item of [morning12!, evening12!, morning13!]) await send(item);
    await answer(morning12!, 'missed_reported', '2027-01-12T01:00:00.000Z');
    await answer(evening12!, 'missed_reported', '2027-01-12T13:00:00.000Z');
    expect(await evaluatePatientMissedDoses(deps, onMmf.id, '2027-01-12T13:00:00.000Z')).toEqual({ raised: 1, revised: 0 });
    await answer(morning13!, 'taken', '2027-01-13T00:30:00.000Z');
    expect(await evaluatePatientMissedDoses(deps, onMmf.id, '2027-01-13T00:30:00.000Z')).toEqual({ raised: 0, revised: 1 });
    const [alert] = await deps.alerts.listForPatient(onMmf.id);
    expect(alert!.title).toBe('IGG4-031: 2 reported missed MMF doses in a row (2027-01-12) (resolved: a later dose was taken)');
    expect(alert!.resolvedReason).toBe('condition_cleared');
    expect(alert!.details['resolution']).toBe('condition_cleared');
    expect(alert!.details).not.toHaveProperty('lateTakenCheckInIds');
  });

  it('an urgent steroid-withdrawal episode that ends stops escalating: the cancellation is audited, nothing reaches the investigator', async () => {
    const { deps, doses, send, answer, auditOf } = await sweepSetup(local, protocol, inTaper);
    const prednisone = doses.filter((d) => d.doses?.some((x) => x.drug === 'prednisone'));
    const [first, second] = prednisone;
    await send(first!);
    await send(second!);
    await answer(first!, 'missed_reported', '2027-01-12T01:00:00.000Z');
    await answer(second!, 'missed_reported', '2027-01-13T01:00:00.000Z');
    // Both drugs of the morning dose were missed twice: the steroid episode (urgent) and MMF's (routine).
    expect(await evaluatePatientMissedDoses(deps, inTaper.id, '2027-01-13T01:00:00.000Z')).toEqual({ raised: 2, revised: 0 });
    const alert = (await deps.alerts.listForPatient(inTaper.id)).find((a) => a.kind === 'steroid_withdrawal');
    expect(alert).toMatchObject({ kind: 'steroid_withdrawal', urgent: true, status: 'open', escalateAt: '2027-01-13T03:00:00.000Z' });

    await answer(second!, 'taken', '2027-01-13T01:30:00.000Z');
    expect(await evaluatePatientMissedDoses(deps, inTaper.id, '2027-01-13T01:30:00.000Z')).toEqual({ raised: 0, revised: 2 });
    expect((await deps.alerts.get(alert!.id))?.escalateAt).toBeUndefined();
    const cancel = (await auditOf('alert', alert!.id)).find((e) => e.action === 'alert.escalation_cancel');
    expect(cancel).toMatchObject({
      actor: 'system:sweep-adherence',
      before: { escalateAt: '2027-01-13T03:00:00.000Z' },
      after: { escalateAt: null },
      reason: `resolved: late "taken" reply for ${second!.localDate} ${second!.localTime}`,
    });
    expect(await sweepAdherence(deps, '2027-01-13T05:15:00.000Z')).toMatchObject({ escalated: 0, escalationsCancelled: 0 });
    expect(publishes(ESCALATION)).toHaveLength(0);
  });

  it('an escalation is audited: the count and the next deadline before → after, the channel and the reason', async () => {
    const { deps, auditOf } = await sweepSetup(local, protocol, onMmf);
    const { alert } = await raiseAlert(deps, {
      kind: 'red_flag',
      urgent: true,
      episodeKey: 'report:r-esc',
      patientId: onMmf.id,
      studyId: onMmf.studyId,
      title: 'IGG4-031: red flag (Fever G3)',
      details: { reportId: 'r-esc' },
      now: '2027-01-16T14:00:00.000Z',
      actor: 'system:inbound-sms',
    });
    expect(await sweepAdherence(deps, '2027-01-16T16:00:00.000Z')).toMatchObject({ escalated: 1, escalationsCancelled: 0 });
    const escalation = (await auditOf('alert', alert.id)).find((e) => e.action === 'alert.escalate');
    expect(escalation).toMatchObject({
      actor: 'system:sweep-adherence',
      entityType: 'alert',
      before: { escalationCount: 0, escalateAt: '2027-01-16T16:00:00.000Z' },
      after: { escalationCount: 1, escalateAt: '2027-01-16T18:00:00.000Z', channel: 'escalation' },
      reason: 'not acknowledged in time',
    });
  });
});
