// The weekly safety digest's edges as the coordinators and an auditor see them (in-memory
// adapters, fake clock): a malformed week, the audit entries of a run, a run that died while
// publishing (lease, no rebuild), the console link, more open items than one page, confirmed
// side-effect grades and relapse overrules read from the week's audit entries.
import { describe, expect, it } from 'vitest';
import { memoryRepositories } from '#adapters/memory/index.ts';
import { DIGEST_ACTOR, runWeeklyDigest, type WeeklyDigestDeps } from '#app/weekly-digest.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { renderDigestText } from '#domain/digest.ts';
import type { Patient } from '#domain/patient.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { Alert } from '#ports/alerts.ts';
import type { AuditEntry } from '#ports/audit.ts';
import type { Report } from '#ports/reports.ts';
import { numberedPatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const TZ = protocol.studyTimeZone;
const WEEK = '2027-W02'; // Monday 2027-01-11 to Sunday 2027-01-17, Asia/Shanghai
const FROM_UTC = '2027-01-10T16:00:00.000Z';
const TO_UTC = '2027-01-17T16:00:00.000Z';
const GENERATED_AT = '2027-01-18T00:00:00.000Z'; // Monday 08:00 local
const plusSeconds = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();

class Topic implements AlertPublisher {
  readonly texts: { subject: string; text: string; channel: string }[] = [];
  /** How many of the next publishText calls fail (a run that dies while publishing). */
  failNext = 0;
  async publish(): Promise<void> {}
  async publishText(subject: string, text: string, channel: 'coordinators' | 'escalation'): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('SNS throttled');
    }
    this.texts.push({ subject, text, channel });
  }
}

function setup(extra: Partial<WeeklyDigestDeps> = {}) {
  const repos = memoryRepositories(TZ);
  const topic = new Topic();
  let patientListings = 0;
  const patients = repos.patients;
  const countingPatients = Object.assign(Object.create(patients) as typeof patients, {
    listAll: async () => {
      patientListings++;
      return patients.listAll();
    },
  });
  const deps: WeeklyDigestDeps = {
    ...repos,
    patients: countingPatients,
    publisher: topic,
    protocol,
    smsCostPerPartUsd: 0.05,
    language: 'en',
    consoleUrl: 'https://console.example.org/',
    ...extra,
  };
  const entries = async () =>
    (await repos.audit.listForEntity('digest', WEEK)).map(({ at, actor, action, entityType, entityId, before, after }) => ({ at, actor, action, entityType, entityId, before, after }));
  return { deps, repos, topic, entries, patientListings: () => patientListings };
}

const enrol = async (deps: WeeklyDigestDeps, ...patients: Patient[]) => {
  for (const p of patients) await deps.patients.create(p);
};

const openAlert = (n: number, createdAt: string): Alert => ({
  id: `A${n}`,
  kind: 'missed_dose',
  urgent: false,
  status: 'open',
  patientId: 'pat-0001',
  studyId: 'IGG4-0001',
  title: 'IGG4-0001: missed_dose',
  details: {},
  episodeKey: `A${n}`,
  createdAt,
  updatedAt: createdAt,
  escalationCount: 0,
  version: 1,
});

