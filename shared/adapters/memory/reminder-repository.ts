import type { ScheduledItem } from '#domain/schedule.ts';
import type { MaterializeResult, ReminderRepository, StoredReminder } from '#ports/schedule.ts';
import { byKey, conditionalFailure, copy, frozen, WeekOf } from './support.ts';

type Queue = 'due' | 'await';
interface Row {
  item: StoredReminder;
  /** `${dueAt}#${id}`: the patient-partition sort key without its prefix. */
  key: string;
  week: string;
  queue: Queue | null;
  /** Sort key in its queue (`${dueAt or answerWindowEnd}#${id}`), as gsi2sk. */
  queueKey: string;
}

/** Whole-second bound ("…T06:00:00Z#~"): sorts after every stored instant of that second, as in DynamoDB. */
const bound = (until: string) => `${new Date(until).toISOString().replace(/\.\d{3}Z$/, 'Z')}#~`;

/**
 * Reminders in memory, with the DynamoDB adapter's semantics: per-patient rows in dueAt order,
 * a due queue (due or sending) and an answer queue (sent dose check-ins awaiting a reply),
 * conditional transitions that fail exactly where the conditional writes would.
 */
export class MemoryReminderRepository implements ReminderRepository {
  private readonly weekOf: WeekOf;
  private readonly byPatient = new Map<string, { keys: string[]; rows: Map<string, Row> }>();
  private readonly queues: Record<Queue, Set<Row>> = { due: new Set(), await: new Set() };
  private readonly weeks = new Map<string, Set<Row>>();

  constructor(private readonly studyTimeZone: string) {
    this.weekOf = new WeekOf(studyTimeZone);
  }

  async materialize(patientId: string, studyId: string, items: ScheduledItem[], window: { from: string; to: string }, now: string): Promise<MaterializeResult> {
    let created = 0;
    let unchanged = 0;
    for (const item of items) {
      const existing = this.row(item.patientId, item.dueAt, item.id);
      if (!existing || (existing.item.state === 'cancelled' && item.dueAt > now)) {
        this.put({ ...copy(item), studyId, state: 'due', attempts: 0, createdAt: now, updatedAt: now });
        created++;
      } else unchanged++;
    }
    const wanted = new Set(items.map((i) => i.id));
    let cancelled = 0;
    for (const stored of await this.listForPatient(patientId, window.from, window.to)) {
      if (stored.state === 'due' && !wanted.has(stored.id) && (await this.finish(stored, 'cancelled', 'no longer in the schedule', now))) cancelled++;
    }
    return { created, unchanged, cancelled };
  }

  async cancelFuture(patientId: string, from: string, reason: string, now: string): Promise<number> {
    let cancelled = 0;
    for (const stored of await this.listForPatient(patientId, from, '9999')) {
      if (stored.state === 'due' && (await this.finish(stored, 'cancelled', reason, now))) cancelled++;
    }
    return cancelled;
  }

  async get(patientId: string, id: string, dueAt: string): Promise<StoredReminder | null> {
    const row = this.row(patientId, dueAt, id);
    return row ? row.item : null;
  }

  async listForPatient(patientId: string, from: string, to: string): Promise<StoredReminder[]> {
    const partition = this.byPatient.get(patientId);
    if (!partition) return [];
    const out: StoredReminder[] = [];
    for (let i = lowerBound(partition.keys, from); i < partition.keys.length && partition.keys[i]! <= to; i++) out.push(partition.rows.get(partition.keys[i]!)!.item);
    return out;
  }

  async listDue(until: string, limit = 1000): Promise<StoredReminder[]> {
    return this.queued('due', until, limit, (r) => r.dueAt);
  }

  async claim(item: StoredReminder, owner: string, now: string, leaseSeconds: number): Promise<boolean> {
    const row = this.row(item.patientId, item.dueAt, item.id);
    if (!row || row.item.state !== 'due') return false;
    const leaseUntil = new Date(new Date(now).getTime() + leaseSeconds * 1000).toISOString();
    row.item = frozen({ ...row.item, state: 'sending', leaseOwner: owner, leaseUntil, attempts: (row.item.attempts ?? 0) + 1, updatedAt: now });
    return true;
  }

  async markSent(item: StoredReminder, owner: string, result: { messageId: string; parts: number; sentAt: string }): Promise<void> {
    const row = this.row(item.patientId, item.dueAt, item.id);
    if (!row || row.item.state !== 'sending' || row.item.leaseOwner !== owner) throw conditionalFailure();
    const awaiting = item.kind === 'dose' && item.answerWindowEnd;
    const { leaseOwner: _o, leaseUntil: _u, ...rest } = row.item;
    row.item = frozen({ ...rest, state: 'sent', messageId: result.messageId, parts: result.parts, sentAt: result.sentAt, updatedAt: result.sentAt, ...(awaiting ? { outcome: 'pending' as const } : {}) });
    // The answer queue is sorted by the window end of the item as it was claimed (what the adapter writes).
    this.enqueue(row, awaiting ? 'await' : null, awaiting ? item.answerWindowEnd : undefined);
  }

