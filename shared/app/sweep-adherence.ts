import { resolveDoseStatus, type DoseOutcome } from '#domain/adherence.ts';
import { ADHERENCE_ALERT_KINDS, adherenceRulesOf, evaluateMissedDoseRules, type MissedDoseEpisode, type OpenMissedDoseEpisode } from '#domain/missed-dose-rules.ts';
import type { Patient } from '#domain/patient.ts';
import { prednisoneDoseMg, type Protocol } from '#domain/protocol.ts';
import { localDateTurnedWithinHour, studyDayOf } from '#domain/schedule.ts';
import { escalationDeadline } from '#domain/working-time.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { Alert, AlertRepository, UnresolvedAlertRef } from '#ports/alerts.ts';
import type { AuditTrail } from '#ports/audit.ts';
import type { PatientRepository } from '#ports/patients.ts';
import type { ReminderRepository, StoredReminder } from '#ports/schedule.ts';
import { raiseAlert } from './alerts.ts';

export const SWEEP_ACTOR = 'system:sweep-adherence';
/** Days of a patient's history the rules see: 14 local days plus slack for the time-zone offset. */
const HISTORY_DAYS = 16;

export interface SweepDeps {
  reminders: ReminderRepository;
  patients: PatientRepository;
  alerts: AlertRepository;
  publisher: AlertPublisher;
  audit: AuditTrail;
  protocol: Protocol;
}

export interface SweepResult {
  /** Check-ins whose window closed without an answer, now missed_no_reply. */
  markedMissed: number;
  /** Queue entries a reply had already answered (race with inbound-sms). */
  alreadyAnswered: number;
  patientsEvaluated: number;
  alertsRaised: number;
  alertsRevised: number;
  escalated: number;
  escalationsCancelled: number;
}

/**
 * The adherence sweep (every 15 minutes). Steps:
 * 1. read the answer queue up to now (dose check-ins whose window closed — never the table);
 * 2. each still-pending one becomes missed_no_reply (conditional write; audited);
 * 3. re-evaluate the adherence rules (reported misses, steroid withdrawal, silence) for the
 *    patients touched in 2 and, once a local day (the hour their day begins), for every patient
 *    with an unresolved adherence episode (its window may have slid past the misses; a late answer
 *    already re-evaluated its patient in inbound-sms): raise one alert per new episode (raiseAlert puts it in its lane),
 *    revise the alert of an episode that ended;
 * 4. re-send open urgent alerts whose acknowledgement time passed to the escalation topic.
 */
const SWEEP_EVERY_MINUTES = 15;

export async function sweepAdherence(deps: SweepDeps, now: string): Promise<SweepResult> {
  const result: SweepResult = { markedMissed: 0, alreadyAnswered: 0, patientsEvaluated: 0, alertsRaised: 0, alertsRevised: 0, escalated: 0, escalationsCancelled: 0 };

  const touched = new Set<string>();
  for (const item of await deps.reminders.listAwaitingUntil(now)) {
    const swept = await sweepCheckIn(deps, item, now);
    if (swept === 'missed') {
      result.markedMissed++;
      touched.add(item.patientId);
    } else if (swept === 'answered') result.alreadyAnswered++;
  }

  // The rules' inputs change only when an outcome changes (an answer re-evaluates its patient at once
  // in inbound-sms; a check-in closed above re-evaluates below) or when the patient's local date
  // turns (the rules count local calendar days, so that is when a window slides past old misses).
  // So a patient with unresolved episodes and nothing new is looked at once a local day: in the first
  // sweep of the hour in which their day begins (one patient read each, not their history).
  const dayTurned = new Map<string, Patient>();
  if (new Date(now).getUTCMinutes() < SWEEP_EVERY_MINUTES) {
    const waiting = new Set<string>();
    for (const kind of ADHERENCE_ALERT_KINDS) for (const ref of await deps.alerts.listUnresolved(kind)) if (!touched.has(ref.patientId)) waiting.add(ref.patientId);
    for (const patientId of waiting) {
      const patient = await deps.patients.get(patientId);
      if (patient && localDateTurnedWithinHour(now, patient.timeZone)) dayTurned.set(patientId, patient);
    }
  }
  for (const patientId of [...touched, ...dayTurned.keys()].sort()) {
    const evaluation = await evaluatePatientMissedDoses(deps, patientId, now, dayTurned.get(patientId));
    result.patientsEvaluated++;
    result.alertsRaised += evaluation.raised;
    result.alertsRevised += evaluation.revised;
  }

  const escalation = await escalateDueAlerts(deps, now);
  result.escalated = escalation.escalated;
  result.escalationsCancelled = escalation.cancelled;
  return result;
}

