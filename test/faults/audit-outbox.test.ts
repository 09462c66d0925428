import { describe, expect, it } from 'vitest';
import { acknowledgeAlert } from '#app/acknowledge-alert.ts';
import { raiseAlert, type RaiseAlertInput } from '#app/alerts.ts';
import { visitCarrier, patientCarrier, reportCarrier, alertCarrier } from '#app/audit/audited-write.ts';
import { StateConflictError, type CoordinatorDeps } from '#app/coordinator/deps.ts';
import { changePatientStatus, enrollPatient, updatePatient, type EnrollInput } from '#app/coordinator/patients.ts';
import { randomizePatient } from '#app/coordinator/randomize.ts';
import { reviewReport } from '#app/coordinator/review-report.ts';
import { recordVisit, type VisitInput } from '#app/coordinator/visits.ts';
import { recordDoseAnswer } from '#app/inbound/dose-answers.ts';
import type { Run } from '#app/inbound/run.ts';
import { completeIfStudyEnded, planPatient } from '#app/plan-schedule.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { addDays } from '#domain/schedule.ts';
import type { AuditCarrier } from '#ports/audit.ts';
import { ConflictError } from '#ports/patients.ts';
import type { Report } from '#ports/reports.ts';
import { chainBreak, coordinatorDeps, Crash, crashingClient, pendingCarriers, silentPublisher, writesOf } from '../support/audit-faults.ts';
import { useLocalDynamo } from '../support/dynamo.ts';

/**
 * Fault tests of the audit outbox: every audited use case is run once to count its steps (one
 * DynamoDB request each), then once per gap — the process dies after step k (k = 0 … all) — and
 * then either the client retries the same request or nobody does and the sweep runs. Afterwards
 * each write has exactly one entry and each entry its write (a record at version v has entries
 * for versions 1 … v, each once), nothing is left pending, every chain verifies, and a retry that
 * is refused (409) has still appended the entry of the attempt that crashed.
 */
const local = useLocalDynamo();
const protocol = loadProtocolFile();
const NOW = '2027-01-04T02:00:00.000Z';
const ACTOR = 'coordinator:li';

interface Ctx {
  checkIn?: { id: string; dueAt: string };
  patientId?: string;
  reportId?: string;
  alertId?: string;
}

interface Scenario {
  name: string;
  setup(deps: CoordinatorDeps): Promise<Ctx>;
  run(deps: CoordinatorDeps, ctx: Ctx): Promise<unknown>;
  /** Errors a retry may answer with (a 409) once the first attempt's write stands. */
  refusal?: (error: unknown) => boolean;
  /** The records whose entries are checked: each version of each has exactly one entry. */
  carriers(deps: CoordinatorDeps, ctx: Ctx): Promise<{ carrier: AuditCarrier; entity: [string, string]; expected: string[] }[]>;
}

const enrollInput = (overrides: Partial<EnrollInput> = {}): EnrollInput => ({ studyId: 'IGG4-101', phone: '+15555550111', enrolledOn: '2027-01-04', ...overrides });

async function enrolled(deps: CoordinatorDeps, overrides: Partial<EnrollInput> = {}): Promise<Ctx> {
  const { patient } = await enrollPatient(deps, enrollInput(overrides), ACTOR, '2027-01-04T01:00:00.000Z');
  return { patientId: patient.id };
}

/** A patient record's write entries: one per version, in order, with the action that made it. */
async function patientWrites(deps: CoordinatorDeps, patientId: string, actions: string[]) {
  const patient = await deps.patients.get(patientId);
  if (!patient) throw new Error('patient vanished');
  expect(actions.length, 'the record has one version per audited write').toBe(patient.version);
  return { carrier: patientCarrier(patientId), entity: ['patient', patientId] as [string, string], expected: actions.map((a, i) => `${a}@${i + 1}`) };
}

const isConflict = (e: unknown) => e instanceof StateConflictError || e instanceof ConflictError;