  async release(item: StoredReminder, owner: string, now: string): Promise<void> {
    const row = this.row(item.patientId, item.dueAt, item.id);
    if (!row || row.item.state !== 'sending' || row.item.leaseOwner !== owner) return;
    const { leaseOwner: _o, leaseUntil: _u, ...rest } = row.item;
    row.item = frozen({ ...rest, state: 'due', updatedAt: now });
  }

  async finish(item: StoredReminder, state: 'expired' | 'failed' | 'cancelled', reason: string, now: string, owner?: string): Promise<boolean> {
    const row = this.row(item.patientId, item.dueAt, item.id);
    if (!row) return false;
    const ok = owner ? row.item.state === 'sending' && row.item.leaseOwner === owner : row.item.state === 'due' || row.item.state === 'sending';
    if (!ok) return false;
    const { leaseOwner: _o, leaseUntil: _u, ...rest } = row.item;
    row.item = frozen({ ...rest, state, reason, updatedAt: now });
    this.enqueue(row, null);
    return true;
  }

  async listAwaitingUntil(until: string, limit = 1000): Promise<StoredReminder[]> {
    return this.queued('await', until, limit, (r) => r.answerWindowEnd ?? '');
  }

  async recordSweepMissed(item: StoredReminder, now: string): Promise<'missed' | 'answered' | 'not_due'> {
    const row = this.row(item.patientId, item.dueAt, item.id);
    if (row && row.item.outcome === 'pending') {
      row.item = frozen({ ...row.item, outcome: 'missed_no_reply', sweptAt: now, updatedAt: now });
      this.enqueue(row, null);
      return 'missed';
    }
    if (row && row.item.outcome !== undefined && row.queue === 'await') {
      this.enqueue(row, null);
      return 'answered';
    }
    return row && row.item.outcome !== 'pending' ? 'answered' : 'not_due';
  }

  async listWeek(isoWeek: string): Promise<StoredReminder[]> {
    const rows = [...(this.weeks.get(isoWeek) ?? [])];
    rows.sort((a, b) => byKey(a.key, b.key));
    return rows.map((r) => r.item);
  }

  async recordDoseAnswer(
    item: StoredReminder,
    answer: { outcome: 'taken' | 'missed_reported'; answeredAt: string; answerMessageId: string; missedDrugs?: string[] },
    now: string,
  ): Promise<{ applied: boolean; previous: StoredReminder | null }> {
    const row = this.row(item.patientId, item.dueAt, item.id);
    if (!row || row.item.kind !== 'dose' || row.item.state !== 'sent' || (row.item.answeredAt !== undefined && row.item.answeredAt > answer.answeredAt)) {
      return { applied: false, previous: row ? row.item : null };
    }
    const previous = row.item;
    const { missedDrugs: _m, ...rest } = row.item;
    row.item = frozen({
      ...rest,
      outcome: answer.outcome,
      answeredAt: answer.answeredAt,
      answerMessageId: answer.answerMessageId,
      updatedAt: now,
      ...(answer.missedDrugs?.length ? { missedDrugs: [...answer.missedDrugs] } : {}),
    });
    this.enqueue(row, null);
    return { applied: true, previous };
  }

  /** The earliest entry of a queue (the local scheduler's probe: when does the job next have work). */
  earliest(queue: Queue): string | null {
    let min: string | null = null;
    for (const row of this.queues[queue]) {
      const at = row.queueKey;
      if (min === null || at < min) min = at;
    }
    return min === null ? null : min.slice(0, min.indexOf('#'));
  }

  private queued(queue: Queue, until: string, limit: number, sortKey: (r: StoredReminder) => string): StoredReminder[] {
    const max = bound(until);
    const rows = [...this.queues[queue]].filter((r) => r.queueKey <= max);
    return rows
      .map((r) => r.item)
      .sort((a, b) => (sortKey(a) === sortKey(b) ? byKey(a.id, b.id) : sortKey(a) < sortKey(b) ? -1 : 1))
      .slice(0, limit);
  }

  private enqueue(row: Row, queue: Queue | null, at?: string): void {
    if (row.queue) this.queues[row.queue].delete(row);
    row.queue = queue;
    if (queue) {
      this.queues[queue].add(row);
      row.queueKey = `${at ?? row.item.dueAt}#${row.item.id}`;
    }
  }

  private row(patientId: string, dueAt: string, id: string): Row | undefined {
    return this.byPatient.get(patientId)?.rows.get(`${dueAt}#${id}`);
  }

  private put(item: StoredReminder): void {
    let partition = this.byPatient.get(item.patientId);
    if (!partition) this.byPatient.set(item.patientId, (partition = { keys: [], rows: new Map() }));
    const key = `${item.dueAt}#${item.id}`;
    const existing = partition.rows.get(key);
    item = frozen(item);
    const row: Row = existing ?? { item, key, week: this.weekOf.of(item.dueAt), queue: null, queueKey: '' };
    row.item = item;
    if (!existing) {
      partition.rows.set(key, row);
      partition.keys.splice(lowerBound(partition.keys, key), 0, key);
      let week = this.weeks.get(row.week);
      if (!week) this.weeks.set(row.week, (week = new Set()));
      week.add(row);
    }
    this.enqueue(row, 'due');
  }
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

