/**
 * The daily anchor (pure): one entry per UTC day in its own chain (audit:anchor), listing the head
 * of every entity chain that gained entries that day. Chained like any entry, the anchors link
 * the days; listing the heads, they catch what a chain walk alone cannot: a chain whose newest
 * entries were cut off, or a chain removed whole.
 */
export const ANCHOR_ENTITY = { entityType: 'audit', entityId: 'anchor' } as const;
export const ANCHOR_ACTION = 'audit.anchor';
export const ANCHOR_ACTOR = 'system:audit-anchor';
/** A day is anchored this long after it ends, so that entries completed late (outbox, sweep every 15 min) are in. */
export const ANCHOR_GRACE_MINUTES = 60;
/** At most this many missed days are anchored in one run (catching up after an outage). */
export const ANCHOR_CATCH_UP_DAYS = 14;

export interface AnchorHead {
  entity: string;
  seq: number;
  hash: string;
}

export interface AnchorContent {
  day: string;
  heads: AnchorHead[];
}

export const anchorId = (day: string): string => `anchor:${day}`;

/** The newest entry of each entity among one day's entries (anchors themselves excluded), by entity. */
export function dayHeads(entries: readonly { entityType: string; entityId: string; seq?: number; hash?: string }[]): AnchorHead[] {
  const heads = new Map<string, AnchorHead>();
  for (const e of entries) {
    if (e.seq === undefined || e.hash === undefined) continue;
    if (e.entityType === ANCHOR_ENTITY.entityType && e.entityId === ANCHOR_ENTITY.entityId) continue;
    const entity = `${e.entityType}:${e.entityId}`;
    const known = heads.get(entity);
    if (!known || e.seq > known.seq) heads.set(entity, { entity, seq: e.seq, hash: e.hash });
  }
  return [...heads.values()].sort((a, b) => a.entity.localeCompare(b.entity));
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** [start, end) of a UTC day as ISO instants. */
export function dayBounds(day: string): { from: string; to: string } {
  return { from: `${day}T00:00:00.000Z`, to: `${nextDay(day)}T00:00:00.000Z` };
}

/**
 * The days to anchor now: each day after the last anchored one that ended at least the grace
 * period ago (oldest first, at most ANCHOR_CATCH_UP_DAYS). With no anchor yet: the last complete day.
 */
export function daysToAnchor(lastAnchoredDay: string | null, now: string): string[] {
  const latestComplete = new Date(Date.parse(now) - ANCHOR_GRACE_MINUTES * 60_000 - 86_400_000).toISOString().slice(0, 10);
  if (lastAnchoredDay === null) return [latestComplete];
  const days: string[] = [];
  for (let day = nextDay(lastAnchoredDay); day <= latestComplete && days.length < ANCHOR_CATCH_UP_DAYS; day = nextDay(day)) days.push(day);
  return days;
}