const openReport = (id: string, patientId: string): Report => ({
  id,
  patientId,
  studyId: 'IGG4-101',
  inboundMessageId: `in-${id}`,
  receivedAt: NOW,
  createdAt: NOW,
  updatedAt: NOW,
  text: 'rash on both arms',
  interpretation: { intent: 'symptom', items: [{ term: 'Rash maculo-papular', grade: 2 }], redFlag: false, relapseSignal: false },
  source: 'sms',
  status: 'open',
  version: 1,
});

const alertInput: RaiseAlertInput = {
  kind: 'red_flag',
  urgent: true,
  episodeKey: 'red_flag:in-77',
  patientId: null,
  studyId: 'IGG4-101',
  title: 'IGG4-101: red flag reply',
  details: { reportId: 'rep-1' },
  now: NOW,
  actor: 'system:inbound-sms',
};
const raiseDeps = (deps: CoordinatorDeps) => ({ alerts: deps.alerts, publisher: silentPublisher, audit: deps.audit, protocol });

const visit = (input: VisitInput) => (deps: CoordinatorDeps, ctx: Ctx) => recordVisit(deps, ctx.patientId!, input, ACTOR, NOW);
const completedM1: VisitInput = { kind: 'completed', visitKey: 'm1', date: '2027-02-03', worksheet: { sites: [{ site: 'pancreas', score: 1, urgent: false }], serumIgG4: 1 }, response: 'partial', relapse: { decision: false } };

