import type { AckOutcome, Alert, AlertKind, AlertRepository, AlertStatus, DailySummaryRecord, UnresolvedAlertRef } from '#ports/alerts.ts';
import type { PendingAudit } from '#ports/audit.ts';
import type { Page } from '#ports/patients.ts';
import type { MemoryAuditCarriers } from './audit-log.ts';
import { byKey, copy, page, sortedBy, WeekOf } from './support.ts';

interface Ref extends UnresolvedAlertRef {
  kind: AlertKind;
  unresolved: boolean;
}

/**
 * Alerts in memory: one per id (conditional create), lists by status oldest first, the
 * escalation queue of open alerts, the week index, a patient's pointers and the per-kind list
 * of unresolved episodes, with the DynamoDB adapter's conditions.
 */
export class MemoryAlertRepository implements AlertRepository {
  private readonly weekOf: WeekOf;
  private readonly alerts = new Map<string, { alert: Alert; week: string }>();
  private readonly refs = new Map<string, Map<string, Ref>>();
  /** Ids of open alerts with an escalation time (the escalation queue). */
  private readonly escalating = new Set<string>();
  private readonly summaries = new Map<string, { leaseUntil?: string; sentAt?: string; record?: DailySummaryRecord }>();

  constructor(
    private readonly studyTimeZone: string,
    private readonly carriers: MemoryAuditCarriers,
  ) {
    this.weekOf = new WeekOf(studyTimeZone);
  }

  async createIfAbsent(alert: Alert, audit?: PendingAudit): Promise<{ created: boolean; alert: Alert }> {
    if (alert.patientId) this.putPatientRef(alert, alert.patientId);
    const stored = this.alerts.get(alert.id);
    if (stored) return { created: false, alert: copy(stored.alert) };
    this.alerts.set(alert.id, { alert: copy(alert), week: this.weekOf.of(alert.createdAt) });
    this.track(alert);
    this.carriers.carry(audit);
    return { created: true, alert: copy(alert) };
  }

  async get(id: string): Promise<Alert | null> {
    const stored = this.alerts.get(id);
    return stored ? copy(stored.alert) : null;
  }

