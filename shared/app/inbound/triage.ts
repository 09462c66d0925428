import type { Patient } from '#domain/patient.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import type { Report } from '#ports/reports.ts';
import { raiseAlert } from '../alerts.ts';
import { alerting, appendAuditOnce, PATIENT_ACTOR, type InboundSmsDeps, type Run } from './run.ts';

/** Triage: every text worth a look becomes a report for review; red flags and relapse signs raise alerts. */

/** Urgent alert: study ID, CTCAE terms and grades, why, and the report id — never the text or the phone. */
export async function raiseRedFlag(run: Run, patient: Patient | null, interpretation: Interpretation, reportId: string): Promise<void> {
  const who = patient?.studyId ?? 'unknown number';
  const terms = interpretation.items.map((i) => (i.grade === null ? i.term : `${i.term} (grade ${i.grade})`)).join(', ') || 'red flag';
  const { alert } = await raiseAlert(alerting(run.deps), {
    kind: 'red_flag',
    urgent: true,
    episodeKey: `red_flag:${run.message.inboundMessageId}`,
    patientId: patient?.id ?? null,
    studyId: patient?.studyId ?? null,
    title: `Red flag from ${who}: ${terms}`,
    details: {
      studyId: patient?.studyId ?? null,
      items: interpretation.items,
      reasons: interpretation.redFlagReasons ?? [],
      relapseSignal: interpretation.relapseSignal,
      ...(interpretation.temperatureC !== undefined ? { temperatureC: interpretation.temperatureC } : {}),
      reportId,
    },
    sourceId: reportId,
    now: run.now,
    actor: PATIENT_ACTOR,
  });
  run.result.alertIds.push(alert.id);
}

/** Possible relapse: a routine alert prompting an unscheduled visit (the physician decides). */
export async function raiseRelapseSignal(run: Run, patient: Patient, interpretation: Interpretation, reportId: string): Promise<void> {
  const { alert } = await raiseAlert(alerting(run.deps), {
    kind: 'relapse_signal',
    urgent: false,
    episodeKey: `relapse_signal:${run.message.inboundMessageId}`,
    patientId: patient.id,
    studyId: patient.studyId,
    title: `Possible relapse sign reported by ${patient.studyId}: ${(interpretation.relapseSignals ?? []).join(', ')}`,
    details: { studyId: patient.studyId, signals: interpretation.relapseSignals ?? [], items: interpretation.items, reportId },
    sourceId: reportId,
    now: run.now,
    actor: PATIENT_ACTOR,
  });
  run.result.alertIds.push(alert.id);
}

export async function fileReport(
  run: Run,
  input: { id: string; patient: Patient | null; interpretation: Interpretation; source: Report['source']; answersCheckInId?: string },
): Promise<Report> {
  const { message } = run;
  const report: Report = {
    id: input.id,
    patientId: input.patient?.id ?? null,
    studyId: input.patient?.studyId ?? null,
    inboundMessageId: message.inboundMessageId,
    receivedAt: message.receivedAt,
    createdAt: run.now,
    updatedAt: run.now,
    text: message.body,
    interpretation: input.interpretation as unknown as Report['interpretation'],
    ...(input.answersCheckInId ? { answersCheckInId: input.answersCheckInId } : {}),
    source: input.source,
    status: 'open',
    version: 1,
  };
  const stored = await createReportAudited(run.deps, report, PATIENT_ACTOR);
  if (!run.result.reportIds.includes(stored.id)) run.result.reportIds.push(stored.id);
  return stored;
}

export async function createReportAudited(deps: Pick<InboundSmsDeps, 'reports' | 'audit'>, report: Report, actor: string): Promise<Report> {
  const { report: stored } = await deps.reports.createIfAbsent(report);
  await appendAuditOnce(deps.audit, {
    id: `report.create:${stored.id}`,
    at: stored.createdAt,
    actor,
    action: 'report.create',
    entityType: 'report',
    entityId: stored.id,
    before: null,
    after: {
      source: stored.source,
      intent: stored.interpretation.intent,
      items: stored.interpretation.items,
      redFlag: stored.interpretation.redFlag,
      relapseSignal: stored.interpretation.relapseSignal,
      answersCheckInId: stored.answersCheckInId ?? null,
    },
  });
  return stored;
}
