import { NotFoundError } from '#ports/patients.ts';
import type { InterpretedItemRecord, Report, ReviewOutcome } from '#ports/reports.ts';
import { auditedWrite, reportCarrier } from '../audit/audited-write.ts';
import { StateConflictError, type CoordinatorDeps } from './deps.ts';

export interface ReviewInput {
  outcome: ReviewOutcome;
  note: string;
  /** The CTCAE terms and grades as the coordinator confirmed or corrected them (empty: none). */
  confirmedItems: InterpretedItemRecord[];
}

/**
 * Marks a report reviewed, once. Steps: read → complete an entry a crashed review left → (404 vs
 * already reviewed: 409) → conditional open → reviewed, carrying its audit entry (two reviewers
 * at once: one wins, the other gets 409) → append the entry (interpreted items before → the
 * confirmed ones after) and clear it.
 */
export async function reviewReport(deps: Pick<CoordinatorDeps, 'reports' | 'audit'>, id: string, input: ReviewInput, actor: string, now: string): Promise<Report> {
  const before = await deps.reports.get(id);
  if (!before) throw new NotFoundError('no such report');
  await deps.audit.settle(reportCarrier(id));
  if (before.status !== 'open') throw new StateConflictError('the report was already reviewed');
  const review = { outcome: input.outcome, note: input.note, confirmedItems: input.confirmedItems, reviewedBy: actor, reviewedAt: now };
  const after = await auditedWrite(
    deps.audit,
    {
      at: now,
      actor,
      action: 'report.review',
      entityType: 'report',
      entityId: id,
      before: { status: before.status, items: before.interpretation.items },
      after: { status: 'reviewed', outcome: input.outcome, confirmedItems: input.confirmedItems },
      reason: input.note,
    },
    { carrier: reportCarrier(id), version: before.version + 1 },
    async (pending) => {
      const reviewed = await deps.reports.review(id, review, now, pending);
      // Nothing was written (another reviewer won): no entry to append.
      if (!reviewed) throw new StateConflictError('the report was already reviewed');
      return reviewed;
    },
  );
  return after;
}
