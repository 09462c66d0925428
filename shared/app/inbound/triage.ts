import type { Patient } from '#domain/patient.ts';
import { prednisoneDoseMg } from '#domain/protocol.ts';
import { studyDayOf, utcToLocal } from '#domain/schedule.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import type { Report } from '#ports/reports.ts';
import { raiseAlert } from '../alerts.ts';
import { alerting, appendAuditOnce, PATIENT_ACTOR, type InboundSmsDeps, type Run } from './run.ts';

/** Triage: every text worth a look becomes a report for review; red flags and relapse signs raise alerts. */

/**
 * Urgent alert: study ID, CTCAE terms and grades, why, and the report id — never the text or the
 * phone. A text processed late (its first attempts failed) is still pushed, saying how late.
 */
export async function raiseRedFlag(run: Run, patient: Patient | null, interpretation: Interpretation, reportId: string): Promise<void> {
  const who = patient?.studyId ?? 'unknown number';
  const late = run.result.lateMinutes;
  const terms = interpretation.items.map((i) => (i.grade === null ? i.term : `${i.term} (grade ${i.grade})`)).join(', ') || 'red flag';
  const { alert } = await raiseAlert(alerting(run.deps), {
    kind: 'red_flag',
    urgent: true,
    episodeKey: `red_flag:${run.message.inboundMessageId}`,
    patientId: patient?.id ?? null,
    studyId: patient?.studyId ?? null,
    title: `Red flag from ${who}: ${terms}${late !== undefined ? ` (texted ${late} min ago; processing was delayed)` : ''}`,
    details: {
      studyId: patient?.studyId ?? null,
      items: interpretation.items,
      reasons: interpretation.redFlagReasons ?? [],
      relapseSignal: interpretation.relapseSignal,
      ...(interpretation.temperatureC !== undefined ? { temperatureC: interpretation.temperatureC } : {}),
      reportId,
      receivedAt: run.message.receivedAt,
      ...(late !== undefined ? { lateMinutes: late } : {}),
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
    title: `Possible relapse sign reported by ${patient.studyId}: ${(interpretation.relapseSignals ?? []).join(', ') || 'signs not named (see the report)'}`,
    details: { studyId: patient.studyId, signals: interpretation.relapseSignals ?? [], items: interpretation.items, reportId },
    sourceId: reportId,
    now: run.now,
    actor: PATIENT_ACTOR,
  });
  run.result.alertIds.push(alert.id);
}

export async function fileReport(
  run: Run,
  input: { id: string; patient: Patient | null; interpretation: Interpretation; source: Report['source']; answersCheckInId?: string; retainUntil?: string },
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
    ...(input.retainUntil ? { retainUntil: input.retainUntil } : {}),
    source: input.source,
    status: 'open',
    version: 1,
  };
  const stored = await createReportAudited(run.deps, report, PATIENT_ACTOR);
  if (!run.result.reportIds.includes(stored.id)) run.result.reportIds.push(stored.id);
  return stored;
}

export async function createReportAudited(deps: Pick<InboundSmsDeps, 'reports' | 'audit'>, report: Report, actor: string): Promise<Report> {
  const { report: stored, created } = await deps.reports.createIfAbsent(report);
  // Created by this call: its chain is empty, the head is not read (a retry, created: false, reads it).
  // The creation is the report's first entry: found from the chain's start on a retry, no receipt.
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
  }, { newEntity: created, fromStart: true });
  return stored;
}

/**
 * A supply problem (ran out, no refill, no appointment to get one, the pharmacy had none): a
 * routine `supply` item — unless it concerns a drug the protocol lists in
 * `alerts.supply.urgentDuringTaper` (prednisone) on a day the patient's taper is active, when it is
 * an abrupt steroid withdrawal: `steroid_withdrawal`, urgent by default. A supply problem that names
 * no drug during the taper counts as one with prednisone (the patient takes it every day then; a
 * call too many costs less than a missed adrenal crisis).
 */
export async function raiseSupply(run: Run, patient: Patient, interpretation: Interpretation, reportId: string): Promise<void> {
  const { protocol } = run.deps;
  const named = interpretation.supplyDrugs ?? [];
  const localDate = utcToLocal(run.now, patient.timeZone).localDate;
  const taperActive = prednisoneDoseMg(protocol, patient.parameters.prednisoneStartMg, studyDayOf(patient.enrolledOn, localDate)) > 0;
  const taperDrugs = protocol.alerts.supply.urgentDuringTaper as readonly string[];
  const withdrawal = taperActive && (named.length === 0 ? taperDrugs.length > 0 : named.some((d) => taperDrugs.includes(d)));
  const drugs = named.map((d) => protocol.drugs[d as keyof typeof protocol.drugs]?.name.en ?? d).join(', ') || 'medicine not named';
  const { alert } = await raiseAlert(alerting(run.deps), {
    kind: withdrawal ? 'steroid_withdrawal' : 'supply',
    urgent: withdrawal,
    episodeKey: `supply:${run.message.inboundMessageId}`,
    patientId: patient.id,
    studyId: patient.studyId,
    title: withdrawal ? `${patient.studyId}: reports a supply problem during the taper (${drugs})` : `${patient.studyId}: reports a medicine supply problem (${drugs})`,
    details: { studyId: patient.studyId, cause: 'supply', drugs: named, taperActive, reportId },
    sourceId: reportId,
    now: run.now,
    actor: PATIENT_ACTOR,
  });
  run.result.alertIds.push(alert.id);
}
