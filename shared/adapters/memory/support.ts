import { isoWeekBounds, isoWeekOfInstant } from '#domain/week.ts';
/**
 * Helpers shared by the in-memory repositories (the simulation's fast store). They keep the
 * DynamoDB adapters' observable behaviour: every read returns a copy (a caller mutating what it
 * got never changes the store), pages carry an opaque cursor, a bad cursor is an error.
 */
export const copy = <T>(value: T): T => clone(value) as T;

/**
 * Deep copy of stored data (plain objects, arrays, strings, numbers, booleans, null; undefined
 * properties are dropped as the document client drops them). Several times faster than
 * structuredClone for these small records, which the simulation copies millions of times.
 */
function clone(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clone);
  if (value instanceof Uint8Array) return new Uint8Array(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = clone(v);
  }
  return out;
}

/** Compares two sort keys the way DynamoDB compares string keys (UTF-8 byte order = code point order here). */
export const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function encodeCursor(lastKey: string | undefined): string | undefined {
  return lastKey === undefined ? undefined : Buffer.from(JSON.stringify({ k: lastKey })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as { k?: unknown }).k === 'string') return (parsed as { k: string }).k;
  } catch {
    /* fall through */
  }
  throw new Error('invalid cursor');
}

/**
 * One page of `rows` (already in index order, each with its sort key) after `cursor`: the same
 * contract as a DynamoDB Query with Limit and ExclusiveStartKey (a cursor only when a full page
 * was returned and more may follow).
 */
export function page<T>(rows: { key: string; value: T }[], cursor: string | undefined, limit: number, descending = false): { items: T[]; nextCursor?: string } {
  const after = decodeCursor(cursor);
  const start = after === undefined ? 0 : rows.findIndex((r) => (descending ? byKey(r.key, after) < 0 : byKey(r.key, after) > 0));
  const from = start < 0 ? rows.length : start;
  const slice = rows.slice(from, from + limit);
  const more = from + limit < rows.length;
  return { items: slice.map((r) => r.value), ...(more && slice.length ? { nextCursor: encodeCursor(slice[slice.length - 1]!.key) } : {}) };
}

/** Sorted rows of a map by a key function. */
export function sortedBy<T>(values: Iterable<T>, key: (value: T) => string, descending = false): { key: string; value: T }[] {
  const rows = [...values].map((value) => ({ key: key(value), value }));
  rows.sort((a, b) => (descending ? byKey(b.key, a.key) : byKey(a.key, b.key)));
  return rows;
}

/** The error a lost conditional write lets escape from the DynamoDB adapters where they do not translate it. */
export function conditionalFailure(): Error {
  const error = new Error('The conditional request failed');
  error.name = 'ConditionalCheckFailedException';
  return error;
}

/**
 * Deep-freezes stored data so it can be handed out without a copy: a caller that tried to change
 * what it read would throw (ESM is strict mode) instead of silently changing the store. Used
 * for the reminders, which the planner, the dispatcher, inbound and the sweep read all the time.
 */
export function frozen<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) frozen(v);
  return Object.freeze(value);
}

/**
 * ISO week of an instant in the study time zone, remembering the bounds of the weeks it has seen:
 * writes arrive roughly in time order, so nearly every call is a range check instead of
 * time-zone arithmetic (the answer is isoWeekOfInstant's).
 */
export class WeekOf {
  private readonly known: { week: string; from: number; to: number }[] = [];

  constructor(private readonly timeZone: string) {}

  of(instant: string): string {
    const t = Date.parse(instant);
    for (const w of this.known) if (t >= w.from && t < w.to) return w.week;
    const week = isoWeekOfInstant(instant, this.timeZone);
    const bounds = isoWeekBounds(week, this.timeZone);
    this.known.unshift({ week, from: Date.parse(bounds.from), to: Date.parse(bounds.to) });
    if (this.known.length > 8) this.known.pop();
    return week;
  }
}