async function sweepCheckIn(deps: SweepDeps, item: StoredReminder, now: string): Promise<'missed' | 'answered' | 'skipped'> {
  const current = toDoseOutcome(item, null);
  if (!current) return 'skipped';
  const resolution = resolveDoseStatus(current, { kind: 'no_reply_sweep', at: now });
  if (!resolution.changed) {
    // Answered already, yet still queued: the conditional write below only takes it off the queue.
    if (resolution.reason !== 'already_answered') return 'skipped';
  }
  const written = await deps.reminders.recordSweepMissed(item, now);
  if (written !== 'missed') return written === 'answered' ? 'answered' : 'skipped';
  await deps.audit.append({
    at: now,
    actor: SWEEP_ACTOR,
    action: 'dose.missed_no_reply',
    entityType: 'reminder',
    entityId: item.id,
    before: { outcome: 'pending' },
    after: { outcome: 'missed_no_reply', answerWindowEnd: item.answerWindowEnd },
    reason: 'answer window closed without a reply',
  });
  return 'missed';
}

/** A stored dose check-in as the adherence domain sees it; null for anything that was never asked (not sent) or is not a dose. */
export function toDoseOutcome(item: StoredReminder, arm: Patient['arm']): DoseOutcome | null {
  if (item.kind !== 'dose' || item.state !== 'sent' || !item.outcome) return null;
  const drugs = (item.doses ?? []).map((d) => d.drug);
  if (drugs.length === 0) return null;
  return {
    checkInId: item.id,
    patientId: item.patientId,
    studyId: item.studyId,
    arm: item.phase === 'maintenance' ? arm : null,
    phase: item.phase,
    localDate: item.localDate,
    localTime: item.localTime,
    dueAt: item.dueAt,
    windowEnd: item.answerWindowEnd ?? item.dueAt,
    drugs,
    status: item.outcome,
    ...(item.missedDrugs && item.missedDrugs.length > 0 ? { missedDrugs: item.missedDrugs } : {}),
    ...(item.answeredAt ? { answeredAt: item.answeredAt } : {}),
  };
}

/**
 * Evaluates the missed-dose rules for one patient now: raises an alert per new episode and
 * revises the alerts of episodes that ended. Also callable by inbound-sms right after a late
 * answer, so the revision does not wait for the next sweep.
 */
