import { ANCHOR_ACTION, ANCHOR_ACTOR, ANCHOR_ENTITY, anchorId, dayBounds, dayHeads, daysToAnchor, type AnchorContent } from '#domain/audit/anchor.ts';
import type { AuditTrail } from '#ports/audit.ts';

/** A write's entry younger than this is left to the write itself (it is probably still running). */
export const OUTBOX_GRACE_SECONDS = 60;

export interface AuditMaintenanceResult {
  /** Entries left pending by crashed writes, appended now. */
  pendingCompleted: number;
  /** Days whose anchor was written now. */
  anchoredDays: string[];
}

/**
 * The audit trail's housekeeping, run by the sweep (every 15 minutes): complete every entry a
 * crashed write left pending, then anchor each complete day not yet anchored (the heads of the
 * day's chains, chained to the previous anchor). Both steps are idempotent: two sweeps at once
 * append each entry and each anchor once.
 */
export async function maintainAuditTrail(deps: { audit: AuditTrail }, now: string): Promise<AuditMaintenanceResult> {
  const olderThan = new Date(Date.parse(now) - OUTBOX_GRACE_SECONDS * 1000).toISOString();
  let pendingCompleted = 0;
  for (let page = 0; page < 100; page++) {
    const completed = await deps.audit.completeStale(olderThan, 100);
    pendingCompleted += completed;
    if (completed < 100) break;
  }

  const last = await deps.audit.latest(ANCHOR_ENTITY.entityType, ANCHOR_ENTITY.entityId);
  const lastDay = (last?.after as AnchorContent | undefined)?.day ?? null;
  const anchoredDays: string[] = [];
  for (const day of daysToAnchor(lastDay, now)) {
    const { from, to } = dayBounds(day);
    const heads = dayHeads(await deps.audit.listBetween(from, to));
    await deps.audit.append({
      id: anchorId(day),
      at: now,
      actor: ANCHOR_ACTOR,
      action: ANCHOR_ACTION,
      kind: 'anchor',
      ...ANCHOR_ENTITY,
      before: null,
      after: { day, heads } satisfies AnchorContent,
    });
    anchoredDays.push(day);
  }
  return { pendingCompleted, anchoredDays };
}