describe('weekly digest: edges (in memory, fake clock)', () => {
  it('refuses a week that is not an ISO week such as 2027-W02, and stores and publishes nothing', async () => {
    const { deps, topic } = setup();
    await expect(runWeeklyDigest(deps, { week: '2027-2', now: GENERATED_AT })).rejects.toThrow(new RangeError('week must be an ISO week such as 2027-W02, got "2027-2"'));
    await expect(runWeeklyDigest(deps, { week: '2027-W2', now: GENERATED_AT })).rejects.toThrow(new RangeError('week must be an ISO week such as 2027-W02, got "2027-W2"'));
    expect((await deps.digests.list()).items).toEqual([]);
    expect(topic.texts).toEqual([]);
  });

  it('audits the creation (patients enrolled, the week in UTC) and the publication (to the coordinators) of a digest', async () => {
    const { deps, entries } = setup();
    await enrol(deps, numberedPatient(protocol, 1), numberedPatient(protocol, 2, { status: 'withdrawn' }));
    await runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT });
    expect(await entries()).toEqual([
      { at: GENERATED_AT, actor: DIGEST_ACTOR, action: 'digest.create', entityType: 'digest', entityId: WEEK, before: null, after: { week: WEEK, patients: 2, fromUtc: FROM_UTC, toUtc: TO_UTC } },
      { at: GENERATED_AT, actor: DIGEST_ACTOR, action: 'digest.publish', entityType: 'digest', entityId: WEEK, before: { publishedAt: null }, after: { publishedAt: GENERATED_AT, channel: 'coordinators' } },
    ]);
  });

  it('two runs at once store one digest and audit one creation and one publication', async () => {
    const { deps, topic, entries } = setup();
    await enrol(deps, numberedPatient(protocol, 1));
    const results = await Promise.all([runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT }), runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT })]);
    expect(results.map((r) => r.built).sort()).toEqual([false, true]);
    expect(topic.texts).toHaveLength(1);
    expect((await entries()).map((e) => e.action)).toEqual(['digest.create', 'digest.publish']);
  });

  it('after a run that died while publishing, others stand back for 120 seconds, then one publishes the stored digest without gathering the week again', async () => {
    const { deps, topic, entries, patientListings } = setup();
    await enrol(deps, numberedPatient(protocol, 1));
    topic.failNext = 1;
    await expect(runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT })).rejects.toThrow('SNS throttled');
    const stored = (await deps.digests.get(WEEK))!;
    // A patient enrolled since then changes nothing: the stored digest wins.
    await enrol(deps, numberedPatient(protocol, 2));

    for (const s of [1, 60, 120]) expect(await runWeeklyDigest(deps, { week: WEEK, now: plusSeconds(GENERATED_AT, s) })).toMatchObject({ status: 'in_progress', built: false });
    expect(topic.texts).toEqual([]);
    const retry = await runWeeklyDigest(deps, { week: WEEK, now: plusSeconds(GENERATED_AT, 121) });
    expect(retry).toMatchObject({ status: 'published', built: false });
    expect(topic.texts).toEqual([{ subject: 'IgG4-RD trial weekly safety digest 2027-W02', text: stored.text, channel: 'coordinators' }]);
    expect(retry.digest.digest.overall.patients.enrolled).toBe(1);
    expect(patientListings()).toBe(1);
    expect((await entries()).map((e) => [e.action, e.at])).toEqual([
      ['digest.create', GENERATED_AT],
      ['digest.publish', plusSeconds(GENERATED_AT, 121)],
    ]);
  });

  it('ends the text with a link to the stored digest in the console (any #fragment of the configured URL replaced), in the digest language', async () => {
    const en = setup({ consoleUrl: 'https://console.example.org/#/today' });
    const published = await runWeeklyDigest(en.deps, { week: WEEK, now: GENERATED_AT });
    expect(published.digest.text).toBe(`${renderDigestText(published.digest.digest, 'en')}\nConsole: https://console.example.org/#/digests/2027-W02\n`);

    const zh = setup({ language: 'zh-CN', consoleUrl: 'https://console.example.org/' });
    const chinese = await runWeeklyDigest(zh.deps, { week: WEEK, now: GENERATED_AT });
    expect(chinese.digest.text).toBe(`${renderDigestText(chinese.digest.digest, 'zh-CN')}\n控制台: https://console.example.org/#/digests/2027-W02\n`);
  });

  it('without a console URL the text is the digest alone, with no link line', async () => {
    const { deps } = setup({ consoleUrl: undefined });
    const published = await runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT });
    expect(published.digest.text).toBe(renderDigestText(published.digest.digest, 'en'));
  });

  it('lists every still-open missed-dose alert when there are more than one page (500) of them', async () => {
    const { deps } = setup();
    await enrol(deps, numberedPatient(protocol, 1));
    for (let n = 1; n <= 501; n++) await deps.alerts.createIfAbsent(openAlert(n, new Date(Date.parse('2026-12-01T00:00:00.000Z') + n * 60_000).toISOString()));
    const { digest } = (await runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT })).digest;
    expect(digest.overall.missedDoseAlerts.stillOpen).toHaveLength(501);
    expect(digest.overall.missedDoseAlerts.stillOpen.at(-1)).toMatchObject({ id: 'A501', studyId: 'IGG4-0001' });
  });

  it('counts the side effects of a reviewed report with the grades the coordinator confirmed, not the interpreted ones', async () => {
    const { deps } = setup();
    await enrol(deps, numberedPatient(protocol, 1));
    const createdAt = '2027-01-12T03:00:00.000Z';
    const report: Report = {
      id: 'R1',
      patientId: 'pat-0001',
      studyId: 'IGG4-0001',
      inboundMessageId: 'in-R1',
      receivedAt: createdAt,
      createdAt,
      updatedAt: createdAt,
      text: 'free text',
      interpretation: { intent: 'side_effect', items: [{ term: 'Fever', grade: 2 }], redFlag: false, relapseSignal: false },
      source: 'sms',
      status: 'open',
      version: 1,
    };
    await deps.reports.createIfAbsent(report);
    await deps.reports.review('R1', { outcome: 'adverse_event_recorded', note: 'seen', confirmedItems: [{ term: 'Fever', grade: 3 }], reviewedBy: 'coordinator:li', reviewedAt: '2027-01-13T02:00:00.000Z' }, '2027-01-13T02:00:00.000Z');
    const { digest } = (await runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT })).digest;
    expect(digest.overall.sideEffects).toEqual([{ term: 'Fever', grade: 3, reports: 1, patients: 1 }]);
    expect(digest.overall.newGrade3Plus.map((s) => [s.studyId, s.term, s.grade, s.reviewed])).toEqual([['IGG4-0001', 'Fever', 3, true]]);
  });
});

