import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from '#domain/zod.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { createLogger, createMetrics, MetricUnit, safeError } from '#adapters/observability.ts';
import { DEFAULT_PLAN_DAYS, planAll, planPatient, type PlanAllDeps, type PlanAllResult } from '#app/plan-schedule.ts';
import { parseEnv, planScheduleEnvSchema } from '#config/env.ts';
import { bundledProtocol } from '#config/protocol.ts';
import { systemClock, type Clock } from '#ports/clock.ts';

/** `{}` (the daily schedule, or a scheduled-event envelope) plans every active patient; `{ patientId }` plans one. */
const planEventSchema = z.nullish(z.looseObject({ patientId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))) }));

export type PlanHandlerResult = Omit<PlanAllResult, 'failedStudyIds'> & { failed: number; cancelledFuture?: number };

const logger = createLogger('plan-schedule');
const metrics = createMetrics('plan-schedule');

export function createPlanHandler(deps: PlanAllDeps & { clock: Clock; days?: number }) {
  const days = deps.days ?? DEFAULT_PLAN_DAYS;
  return middy<unknown, PlanHandlerResult, Error, Context>().handler(async (event): Promise<PlanHandlerResult> => {
    const parsed = planEventSchema.safeParse(event);
    if (!parsed.success) throw new Error(`plan-schedule: invalid event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const now = deps.clock.now();
    const patientId = parsed.data?.patientId;
    if (patientId) {
      const patient = await deps.patients.get(patientId);
      if (!patient) throw new Error(`plan-schedule: no patient with id ${patientId}`);
      const result = await planPatient(deps, patient, now, days);
      logger.info('planned one patient', { studyId: patient.studyId, ...result });
      return { patients: 1, completed: 0, created: result.created, unchanged: result.unchanged, cancelled: result.cancelled, cancelledFuture: result.cancelledFuture, failed: 0 };
    }
    const result = await planAll(deps, now, days, { onError: (studyId, error) => logger.error('planning failed', { studyId, error: safeError(error) }) });
    const { failedStudyIds, ...counts } = result;
    logger.info('planned active patients', { ...counts, failed: failedStudyIds.length });
    metrics.addMetric('PlannedPatients', MetricUnit.Count, result.patients);
    metrics.addMetric('PatientsCompleted', MetricUnit.Count, result.completed);
    metrics.addMetric('RemindersCreated', MetricUnit.Count, result.created);
    metrics.addMetric('RemindersCancelled', MetricUnit.Count, result.cancelled);
    metrics.addMetric('PlanFailures', MetricUnit.Count, failedStudyIds.length);
    metrics.publishStoredMetrics();
    // Others were planned; failing the invocation makes the schedule retry (idempotent) and the alarm fire.
    if (failedStudyIds.length > 0) throw new Error(`plan-schedule: planning failed for ${failedStudyIds.join(', ')}`);
    return { ...counts, failed: 0 };
  });
}

const env = parseEnv(planScheduleEnvSchema);
const protocol = bundledProtocol();
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

export const handler = createPlanHandler({
  patients: new DynamoPatientRepository(doc, env.TABLE_NAME),
  reminders: new DynamoReminderRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
  audit: new DynamoAuditLog(doc, env.TABLE_NAME),
  protocol,
  clock: systemClock,
  days: env.PLAN_DAYS,
});
