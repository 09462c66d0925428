import type { PendingAudit } from '#ports/audit.ts';
import type { Page } from '#ports/patients.ts';
import type { Report, ReportRepository } from '#ports/reports.ts';
import type { MemoryAuditCarriers } from './audit-log.ts';
import { byKey, copy, page, sortedBy, WeekOf } from './support.ts';

/** Patient reports in memory: created once, the review queue oldest first, reviewed once, by week and by patient. */
export class MemoryReportRepository implements ReportRepository {
  private readonly weekOf: WeekOf;
  private readonly reports = new Map<string, { report: Report; week: string }>();
  private readonly byPatient = new Map<string, string[]>();

  constructor(
    private readonly studyTimeZone: string,
    private readonly carriers: MemoryAuditCarriers,
  ) {
    this.weekOf = new WeekOf(studyTimeZone);
  }

  async createIfAbsent(report: Report): Promise<{ created: boolean; report: Report }> {
    const stored = this.reports.get(report.id);
    if (stored) return { created: false, report: copy(stored.report) };
    this.reports.set(report.id, { report: copy(report), week: this.weekOf.of(report.createdAt) });
    if (report.patientId) {
      let ids = this.byPatient.get(report.patientId);
      if (!ids) this.byPatient.set(report.patientId, (ids = []));
      ids.push(report.id);
    }
    return { created: true, report: copy(report) };
  }

  async get(id: string): Promise<Report | null> {
    const stored = this.reports.get(id);
    return stored ? copy(stored.report) : null;
  }

  async listByStatus(status: 'open' | 'reviewed', cursor?: string, limit = 50): Promise<Page<Report>> {
    const rows = sortedBy(
      [...this.reports.values()].filter((s) => s.report.status === status).map((s) => s.report),
      (r) => `${r.createdAt}#${r.id}`,
    );
    const result = page(rows, cursor, limit);
    return { items: result.items.map(copy), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
  }

  async review(id: string, review: NonNullable<Report['review']>, now: string, audit?: PendingAudit): Promise<Report | null> {
    const stored = this.reports.get(id);
    if (!stored || stored.report.status !== 'open') return null;
    stored.report = { ...stored.report, status: 'reviewed', review: copy(review), updatedAt: now, version: stored.report.version + 1 };
    this.carriers.carry(audit);
    return copy(stored.report);
  }

  async listWeek(isoWeek: string): Promise<Report[]> {
    return sortedBy(
      [...this.reports.values()].filter((s) => s.week === isoWeek).map((s) => s.report),
      (r) => `${r.createdAt}#${r.id}`,
    ).map((r) => copy(r.value));
  }

  async listForPatient(patientId: string): Promise<Report[]> {
    const reports = (this.byPatient.get(patientId) ?? []).map((id) => this.reports.get(id)!.report);
    return reports.sort((a, b) => byKey(`${a.createdAt}#${a.id}`, `${b.createdAt}#${b.id}`)).map(copy);
  }
}