describe('relapse overrules in the weekly digest (from the week audit entries)', () => {
  const overrule = (patientId: string, at: string, visitKey: string, date: string, relapse: boolean) => ({
    at,
    actor: 'coordinator:li',
    action: 'visit.record',
    entityType: 'patient',
    entityId: patientId,
    before: null,
    after: { visitKey, date, criterionMet: true, criterion: 'criterion met: RI +4 since month 1 visit (3 → 7)', relapse, overruleReason: relapse ? null : 'a chalazion, not dacryoadenitis' },
  });

  it('lists the overrule of every patient and visit recorded that week', async () => {
    const { deps, repos } = setup();
    await enrol(deps, numberedPatient(protocol, 1), numberedPatient(protocol, 2));
    await repos.audit.append(overrule('pat-0001', '2027-01-12T02:00:00.000Z', 'm3', '2027-01-12', false));
    await repos.audit.append(overrule('pat-0002', '2027-01-13T02:00:00.000Z', 'm3', '2027-01-13', false));
    await repos.audit.append(overrule('pat-0002', '2027-01-14T02:00:00.000Z', 'm6', '2027-01-14', false));
    const { digest } = (await runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT })).digest;
    expect(digest.overall.relapseOverrules.map((o) => `${o.studyId} ${o.visit} ${o.date} ${o.criterionMet} ${o.decision} ${o.reason}`)).toEqual([
      'IGG4-0001 month 3 visit 2027-01-12 true false a chalazion, not dacryoadenitis',
      'IGG4-0002 month 3 visit 2027-01-13 true false a chalazion, not dacryoadenitis',
      'IGG4-0002 month 6 visit 2027-01-14 true false a chalazion, not dacryoadenitis',
    ]);
  });

  it('a later appointment entry of the same visit does not hide the overrule; only a record or correction replaces it', async () => {
    const { deps, repos } = setup();
    await enrol(deps, numberedPatient(protocol, 1));
    await repos.audit.append(overrule('pat-0001', '2027-01-12T02:00:00.000Z', 'm3', '2027-01-12', false));
    await repos.audit.append({ at: '2027-01-13T02:00:00.000Z', actor: 'coordinator:li', action: 'visit.appointment', entityType: 'patient', entityId: 'pat-0001', before: { visitKey: 'm3', appointment: '2027-01-11' }, after: { visitKey: 'm3', appointment: '2027-01-12' } });
    const { digest } = (await runWeeklyDigest(deps, { week: WEEK, now: GENERATED_AT })).digest;
    expect(digest.overall.relapseOverrules.map((o) => `${o.studyId} ${o.visit} ${o.decision}`)).toEqual(['IGG4-0001 month 3 visit false']);
  });

  it('the latest entry of a visit counts whatever order the audit index returns the week in: a correction that agrees clears the overrule', async () => {
    const { deps, repos } = setup();
    await enrol(deps, numberedPatient(protocol, 1));
    await repos.audit.append(overrule('pat-0001', '2027-01-12T02:00:00.000Z', 'm3', '2027-01-12', false));
    await repos.audit.append({ ...overrule('pat-0001', '2027-01-13T02:00:00.000Z', 'm3', '2027-01-12', true), action: 'visit.correct' });
    // The port promises entries in [from, to), not their order: newest first here.
    const audit = Object.assign(Object.create(repos.audit) as typeof repos.audit, {
      listBetween: async (from: string, to: string): Promise<AuditEntry[]> => (await repos.audit.listBetween(from, to)).reverse(),
    });
    const { digest } = (await runWeeklyDigest({ ...deps, audit }, { week: WEEK, now: GENERATED_AT })).digest;
    expect(digest.overall.relapseOverrules).toEqual([]);
  });
});
