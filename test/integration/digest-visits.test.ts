/**
 * Which visits the weekly digest lists (found unpinned by the app mutation run of the fifth
 * session, docs/testing.md): due next week means next Monday through next Sunday, both days
 * included; missed means the visit's window closed this week (Monday and Sunday included) and
 * before today; the baseline (enrollment) visit is never listed; withdrawn and completed patients'
 * visits are not either.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SnsAlertPublisher } from '#adapters/sns/sns-alert-publisher.ts';
import { runWeeklyDigest } from '#app/weekly-digest.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Patient } from '#domain/patient.ts';
import { dynamoDigestDeps } from '../support/digest-deps.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { makePatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const local = useLocalDynamo();
const snsMock = mockClient(SNSClient);
const WEEK = '2027-W02'; // Monday 2027-01-11 to Sunday 2027-01-17 (Asia/Shanghai); next week 01-18 to 01-24

async function digestOf(patients: Patient[], now: string) {
  const table = await local.freshTable();
  const deps = dynamoDigestDeps(local.db.doc, table, protocol, new SnsAlertPublisher(new SNSClient({ region: 'cn-north-1' }), { coordinators: 'arn:aws:sns:cn-north-1:123456789012:coordinators' }, 'https://console.example.org/'));
  for (const p of patients) await deps.patients.create(p);
  return (await runWeeklyDigest(deps, { week: WEEK, now })).digest.digest.overall;
}

// Enrolled 2026-12-20: the month-1 visit would fall on 2027-01-19 and month 3 on 2027-03-21 unless
// an appointment moves them; each patient below moves only what the case needs.
let n = 0;
const patient = (appointments: Record<string, string>, extra: Partial<Patient> = {}) => {
  n++;
  return makePatient(protocol, { id: `pat-v${n}`, studyId: `IGG4-V${String(n).padStart(2, '0')}`, phone: `+86138001000${String(n).padStart(2, '0')}`, enrolledOn: '2026-12-20', appointments, ...extra });
};

describe('visits in the weekly digest', () => {
  beforeEach(() => {
    n = 0; // study IDs per test (V01, V02, …), whichever tests run
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  });

  it('due next week: next Monday and next Sunday are in, the Monday after and this Sunday are not; the baseline visit never', async () => {
    const d = await digestOf(
      [
        patient({ m1: '2027-01-18' }),
        patient({ m1: '2027-01-24' }),
        patient({ m1: '2027-01-25' }),
        patient({ m1: '2027-01-17' }),
        // Enrolled next Tuesday: its baseline visit is that day, its month-1 visit a month later.
        patient({}, { enrolledOn: '2027-01-19' }),
      ],
      '2027-01-18T00:00:00.000Z',
    );
    expect(d.visitsDueNextWeek.map((v) => `${v.studyId} ${v.visit} ${v.targetDate}`)).toEqual(['IGG4-V01 month 1 visit 2027-01-18', 'IGG4-V02 month 1 visit 2027-01-24']);
  });

  it('missed: a window that closed on this Monday or this Sunday is in; one that closed the week before, or closes next week, is not', async () => {
    // The month-1 window closes 7 days after the visit.
    const d = await digestOf(
      [
        patient({ m1: '2027-01-04' }), // window closed Monday 01-11
        patient({ m1: '2027-01-10' }), // window closed Sunday 01-17
        patient({ m1: '2027-01-03' }), // closed Sunday 01-10: last week's digest
        patient({ m1: '2027-01-11' }), // closes Monday 01-18: still open
      ],
      '2027-01-18T00:00:00.000Z',
    );
    expect(d.visitsMissed.map((v) => `${v.studyId} ${v.targetDate}`)).toEqual(['IGG4-V01 2027-01-04', 'IGG4-V02 2027-01-10']);
  });

  it('a digest of the running week lists as missed only windows closed before today', async () => {
    // Generated on Thursday 2027-01-14 at 20:00: a window closing that day is still open.
    const d = await digestOf([patient({ m1: '2027-01-06' }), patient({ m1: '2027-01-07' })], '2027-01-14T12:00:00.000Z');
    expect(d.visitsMissed.map((v) => v.targetDate)).toEqual(['2027-01-06']);
  });

  it('a digest of an earlier week run late lists as missed only the windows that closed in that week, not those closed since', async () => {
    // W02's digest generated on Monday 2027-01-25 (a rerun on request): the window closing on
    // Tuesday 01-19 belongs to W03's digest, though it is before today.
    const d = await digestOf([patient({ m1: '2027-01-08' }), patient({ m1: '2027-01-12' })], '2027-01-25T00:00:00.000Z');
    expect(d.visitsMissed.map((v) => `${v.studyId} ${v.targetDate}`)).toEqual(['IGG4-V01 2027-01-08']);
  });

  it('withdrawn and completed patients have no visits due or missed', async () => {
    const d = await digestOf(
      // month 1 on 01-04 (its window closed Monday 01-11), month 3 moved to next Wednesday
      [patient({ m1: '2027-01-04', m3: '2027-01-20' }, { status: 'withdrawn' }), patient({ m1: '2027-01-04', m3: '2027-01-20' }, { status: 'completed' }), patient({ m1: '2027-01-04', m3: '2027-01-20' }, { status: 'paused' })],
      '2027-01-18T00:00:00.000Z',
    );
    // A paused patient's visits still count: the pause is of the texts, not of the study.
    expect(d.visitsDueNextWeek.map((v) => v.studyId)).toEqual(['IGG4-V03']);
    expect(d.visitsMissed.map((v) => v.studyId)).toEqual(['IGG4-V03']);
  });
});