export async function evaluatePatientMissedDoses(
  deps: SweepDeps,
  patientId: string,
  now: string,
  known?: Patient,
  options: { reviseOnly?: boolean; unresolved?: readonly UnresolvedAlertRef[] } = {},
): Promise<{ raised: number; revised: number }> {
  // The inbound flow passes the patient it read for this text; the sweep reads it.
  const patient = known?.id === patientId ? known : await deps.patients.get(patientId);
  if (!patient) return { raised: 0, revised: 0 };
  // `unresolved`: the open adherence alerts the inbound flow read with the reply's context (one
  // request with the conversation), moments before the answer was written. An episode the sweep
  // raised in between is left to the sweep's next evaluation of the patient, as below; raising is
  // idempotent by episode key, so a stale list never duplicates an alert.
  const refs = options.unresolved ? [...options.unresolved] : await deps.alerts.listUnresolvedForPatient(patientId, ADHERENCE_ALERT_KINDS);
  // `reviseOnly` (a "taken" answer): an answer that takes a miss away cannot start an episode, so
  // with none open there is nothing for it to change; an episode already due for other reasons (a
  // 14-day response window that slid) is the sweep's to raise at its next evaluation of the patient
  // (a window closing, the local day turning), as it was before this answer came. The history is
  // not read. (In the 18-month dry run: one low-response item fewer, 117 → 116, of 1,103.)
  if (options.reviseOnly && refs.length === 0) return { raised: 0, revised: 0 };
  const from = new Date(Date.parse(now) - HISTORY_DAYS * 86_400_000).toISOString();
  const outcomes = (await deps.reminders.listForPatient(patientId, from, now))
    .map((item) => toDoseOutcome(item, patient.arm))
    .filter((o): o is DoseOutcome => o !== null);

  const unresolved = await Promise.all(refs.map((ref) => deps.alerts.get(ref.alertId)));
  const episodes = unresolved.filter((a): a is Alert => a !== null && !a.resolvedReason);
  const openEpisodes: OpenMissedDoseEpisode[] = episodes.map((a) => ({
    rule: String(a.details.rule ?? ''),
    drug: typeof a.details.drug === 'string' ? a.details.drug : null,
    episodeKey: a.episodeKey,
  }));

  const evaluation = evaluateMissedDoseRules(outcomes, adherenceRulesOf(deps.protocol), {
    now,
    timeZone: patient.timeZone,
    taperActive: (localDate) => prednisoneDoseMg(deps.protocol, patient.parameters.prednisoneStartMg, studyDayOf(patient.enrolledOn, localDate)) > 0,
    openEpisodes,
  });

  // Every episode is raised (none held back): the protocol's lanes push the urgent ones and file
  // the routine ones in the patient's one worklist item.
  let raised = 0;
  for (const episode of evaluation.raise) {
    const { created } = await raiseAlert(deps, {
      kind: episode.kind,
      episodeKey: episode.episodeKey,
      patientId,
      studyId: episode.studyId,
      title: missedDoseTitle(deps.protocol, episode),
      details: missedDoseDetails(deps.protocol, episode),
      now,
      actor: SWEEP_ACTOR,
    });
    if (created) raised++;
  }

  let revised = 0;
  for (const key of evaluation.resolve) {
    const alert = episodes.find((a) => a.episodeKey === key);
    if (alert && (await resolveEpisodeAlert(deps, alert, outcomes, now))) revised++;
  }
  return { raised, revised };
}

/** Records that an episode ended: the alert is revised (not duplicated, not deleted) and no longer escalates. */
async function resolveEpisodeAlert(deps: SweepDeps, alert: Alert, outcomes: readonly DoseOutcome[], now: string): Promise<boolean> {
  const missedIds = Array.isArray(alert.details.missedDoses) ? (alert.details.missedDoses as { checkInId?: unknown }[]).map((d) => String(d.checkInId)) : [];
  const lateTaken = outcomes.filter((o) => missedIds.includes(o.checkInId) && o.status === 'taken');
  const resolution = lateTaken.length > 0 ? 'late_taken_reply' : 'condition_cleared';
  const note =
    resolution === 'late_taken_reply'
      ? `resolved: late "taken" reply for ${lateTaken.map((o) => `${o.localDate} ${o.localTime}`).join(', ')}`
      : 'resolved: a later dose was taken';
  const revised = await deps.alerts.revise(
    alert.id,
    {
      title: `${alert.title} (${note})`,
      details: { ...alert.details, resolution, resolvedAt: now, ...(lateTaken.length > 0 ? { lateTakenCheckInIds: lateTaken.map((o) => o.checkInId) } : {}) },
      resolvedReason: resolution,
    },
    now,
  );
  if (!revised) return false;
  await deps.audit.append({
    at: now,
    actor: SWEEP_ACTOR,
    action: 'alert.revise',
    entityType: 'alert',
    entityId: alert.id,
    before: { title: alert.title, resolvedReason: alert.resolvedReason ?? null },
    after: { title: revised.title, resolvedReason: revised.resolvedReason ?? null },
    reason: note,
  });
  if (revised.status === 'open' && revised.escalateAt && (await deps.alerts.cancelEscalation(alert.id, now))) {
    await deps.audit.append({ at: now, actor: SWEEP_ACTOR, action: 'alert.escalation_cancel', entityType: 'alert', entityId: alert.id, before: { escalateAt: revised.escalateAt }, after: { escalateAt: null }, reason: note });
  }
  return true;
}

/**
 * Open alerts past their acknowledgement time go to the escalation topic (the investigator), then
 * wait another acknowledgement period, up to MAX_ESCALATIONS. Published before it is recorded:
 * a crash in between re-sends (at least once) rather than losing an escalation.
 */