const scenarios: Scenario[] = [
  {
    name: 'patient.enroll',
    setup: async () => ({}),
    run: (deps) => enrollPatient(deps, enrollInput(), ACTOR, NOW),
    refusal: (e) => e instanceof ConflictError,
    carriers: async (deps) => {
      const patient = await deps.patients.findByPhone('+15555550111');
      return patient ? [await patientWrites(deps, patient.id, ['patient.enroll'])] : [];
    },
  },
  {
    name: 'patient.update',
    setup: (deps) => enrolled(deps),
    run: (deps, ctx) => updatePatient(deps, ctx.patientId!, { timeZone: 'Europe/Berlin', reason: 'moved' }, ACTOR, NOW),
    carriers: async (deps, ctx) => {
      const p = await deps.patients.get(ctx.patientId!);
      return [await patientWrites(deps, ctx.patientId!, p!.version === 2 ? ['patient.enroll', 'patient.update'] : ['patient.enroll'])];
    },
  },
  ...(['pause', 'withdraw'] as const).map(
    (action): Scenario => ({
      name: `patient.${action}`,
      setup: (deps) => enrolled(deps),
      run: (deps, ctx) => changePatientStatus(deps, ctx.patientId!, { action, reason: 'hospital stay' }, ACTOR, NOW),
      refusal: isConflict,
      carriers: async (deps, ctx) => {
        const p = await deps.patients.get(ctx.patientId!);
        return [await patientWrites(deps, ctx.patientId!, p!.version === 2 ? ['patient.enroll', `patient.${action}`] : ['patient.enroll'])];
      },
    }),
  ),
  {
    name: 'patient.resume',
    setup: async (deps) => {
      const ctx = await enrolled(deps);
      await changePatientStatus(deps, ctx.patientId!, { action: 'pause', reason: 'hospital stay' }, ACTOR, '2027-01-04T01:30:00.000Z');
      return ctx;
    },
    run: (deps, ctx) => changePatientStatus(deps, ctx.patientId!, { action: 'resume', reason: 'home again' }, ACTOR, NOW),
    refusal: isConflict,
    carriers: async (deps, ctx) => {
      const p = await deps.patients.get(ctx.patientId!);
      return [await patientWrites(deps, ctx.patientId!, ['patient.enroll', 'patient.pause', ...(p!.version === 3 ? ['patient.resume'] : [])])];
    },
  },
  ...(['draw', 'external'] as const).map(
    (method): Scenario => ({
      name: `patient.randomize (${method})`,
      setup: (deps) => enrolled(deps, { enrolledOn: addDays('2027-01-04', -protocol.randomization.targetDay) }),
      run: (deps, ctx) => randomizePatient(deps, ctx.patientId!, method === 'draw' ? { method } : { method, arm: 'LEF', reason: 'allocated by the central IWRS' }, ACTOR, NOW),
      refusal: isConflict,
      carriers: async (deps, ctx) => {
        const p = await deps.patients.get(ctx.patientId!);
        return [await patientWrites(deps, ctx.patientId!, p!.arm ? ['patient.enroll', 'patient.randomize'] : ['patient.enroll'])];
      },
    }),
  ),
  {
    name: 'patient.complete (plan-schedule, past the end of study)',
    setup: (deps) => enrolled(deps, { enrolledOn: addDays('2027-01-04', -(protocol.endOfStudyDay + 10)) }),
    run: async (deps, ctx) => completeIfStudyEnded(deps, (await deps.patients.get(ctx.patientId!))!, NOW),
    carriers: async (deps, ctx) => {
      const p = await deps.patients.get(ctx.patientId!);
      return [await patientWrites(deps, ctx.patientId!, p!.status === 'completed' ? ['patient.enroll', 'patient.complete'] : ['patient.enroll'])];
    },
  },
  {
    name: 'checkin.answer (a dose answer recorded on its check-in)',
    setup: async (deps) => {
      const ctx = await enrolled(deps);
      const patient = (await deps.patients.get(ctx.patientId!))!;
      await planPatient({ reminders: deps.reminders, protocol }, patient, '2027-01-04T01:00:00.000Z');
      const dose = (await deps.reminders.listForPatient(patient.id, '2027-01-04T00:00:00.000Z', '2027-01-05T00:00:00.000Z')).find((r) => r.kind === 'dose');
      if (!dose) throw new Error('no dose check-in planned');
      await deps.reminders.claim(dose, 'test-owner', dose.dueAt, 120);
      await deps.reminders.markSent(dose, 'test-owner', { messageId: 'sns-1', parts: 1, sentAt: dose.dueAt });
      return { ...ctx, checkIn: { id: dose.id, dueAt: dose.dueAt } };
    },
    run: async (deps, ctx) => {
      const checkIn = (await deps.reminders.get(ctx.patientId!, ctx.checkIn!.id, ctx.checkIn!.dueAt))!;
      const receivedAt = new Date(Date.parse(checkIn.dueAt) + 10 * 60_000).toISOString();
      const run = {
        deps: { ...deps, publisher: silentPublisher },
        message: { inboundMessageId: 'in-answer-1', receivedAt },
        now: receivedAt,
      } as unknown as Run;
      await recordDoseAnswer(run, checkIn, { doseAnswer: 'taken' } as unknown as Interpretation);
    },
    carriers: async (deps, ctx) => {
      const checkIn = (await deps.reminders.get(ctx.patientId!, ctx.checkIn!.id, ctx.checkIn!.dueAt))!;
      return [
        {
          carrier: { kind: 'reminder', id: `${ctx.patientId}/${ctx.checkIn!.dueAt}/${ctx.checkIn!.id}` },
          entity: ['reminder', ctx.checkIn!.id],
          expected: checkIn.outcome === 'taken' ? ['checkin.answer@0'] : [],
        },
      ];
    },
  },
  {
    name: 'visit.appointment',
    setup: (deps) => enrolled(deps),
    run: visit({ kind: 'appointment', visitKey: 'm1', date: '2027-02-05', reason: 'patient asked' }),
    carriers: async (deps, ctx) => {
      const p = await deps.patients.get(ctx.patientId!);
      return [await patientWrites(deps, ctx.patientId!, p!.version === 2 ? ['patient.enroll', 'visit.appointment'] : ['patient.enroll'])];
    },
  },
  {
    name: 'visit.add_unscheduled',
    setup: (deps) => enrolled(deps),
    run: visit({ kind: 'unscheduled', date: '2027-01-20', reason: 'possible relapse' }),
    carriers: async (deps, ctx) => {
      const p = await deps.patients.get(ctx.patientId!);
      // A retry of "add an unscheduled visit" adds a second one: two writes, two entries.
      return [await patientWrites(deps, ctx.patientId!, ['patient.enroll', ...Array.from({ length: p!.version - 1 }, () => 'visit.add_unscheduled')])];
    },
  },
  {
    name: 'visit.record (completed visit: visit record + appointment)',
    setup: (deps) => enrolled(deps),
    run: visit(completedM1),
    carriers: async (deps, ctx) => {
      const p = await deps.patients.get(ctx.patientId!);
      const v = await deps.visits.get(ctx.patientId!, 'm1');
      return [
        await patientWrites(deps, ctx.patientId!, p!.version === 2 ? ['patient.enroll', 'visit.appointment'] : ['patient.enroll']),
        { carrier: visitCarrier(ctx.patientId!, 'm1'), entity: ['patient', ctx.patientId!], expected: v ? ['visit.record@1'] : [] },
      ];
    },
  },
  {
    name: 'visit.correct',
    setup: async (deps) => {
      const ctx = await enrolled(deps);
      await recordVisit(deps, ctx.patientId!, completedM1, ACTOR, '2027-01-04T01:30:00.000Z');
      return ctx;
    },
    run: visit({ ...completedM1, worksheet: { sites: [{ site: 'pancreas', score: 2, urgent: false }], serumIgG4: 3 }, note: 'RI re-scored' } as VisitInput),
    carriers: async (deps, ctx) => {
      const v = await deps.visits.get(ctx.patientId!, 'm1');
      return [
        await patientWrites(deps, ctx.patientId!, ['patient.enroll', 'visit.appointment']),
        { carrier: visitCarrier(ctx.patientId!, 'm1'), entity: ['patient', ctx.patientId!], expected: v!.version === 2 ? ['visit.record@1', 'visit.correct@2'] : ['visit.record@1'] },
      ];
    },
  },
  {
    name: 'report.review',
    setup: async (deps) => {
      const ctx = await enrolled(deps);
      await deps.reports.createIfAbsent(openReport('rep-1', ctx.patientId!));
      return { ...ctx, reportId: 'rep-1' };
    },
    run: (deps, ctx) => reviewReport(deps, ctx.reportId!, { outcome: 'adverse_event_recorded', note: 'AE form filed', confirmedItems: [{ term: 'Rash maculo-papular', grade: 2 }] }, ACTOR, NOW),
    refusal: isConflict,
    carriers: async (deps, ctx) => {
      const r = await deps.reports.get(ctx.reportId!);
      return [{ carrier: reportCarrier(ctx.reportId!), entity: ['report', ctx.reportId!], expected: r!.status === 'reviewed' ? ['report.review@2'] : [] }];
    },
  },
  {
    name: 'alert.raise (+ alert.notify)',
    setup: async () => ({}),
    run: (deps) => raiseAlert(raiseDeps(deps), alertInput),
    carriers: async (deps) => {
      const [ref] = (await deps.alerts.listByStatus('open')).items;
      if (!ref) return [];
      return [{ carrier: alertCarrier(ref.id), entity: ['alert', ref.id], expected: ['alert.raise@1', ...(ref.notifiedAt ? ['alert.notify@1'] : [])] }];
    },
  },
  {
    name: 'alert.acknowledge',
    setup: async (deps) => {
      const { alert } = await raiseAlert(raiseDeps(deps), { ...alertInput, now: '2027-01-04T01:00:00.000Z' });
      return { alertId: alert.id };
    },
    run: async (deps, ctx) => {
      const result = await acknowledgeAlert(deps, ctx.alertId!, ACTOR, 'called the patient; ED visit advised', NOW);
      if (result === 'not_open') throw new StateConflictError('not open');
      return result;
    },
    refusal: isConflict,
    carriers: async (deps, ctx) => {
      const a = await deps.alerts.get(ctx.alertId!);
      return [
        { carrier: alertCarrier(ctx.alertId!), entity: ['alert', ctx.alertId!], expected: ['alert.raise@1', 'alert.notify@1', ...(a!.status === 'acknowledged' ? ['alert.acknowledge@2'] : [])] },
      ];
    },
  },
];