  async listByStatus(status: AlertStatus, cursor?: string, limit = 50): Promise<Page<Alert>> {
    const rows = sortedBy(
      [...this.alerts.values()].filter((s) => s.alert.status === status).map((s) => s.alert),
      (a) => `${a.createdAt}#${a.id}`,
    );
    const result = page(rows, cursor, limit);
    return { items: result.items.map(copy), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
  }

  async acknowledge(id: string, by: string, note: string, now: string, audit?: PendingAudit, outcome?: AckOutcome): Promise<Alert | null> {
    return this.update(audit, id, (a) => a.status === 'open' || a.status === 'grouped', (a) => {
      const { escalateAt: _e, snoozedUntil: _s, ...rest } = a;
      return { ...rest, status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: by, ackNote: note, updatedAt: now, version: a.version + 1, ...(outcome ? { ackOutcome: outcome } : {}) };
    });
  }

  async group(id: string, itemId: string, now: string, audit?: PendingAudit): Promise<Alert | null> {
    return this.update(audit, id, (a) => a.status === 'open', (a) => {
      const { escalateAt: _e, ...rest } = a;
      return { ...rest, status: 'grouped', itemId, updatedAt: now, version: a.version + 1 };
    });
  }

  async snooze(id: string, until: string | null, now: string, audit?: PendingAudit): Promise<Alert | null> {
    return this.update(audit, id, (a) => a.status === 'open', (a) => {
      const { snoozedUntil: _s, ...rest } = a;
      return { ...rest, updatedAt: now, version: a.version + 1, ...(until ? { snoozedUntil: until } : {}) };
    });
  }

  async claimDailySummary(localDate: string, now: string, leaseUntil: string): Promise<'claimed' | 'sent' | 'busy'> {
    const current = this.summaries.get(localDate) ?? {};
    if (current.sentAt) return 'sent';
    if (current.leaseUntil !== undefined && !(current.leaseUntil < now)) return 'busy';
    this.summaries.set(localDate, { ...current, leaseUntil });
    return 'claimed';
  }

  async markDailySummarySent(localDate: string, now: string, record: DailySummaryRecord): Promise<void> {
    const current = this.summaries.get(localDate) ?? {};
    if (current.sentAt) return;
    this.summaries.set(localDate, { sentAt: now, record: copy(record) });
  }

  async revise(id: string, changes: Pick<Alert, 'title' | 'details'> & { resolvedReason?: string }, now: string): Promise<Alert | null> {
    const revised = this.update(undefined, id, () => true, (a) => ({
      ...a,
      title: changes.title,
      details: copy(changes.details),
      updatedAt: now,
      version: a.version + 1,
      ...(changes.resolvedReason ? { resolvedReason: changes.resolvedReason } : {}),
    }));
    if (revised?.patientId && changes.resolvedReason) {
      const ref = this.refs.get(revised.patientId)?.get(id);
      if (ref) ref.unresolved = false;
    }
    return revised;
  }

  async markNotified(id: string, now: string, audit?: PendingAudit): Promise<void> {
    this.update(audit, id, () => true, (a) => ({ ...a, notifiedAt: now }));
  }

  async listDueEscalations(now: string, limit = 100): Promise<Alert[]> {
    const max = `${now}#~`;
    return sortedBy(
      [...this.escalating].map((id) => this.alerts.get(id)!.alert).filter((a) => `${a.escalateAt}#${a.id}` <= max),
      (a) => `${a.escalateAt}#${a.id}`,
    )
      .slice(0, limit)
      .map((r) => copy(r.value));
  }

  async markEscalated(id: string, now: string, nextEscalateAt: string | null): Promise<boolean> {
    const updated = this.update(undefined, id, (a) => a.status === 'open', (a) => {
      const { escalateAt: _e, ...rest } = a;
      return { ...rest, escalationCount: a.escalationCount + 1, updatedAt: now, version: a.version + 1, ...(nextEscalateAt ? { escalateAt: nextEscalateAt } : {}) };
    });
    return updated !== null;
  }

  async listWeek(isoWeek: string): Promise<Alert[]> {
    return sortedBy(
      [...this.alerts.values()].filter((s) => s.week === isoWeek).map((s) => s.alert),
      (a) => `${a.createdAt}#${a.id}`,
    ).map((r) => copy(r.value));
  }

  async listForPatient(patientId: string): Promise<Alert[]> {
    const alerts = [...(this.refs.get(patientId)?.keys() ?? [])].map((id) => this.alerts.get(id)?.alert).filter((a): a is Alert => a !== undefined);
    return alerts.sort((a, b) => (a.createdAt === b.createdAt ? byKey(a.id, b.id) : a.createdAt < b.createdAt ? -1 : 1)).map(copy);
  }

  async listUnresolved(kind: AlertKind, patientId?: string): Promise<UnresolvedAlertRef[]> {
    const partitions = patientId ? [this.refs.get(patientId)].filter((p) => p !== undefined) : [...this.refs.values()];
    const refs = partitions.flatMap((p) => [...p.values()]).filter((r) => r.kind === kind && r.unresolved);
    return sortedBy(refs, (r) => `${r.patientId}#${r.createdAt}#${r.alertId}`).map(({ value: r }) => ({ alertId: r.alertId, patientId: r.patientId, episodeKey: r.episodeKey, createdAt: r.createdAt }));
  }

  async listUnresolvedForPatient(patientId: string, kinds: readonly AlertKind[]): Promise<UnresolvedAlertRef[]> {
    return (await Promise.all(kinds.map((kind) => this.listUnresolved(kind, patientId)))).flat();
  }

  async cancelEscalation(id: string, now: string): Promise<boolean> {
    const updated = this.update(undefined, id, (a) => a.status === 'open', (a) => {
      const { escalateAt: _e, ...rest } = a;
      return { ...rest, updatedAt: now, version: a.version + 1 };
    });
    return updated !== null;
  }

  /** The earliest escalation of an open alert (the local scheduler's probe). */
  earliestEscalation(): string | null {
    let min: string | null = null;
    for (const id of this.escalating) {
      const at = this.alerts.get(id)!.alert.escalateAt!;
      if (min === null || at < min) min = at;
    }
    return min;
  }

  private update(audit: PendingAudit | undefined, id: string, condition: (alert: Alert) => boolean, change: (alert: Alert) => Alert): Alert | null {
    const stored = this.alerts.get(id);
    if (!stored || !condition(stored.alert)) return null;
    stored.alert = change(stored.alert);
    this.track(stored.alert);
    this.carriers.carry(audit);
    return copy(stored.alert);
  }

  private track(alert: Alert): void {
    if (alert.status === 'open' && alert.escalateAt !== undefined) this.escalating.add(alert.id);
    else this.escalating.delete(alert.id);
  }

  private putPatientRef(alert: Alert, patientId: string): void {
    let refs = this.refs.get(patientId);
    if (!refs) this.refs.set(patientId, (refs = new Map()));
    if (refs.has(alert.id)) return;
    refs.set(alert.id, { alertId: alert.id, patientId, kind: alert.kind, episodeKey: alert.episodeKey, createdAt: alert.createdAt, unresolved: !alert.resolvedReason });
  }
}