export async function escalateDueAlerts(deps: Pick<SweepDeps, 'alerts' | 'publisher' | 'audit' | 'protocol'>, now: string): Promise<{ escalated: number; cancelled: number }> {
  let escalated = 0;
  let cancelled = 0;
  for (const due of await deps.alerts.listDueEscalations(now)) {
    const alert = await deps.alerts.get(due.id);
    if (!alert || alert.status !== 'open') continue;
    // Only urgent alerts escalate (routine items are marked overdue in the daily summary); a
    // routine alert queued before the lanes existed just leaves the queue.
    if (alert.resolvedReason || !alert.urgent) {
      if (await deps.alerts.cancelEscalation(alert.id, now)) {
        cancelled++;
        await deps.audit.append({ at: now, actor: SWEEP_ACTOR, action: 'alert.escalation_cancel', entityType: 'alert', entityId: alert.id, before: { escalateAt: alert.escalateAt ?? null }, after: { escalateAt: null }, reason: alert.resolvedReason ?? 'routine lane: no escalation' });
      }
      continue;
    }
    await deps.publisher.publish(alert, 'escalation');
    const count = alert.escalationCount + 1;
    const next = count < deps.protocol.alerts.maxEscalations ? escalationDeadline(deps.protocol.alerts, now, deps.protocol.studyTimeZone) : null;
    if (!(await deps.alerts.markEscalated(alert.id, now, next))) continue;
    escalated++;
    await deps.audit.append({
      at: now,
      actor: SWEEP_ACTOR,
      action: 'alert.escalate',
      entityType: 'alert',
      entityId: alert.id,
      before: { escalationCount: alert.escalationCount, escalateAt: alert.escalateAt ?? null },
      after: { escalationCount: count, escalateAt: next, channel: 'escalation' },
      reason: 'not acknowledged in time',
    });
  }
  return { escalated, cancelled };
}

function drugName(protocol: Protocol, drug: string | null): string | null {
  if (drug === null) return null;
  return protocol.drugs[drug as keyof Protocol['drugs']]?.name.en ?? drug;
}

function dateRange(dates: readonly string[]): string {
  if (dates.length === 0) return '';
  return dates.length === 1 ? dates[0]! : `${dates[0]} to ${dates.at(-1)}`;
}

/** Console title (never in a notification): study ID, what happened, drug, dates. Never a phone number or a message body. */
export function missedDoseTitle(protocol: Protocol, episode: MissedDoseEpisode): string {
  const drug = drugName(protocol, episode.drug);
  const dates = dateRange(episode.missedLocalDates);
  const rules = protocol.missedDoseRules;
  switch (episode.rule) {
    case 'consecutive_same_drug':
      return `${episode.studyId}: ${episode.missedDoses.length} reported missed ${drug} doses in a row (${dates})`;
    case 'prednisone_during_taper':
      return `${episode.studyId}: reported missing ${drug} during the taper (${dates})`;
    case 'missed_in_days':
      return `${episode.studyId}: ${episode.missedDoses.length} reported missed doses in ${rules.missedInDays.days} days (${dates})`;
    case 'no_reply_days':
      return `${episode.studyId}: no reply for ${episode.missedLocalDates.length} days (${dates})`;
    case 'low_response': {
      const a = episode.adherence14d;
      return `${episode.studyId}: few check-ins answered in ${protocol.silenceRules.lowResponse.days} days (${episode.missedDoses.length} unanswered; 14-day: ${a.confirmed + a.reportedMissed}/${a.due - a.pending} answered)`;
    }
  }
}

export function missedDoseDetails(protocol: Protocol, episode: MissedDoseEpisode): Record<string, unknown> {
  const a = episode.adherence14d;
  return {
    rule: episode.rule,
    drug: episode.drug,
    drugName: drugName(protocol, episode.drug),
    kind: episode.kind,
    firstMissedLocalDate: episode.firstMissedLocalDate,
    missedLocalDates: episode.missedLocalDates,
    missedDoses: episode.missedDoses,
    adherence14d: { rate: a.rate, due: a.due, confirmed: a.confirmed, reportedMissed: a.reportedMissed, unanswered: a.unanswered, pending: a.pending },
    detectedAt: episode.detectedAt,
  };
}
