import { NotFoundError } from '#ports/patients.ts';
import type { InterpretedItemRecord, Report, ReviewOutcome } from '#ports/reports.ts';
import { StateConflictError, type CoordinatorDeps } from './deps.ts';

export interface ReviewInput {
  outcome: ReviewOutcome;
  note: string;
  /** The CTCAE terms and grades as the coordinator confirmed or corrected them (empty: none). */
  confirmedItems: InterpretedItemRecord[];
}

/**
 * Marks a report reviewed, once. Steps: read (404 vs already reviewed: 409) → conditional
 * open → reviewed (two reviewers at once: one wins, the other gets 409) → audit the interpreted
 * items before → the confirmed ones after.
 */
export async function reviewReport(deps: Pick<CoordinatorDeps, 'reports' | 'audit'>, id: string, input: ReviewInput, actor: string, now: string): Promise<Report> {
  const before = await deps.reports.get(id);
  if (!before) throw new NotFoundError('no such report');
  if (before.status !== 'open') throw new StateConflictError('the report was already reviewed');
  const review = { outcome: input.outcome, note: input.note, confirmedItems: input.confirmedItems, reviewedBy: actor, reviewedAt: now };
  const after = await deps.reports.review(id, review, now);
  if (!after) throw new StateConflictError('the report was already reviewed');
  await deps.audit.append({
    at: now,
    actor,
    action: 'report.review',
    entityType: 'report',
    entityId: id,
    before: { status: before.status, items: before.interpretation.items },
    after: { status: after.status, outcome: input.outcome, confirmedItems: input.confirmedItems },
    reason: input.note,
  });
  return after;
}
