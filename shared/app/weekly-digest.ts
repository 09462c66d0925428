import { buildWeeklyDigest, ISO_WEEK_PATTERN, renderDigestText, type DigestInput, type DigestLanguage } from '#domain/digest.ts';
import type { Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import { addDays, visitDates } from '#domain/schedule.ts';
import { isoWeekBounds } from '#domain/week.ts';
import { formatIsoWeek, isoWeekOfEpochDay, zonedOfInstant } from '#domain/zoned-time.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { Alert, AlertRepository } from '#ports/alerts.ts';
import type { AuditTrail } from '#ports/audit.ts';
import type { DigestRepository, StoredDigest } from '#ports/digests.ts';
import type { MessageLog } from '#ports/messages.ts';
import type { Page, PatientRepository } from '#ports/patients.ts';
import type { Report, ReportRepository } from '#ports/reports.ts';
import type { ReminderRepository } from '#ports/schedule.ts';
import type { VisitRepository } from '#ports/visits.ts';
import { toDoseOutcome } from './sweep-adherence.ts';

export const DIGEST_ACTOR = 'system:weekly-digest';
/** A run that crashed while publishing lets another run take over after this long. */
const PUBLISH_LEASE_SECONDS = 120;
/** Stands in for the study ID of items from unknown senders (the digest lists study IDs only). */
const NO_STUDY_ID = 'NO-STUDY-ID';

export interface WeeklyDigestDeps {
  patients: PatientRepository;
  reminders: ReminderRepository;
  reports: ReportRepository;
  alerts: AlertRepository;
  messages: MessageLog;
  visits: VisitRepository;
  digests: DigestRepository;
  publisher: AlertPublisher;
  audit: AuditTrail;
  protocol: Protocol;
  smsCostPerPartUsd: number;
  language: DigestLanguage;
  /** The coordinator console; the published text ends with a link to the stored digest. */
  consoleUrl?: string;
}

export interface WeeklyDigestResult {
  week: string;
  /** published: this run published it; already_published: an earlier run did; in_progress: another run holds the publication lease. */
  status: 'published' | 'already_published' | 'in_progress';
  /** false when an earlier run had stored it (a retry publishes the stored text, it does not rebuild). */
  built: boolean;
  digest: StoredDigest;
}

/** The ISO week before the one that contains `now`, in the study time zone (Monday 08:00 → last week). */
export function previousIsoWeek(now: string, timeZone: string): string {
  const today = zonedOfInstant(now, timeZone).epochDay;
  return formatIsoWeek(isoWeekOfEpochDay(today - 7));
}

/**
 * The weekly safety digest. Steps: the stored digest of that week, if any, wins (idempotent per
 * week: a retry or a second run never rebuilds nor publishes twice) → else gather that week's
 * items through the week index plus the open lists and the patient list (no Scan) → build (pure)
 * → store with publishedAt absent → claim the publication (short lease: two concurrent runs, one
 * publishes) → publish the text to the coordinator topic → mark published. Every step audited.
 */
export async function runWeeklyDigest(deps: WeeklyDigestDeps, input: { week: string; now: string }): Promise<WeeklyDigestResult> {
  if (!ISO_WEEK_PATTERN.test(input.week)) throw new RangeError(`week must be an ISO week such as 2027-W02, got "${input.week}"`);
  const { now, week } = input;

  let stored = await deps.digests.get(week);
  let built = false;
  if (!stored) {
    const digestInput = await gatherDigestInput(deps, week, now);
    const digest = buildWeeklyDigest(digestInput);
    const link = deps.consoleUrl ? `\n${deps.language === 'zh-CN' ? '控制台' : 'Console'}: ${deps.consoleUrl.replace(/#.*$/, '')}#/digests/${week}\n` : '';
    const candidate: StoredDigest = {
      week,
      language: deps.language,
      subject: `IgG4-RD trial weekly safety digest ${week}`,
      text: renderDigestText(digest, deps.language) + link,
      digest,
      createdAt: now,
    };
    const created = await deps.digests.createIfAbsent(candidate);
    stored = created.digest;
    built = created.created;
    if (created.created) {
      await deps.audit.append({
        at: now,
        actor: DIGEST_ACTOR,
        action: 'digest.create',
        entityType: 'digest',
        entityId: week,
        before: null,
        after: { week, patients: digest.overall.patients.enrolled, fromUtc: digest.fromUtc, toUtc: digest.toUtc },
      });
    }
  }
  if (stored.publishedAt) return { week, status: 'already_published', built, digest: stored };

  const leaseUntil = new Date(Date.parse(now) + PUBLISH_LEASE_SECONDS * 1000).toISOString();
  if (!(await deps.digests.claimPublication(week, now, leaseUntil))) {
    const latest = (await deps.digests.get(week)) ?? stored;
    return { week, status: latest.publishedAt ? 'already_published' : 'in_progress', built, digest: latest };
  }
  await deps.publisher.publishText(stored.subject, stored.text, 'coordinators');
  await deps.digests.markPublished(week, now);
  await deps.audit.append({ at: now, actor: DIGEST_ACTOR, action: 'digest.publish', entityType: 'digest', entityId: week, before: { publishedAt: null }, after: { publishedAt: now, channel: 'coordinators' } });
  return { week, status: 'published', built, digest: { ...stored, publishedAt: now } };
}

async function allPages<T>(fetch: (cursor?: string) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

function byId<T extends { id: string }>(...lists: T[][]): T[] {
  return [...new Map(lists.flat().map((x) => [x.id, x])).values()];
}

/**
 * Reads what the digest needs, and nothing else: that week's reminders, reports, alerts and
 * messages (gsi3 WEEK#<week>), the open alerts and reports (status index), the week's audit
 * entries for acknowledgements of older alerts, the patient list (status index) and the visit
 * records of the few visits due or closing around that week.
 */
export async function gatherDigestInput(deps: WeeklyDigestDeps, week: string, now: string): Promise<DigestInput> {
  const timeZone = deps.protocol.studyTimeZone;
  const bounds = isoWeekBounds(week, timeZone);
  const [patients, weekReminders, weekReports, openReports, weekAlerts, openItems, groupedAlerts, messages, audit] = await Promise.all([
    deps.patients.listAll(),
    deps.reminders.listWeek(week),
    deps.reports.listWeek(week),
    allPages((c) => deps.reports.listByStatus('open', c, 500)),
    deps.alerts.listWeek(week),
    allPages((c) => deps.alerts.listByStatus('open', c, 500)),
    // Episodes grouped under an open worklist item are still open (they are acknowledged with it).
    allPages((c) => deps.alerts.listByStatus('grouped', c, 500)),
    deps.messages.listWeek(week),
    deps.audit.listBetween(bounds.from, bounds.to),
  ]);
  const patientById = new Map(patients.map((p) => [p.id, p]));
  const openAlerts = [...openItems, ...groupedAlerts];

  // Alerts raised earlier but acknowledged this week: known from the week's audit entries.
  const known = new Set([...weekAlerts, ...openAlerts].map((a) => a.id));
  const ackedElsewhere = [...new Set(audit.filter((e) => e.action === 'alert.acknowledge' && e.entityType === 'alert' && !known.has(e.entityId)).map((e) => e.entityId))];
  const olderAcked = (await Promise.all(ackedElsewhere.map((id) => deps.alerts.get(id)))).filter((a): a is Alert => a !== null);

  const doseOutcomes = weekReminders.flatMap((item) => {
    const outcome = toDoseOutcome(item, patientById.get(item.patientId)?.arm ?? null);
    return outcome ? [outcome] : [];
  });
  const failed = weekReminders.filter((r) => r.state === 'failed').length;

  const { visitsDueNextWeek, visitsMissed } = await visitsAround(deps, patients, week, now);

  return {
    week,
    timeZone,
    generatedAt: now,
    patients: patients.map((p) => ({ studyId: p.studyId, arm: p.arm, status: p.status, smsOptOut: p.smsOptOut })),
    doseOutcomes,
    alerts: byId(weekAlerts, openAlerts, olderAcked).map((a) => ({
      id: a.id,
      studyId: a.studyId ?? NO_STUDY_ID,
      kind: a.kind,
      urgent: a.urgent,
      status: a.status === 'acknowledged' ? ('acknowledged' as const) : ('open' as const),
      createdAt: a.createdAt,
      ...(a.acknowledgedAt ? { acknowledgedAt: a.acknowledgedAt } : {}),
    })),
    reports: byId<Report>(weekReports, openReports).map((r) => ({
      id: r.id,
      studyId: r.studyId ?? NO_STUDY_ID,
      createdAt: r.createdAt,
      status: r.status,
      intent: r.interpretation.intent,
      items: r.interpretation.items,
      redFlag: r.interpretation.redFlag,
      relapseSignal: r.interpretation.relapseSignal,
      ...(r.review ? { confirmedItems: r.review.confirmedItems } : {}),
    })),
    visitsDueNextWeek,
    visitsMissed,
    relapseOverrules: relapseOverrules(deps, audit, patientById),
    sms: {
      sent: messages.outbound.length,
      parts: messages.outbound.reduce((sum, m) => sum + (m.parts || 1), 0),
      failed,
      costPerPartUsd: deps.smsCostPerPartUsd,
    },
  };
}

/**
 * Relapse decisions recorded this week that differ from the computed RI criterion, from the
 * week's audit entries (visit.record / visit.correct carry the criterion and the decision), so no
 * extra read. The latest entry per visit counts (a correction that agrees clears it).
 */
function relapseOverrules(
  deps: Pick<WeeklyDigestDeps, 'protocol' | 'language'>,
  audit: readonly { action: string; entityId: string; at: string; after?: unknown }[],
  patientById: ReadonlyMap<string, { studyId: string }>,
): DigestInput['relapseOverrules'] {
  const label = new Map(deps.protocol.visits.map((v) => [v.key, v.label[deps.language]]));
  const latest = new Map<string, Record<string, unknown>>();
  for (const e of [...audit].sort((a, b) => a.at.localeCompare(b.at))) {
    if (e.action !== 'visit.record' && e.action !== 'visit.correct') continue;
    const after = (e.after ?? {}) as Record<string, unknown>;
    if (typeof after.visitKey === 'string') latest.set(`${e.entityId}\u0000${after.visitKey}`, { ...after, patientId: e.entityId });
  }
  const out: NonNullable<DigestInput['relapseOverrules']> = [];
  for (const a of latest.values()) {
    const studyId = patientById.get(String(a.patientId))?.studyId;
    if (!studyId || typeof a.criterionMet !== 'boolean' || typeof a.relapse !== 'boolean' || a.criterionMet === a.relapse) continue;
    out.push({
      studyId,
      visit: label.get(String(a.visitKey)) ?? String(a.visitKey),
      date: String(a.date),
      criterionMet: a.criterionMet,
      decision: a.relapse,
      reason: typeof a.overruleReason === 'string' ? a.overruleReason : null,
      criterion: typeof a.criterion === 'string' ? a.criterion : null,
    });
  }
  return out;
}

/**
 * Visits due next week (patients still in the study, not yet recorded) and visits missed
 * (their window closed during the digest week with no visit recorded). Dates from the schedule
 * engine's visitDates; one GetItem per candidate visit, so the reads follow the week's visits.
 */
async function visitsAround(
  deps: Pick<WeeklyDigestDeps, 'protocol' | 'visits' | 'language'>,
  patients: readonly Patient[],
  week: string,
  now: string,
): Promise<{ visitsDueNextWeek: DigestInput['visitsDueNextWeek']; visitsMissed: DigestInput['visitsMissed'] }> {
  const timeZone = deps.protocol.studyTimeZone;
  const monday = zonedOfInstant(isoWeekBounds(week, timeZone).from, timeZone).date;
  const today = zonedOfInstant(now, timeZone).date;
  const sunday = addDays(monday, 6);
  const nextMonday = addDays(monday, 7);
  const nextSunday = addDays(monday, 13);
  const windowAfter = new Map(deps.protocol.visits.map((v) => [v.key, v.windowAfter]));
  const label = new Map(deps.protocol.visits.map((v) => [v.key, v.label[deps.language]]));
  // Baseline is the enrollment visit itself: it is never "due" or "missed" afterwards.
  const skip = new Set(deps.protocol.visits.filter((v) => v.targetDay === 0).map((v) => v.key));

  const candidates: { patient: Patient; key: string; date: string; kind: 'due' | 'missed' }[] = [];
  for (const patient of patients) {
    if (patient.status === 'withdrawn' || patient.status === 'completed') continue;
    for (const v of visitDates(deps.protocol, patient)) {
      if (skip.has(v.key)) continue;
      if (v.date >= nextMonday && v.date <= nextSunday) candidates.push({ patient, key: v.key, date: v.date, kind: 'due' });
      const windowEnd = addDays(v.date, windowAfter.get(v.key) ?? 0);
      if (windowEnd >= monday && windowEnd <= sunday && windowEnd < today) {
        candidates.push({ patient, key: v.key, date: v.date, kind: 'missed' });
      }
    }
  }
  const recorded = await Promise.all(candidates.map((c) => deps.visits.get(c.patient.id, c.key)));
  const visitsDueNextWeek: DigestInput['visitsDueNextWeek'] = [];
  const visitsMissed: DigestInput['visitsMissed'] = [];
  candidates.forEach((c, i) => {
    if (recorded[i]) return;
    (c.kind === 'due' ? visitsDueNextWeek : visitsMissed).push({ studyId: c.patient.studyId, visit: label.get(c.key) ?? c.key, targetDate: c.date });
  });
  return { visitsDueNextWeek, visitsMissed };
}
