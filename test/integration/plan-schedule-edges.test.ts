// The daily planning run's edges (in-memory repositories, fake clock): the totals it reports, the
// page size it reads the active patients with, the audit entry's record version of an
// end-of-study completion, who is completed, and the pool's concurrency limit.
import { describe, expect, it } from 'vitest';
import { memoryRepositories } from '#adapters/memory/index.ts';
import { completeIfStudyEnded, forEachLimited, planAll, planPatient, type PlanAllDeps } from '#app/plan-schedule.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Patient, PatientStatus } from '#domain/patient.ts';
import { numberedPatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const NOW = '2027-01-31T16:00:00.000Z'; // 00:00 Feb 1 in Beijing; Feb 1–3 hold 6 doses + the m1 visit reminder (Feb 2)
/** Enrolled 2025-08-02: on study day 548 at NOW in Beijing, past endOfStudyDay 547. */
const ENDED = { enrolledOn: '2025-08-02', arm: 'MMF' as const, randomizedOn: '2026-02-01' };

function setup() {
  const repos = memoryRepositories(protocol.studyTimeZone);
  const pages: (number | undefined)[] = [];
  const patients = Object.assign(Object.create(repos.patients) as typeof repos.patients, {
    listByStatus: (status: PatientStatus, cursor?: string, limit?: number) => {
      pages.push(limit);
      return repos.patients.listByStatus(status, cursor, limit);
    },
  });
  const deps: PlanAllDeps = { reminders: repos.reminders, patients, audit: repos.audit, protocol };
  return { repos, deps, pages };
}

describe('planAll totals and paging (in memory)', () => {
  it('reports as cancelled both the items a change replaced and the future items of a patient who opted out', async () => {
    const { repos, deps } = setup();
    const moved = numberedPatient(protocol, 1);
    const optedOut = numberedPatient(protocol, 2);
    for (const p of [moved, optedOut]) {
      await repos.patients.create(p);
      expect(await planPatient(deps, p, NOW, 3)).toMatchObject({ created: 7 });
    }
    // Patient 1 moves the morning dose (3 morning items replaced); patient 2 texts STOP but stays active.
    await repos.patients.update({ ...moved, doseTimes: { morning: '09:00', evening: '20:00' } }, moved.version);
    await repos.patients.update({ ...optedOut, smsOptOut: true }, optedOut.version);
    expect(await planAll(deps, NOW, 3)).toEqual({ patients: 2, completed: 0, created: 3, unchanged: 4, cancelled: 3 + 7, failedStudyIds: [] });
  });

  it('reads the active patients in pages of the size asked', async () => {
    const { repos, deps, pages } = setup();
    for (let n = 1; n <= 5; n++) await repos.patients.create(numberedPatient(protocol, n));
    expect(await planAll(deps, NOW, 3, { pageSize: 2 })).toMatchObject({ patients: 5, created: 35 });
    expect(pages).toEqual([2, 2, 2]);
  });
});

describe('end-of-study completion (in memory)', () => {
  it('audits the completion against the patient record version it wrote', async () => {
    const { repos, deps } = setup();
    const patient = numberedPatient(protocol, 1, ENDED);
    await repos.patients.create(patient);
    const { patient: stored, completed } = await completeIfStudyEnded(deps, patient, NOW);
    expect(completed).toBe(true);
    expect(stored).toMatchObject({ status: 'completed', version: 2 });
    const [entry] = await repos.audit.listForEntity('patient', patient.id);
    expect(entry).toMatchObject({ action: 'patient.complete', ref: { carrier: { kind: 'patient', id: patient.id }, version: 2 } });
  });

  it.each(['paused', 'withdrawn'] as const)('a %s patient past the last study day is not completed and nothing is written', async (status) => {
    const { repos, deps } = setup();
    const patient: Patient = numberedPatient(protocol, 1, { ...ENDED, status });
    await repos.patients.create(patient);
    expect(await completeIfStudyEnded(deps, patient, NOW)).toEqual({ patient, completed: false });
    expect(await repos.patients.get(patient.id)).toMatchObject({ status, version: 1 });
    expect(await repos.audit.listForEntity('patient', patient.id)).toEqual([]);
  });
});

describe('forEachLimited (the planning pool)', () => {
  /** Runs the pool over `count` items and returns the most items in flight at once, and the items done. */
  async function peak(count: number, limit: number) {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await forEachLimited(
      Array.from({ length: count }, (_, i) => i),
      limit,
      async (item) => {
        inFlight++;
        most = Math.max(most, inFlight);
        for (let i = 0; i < 3; i++) await Promise.resolve();
        inFlight--;
        done.push(item);
      },
    );
    return { most, done: done.sort((a, b) => a - b) };
  }

  it('works on at most `limit` items at once, and on every item', async () => {
    expect(await peak(10, 4)).toEqual({ most: 4, done: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
  });

  it('with fewer items than the limit, works on all of them at once', async () => {
    expect(await peak(3, 4)).toEqual({ most: 3, done: [0, 1, 2] });
  });

  it('an empty list and a limit below one still finish', async () => {
    expect(await peak(0, 4)).toEqual({ most: 0, done: [] });
    expect(await peak(2, 0)).toEqual({ most: 1, done: [0, 1] });
  });
});