async function checkInvariants(scenario: Scenario, deps: CoordinatorDeps, table: string, ctx: Ctx, label: string): Promise<void> {
  expect(await pendingCarriers(local.db.doc, table), `${label}: nothing left pending`).toEqual([]);
  for (const { carrier, entity, expected } of await scenario.carriers(deps, ctx)) {
    const entries = await deps.audit.listForEntity(entity[0], entity[1]);
    expect(writesOf(entries, carrier), `${label}: one entry per write of ${carrier.kind}:${carrier.id}`).toEqual(expected);
    expect(new Set(entries.map((e) => e.id)).size, `${label}: no entry twice`).toBe(entries.length);
    expect(await chainBreak(local.db.doc, table, entity[0], entity[1]), `${label}: the chain holds`).toBeNull();
  }
}

describe('audit outbox: a crash between any two steps of an audited use case loses no entry and duplicates none', () => {
  for (const scenario of scenarios) {
    it(scenario.name, { timeout: 240_000 }, async () => {
      const count = await local.freshTable();
      const counted = crashingClient(local.db.doc, null);
      const countedDeps = coordinatorDeps(counted.doc, count, protocol);
      const countCtx = await scenario.setup({ ...coordinatorDeps(local.db.doc, count, protocol), allocationListLength: 8 });
      await scenario.run({ ...countedDeps, allocationListLength: 8 }, countCtx);
      const steps = counted.steps;
      expect(steps).toBeGreaterThan(2);
      await checkInvariants(scenario, coordinatorDeps(local.db.doc, count, protocol), count, countCtx, 'no crash');

      for (let k = 0; k <= steps; k++) {
        for (const recovery of ['retry', 'sweep'] as const) {
          const table = await local.freshTable();
          const clean: CoordinatorDeps = { ...coordinatorDeps(local.db.doc, table, protocol), allocationListLength: 8 };
          const ctx = await scenario.setup(clean);
          const crashing = crashingClient(local.db.doc, k);
          const outcome = await scenario.run({ ...coordinatorDeps(crashing.doc, table, protocol), allocationListLength: 8 }, ctx).then(
            () => 'done',
            (error: unknown) => error,
          );
          // A use case whose later reads depend on time or on what is already stored may take fewer
          // steps than the counting run (checkin.answer re-evaluates the adherence rules): a run that
          // finished before step k is checked like any other; anything else than a crash or done fails.
          if (outcome !== 'done') expect(outcome, `crash after step ${k}`).toBeInstanceOf(Crash);
          else if (k < steps) expect(k, `${scenario.name}: finished before step ${k}`).toBeGreaterThan(1);
          const label = `${scenario.name}, crash after step ${k}/${steps}, then ${recovery}`;
          if (recovery === 'retry') {
            await scenario.run(clean, ctx).catch((error: unknown) => {
              if (!scenario.refusal?.(error)) throw error;
            });
          } else {
            await clean.audit.completeStale('9999-12-31T00:00:00.000Z');
          }
          await checkInvariants(scenario, clean, table, ctx, label);
          // The sweep after a complete recovery finds nothing more to do.
          expect(await clean.audit.completeStale('9999-12-31T00:00:00.000Z'), label).toBe(0);
        }
      }
    });
  }
});
