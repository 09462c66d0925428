import type { InboundMessage, MessageLog, OutboundMessage, UnknownSenderTally } from '#ports/messages.ts';
import type { DeliveryReceipt, DeliveryReceiptLog } from '#ports/sms-upstream.ts';
import { byKey, copy, WeekOf } from './support.ts';

type Listed = ({ direction: 'in' } & InboundMessage) | ({ direction: 'out' } & OutboundMessage);

/**
 * The message log in memory: raw inbound stored once (first write wins), the processing lease,
 * outbound records with their provider-id pointer, a patient's messages newest first (both
 * directions, in `receivedAt|sentAt` order as the index sorts them), the week index and the
 * once-a-day claim for unknown senders.
 */
export class MemoryMessageLog implements MessageLog, DeliveryReceiptLog {
  private readonly weekOf: WeekOf;
  private readonly inbound = new Map<string, InboundMessage & { leaseOwner?: string; leaseUntil?: string }>();
  private readonly outbound = new Map<string, OutboundMessage>();
  private readonly providerIds = new Map<string, string>();
  /** Per patient (or UNKNOWN): index sort key → [direction, id], appended mostly in time order. */
  private readonly byPatient = new Map<string, { key: string; direction: 'in' | 'out'; id: string }[]>();
  private readonly weeks = new Map<string, { inbound: string[]; outbound: string[] }>();
  private readonly unknownReplies = new Set<string>();
  private readonly budgets = new Map<string, Set<string>>();
  private readonly tallies = new Map<string, UnknownSenderTally & { seen: Set<string> }>();
  /** Unprocessed stored texts: id → retry instant (the retry queue of inbound-sms / pull-sms). */
  private readonly unprocessed = new Map<string, string>();

  constructor(private readonly studyTimeZone: string) {
    this.weekOf = new WeekOf(studyTimeZone);
  }

  async storeInbound(message: InboundMessage, lease?: { owner: string; until: string }): Promise<{ created: boolean; message: InboundMessage }> {
    const stored = this.inbound.get(message.inboundMessageId);
    if (stored) return { created: false, message: copy(stored) };
    this.inbound.set(message.inboundMessageId, lease ? { ...copy(message), leaseOwner: lease.owner, leaseUntil: lease.until, attempts: 1 } : copy(message));
    this.index(partitionOf(message, 'in'), `${message.receivedAt}#IN#${message.inboundMessageId}`, 'in', message.inboundMessageId);
    if (!message.processedAt) this.unprocessed.set(message.inboundMessageId, message.retryAt ?? message.receivedAt);
    this.week(message.receivedAt).inbound.push(message.inboundMessageId);
    return { created: true, message: copy(message) };
  }

  async markInboundProcessed(
    inboundMessageId: string,
    update: { processedAt: string; interpretation?: Record<string, unknown>; replyIds?: string[]; withheldReplies?: { purpose: string; reason: string }[] },
  ): Promise<void> {
    const stored = this.inbound.get(inboundMessageId);
    if (!stored) {
      const error = new Error('The conditional request failed');
      error.name = 'ConditionalCheckFailedException';
      throw error;
    }
    // As the adapter's SET: an absent interpretation is stored as null.
    const { leaseOwner: _o, leaseUntil: _u, retryAt: _r, ...rest } = stored;
    this.inbound.set(inboundMessageId, {
      ...rest,
      processedAt: update.processedAt,
      interpretation: copy(update.interpretation ?? null) as unknown as Record<string, unknown>,
      replyIds: [...(update.replyIds ?? [])],
      withheldReplies: copy(update.withheldReplies ?? []),
    });
    this.unprocessed.delete(inboundMessageId);
  }

  async getInbound(inboundMessageId: string): Promise<InboundMessage | null> {
    const stored = this.inbound.get(inboundMessageId);
    return stored ? copy(stored) : null;
  }

  async recordOutbound(message: OutboundMessage): Promise<void> {
    if (!this.outbound.has(message.id)) {
      this.outbound.set(message.id, copy(message));
      this.index(partitionOf(message, 'out'), `${message.sentAt}#OUT#${message.id}`, 'out', message.id);
      this.week(message.sentAt).outbound.push(message.id);
    }
    this.providerIds.set(message.providerMessageId, message.id);
  }

  async findOutboundByProviderId(providerMessageId: string): Promise<OutboundMessage | null> {
    const id = this.providerIds.get(providerMessageId);
    return id === undefined ? null : this.getOutbound(id);
  }

  async listForPatient(patientId: string, limit = 100): Promise<Listed[]> {
    if (!(limit >= 1)) return [];
    const entries = this.byPatient.get(patientId) ?? [];
    const out: Listed[] = [];
    for (let i = entries.length - 1; i >= 0 && out.length < limit; i--) {
      const e = entries[i]!;
      if (e.direction === 'in') out.push({ direction: 'in', ...copy(this.inbound.get(e.id)!) });
      else out.push({ direction: 'out', ...copy(this.outbound.get(e.id)!) });
    }
    return out;
  }

  async listWeek(isoWeek: string): Promise<{ inbound: InboundMessage[]; outbound: OutboundMessage[] }> {
    const week = this.weeks.get(isoWeek) ?? { inbound: [], outbound: [] };
    const inbound = week.inbound.map((id) => copy(this.inbound.get(id)!)).sort((a, b) => byKey(`${a.receivedAt}#${a.inboundMessageId}`, `${b.receivedAt}#${b.inboundMessageId}`));
    const outbound = week.outbound.map((id) => copy(this.outbound.get(id)!)).sort((a, b) => byKey(`${a.sentAt}#${a.id}`, `${b.sentAt}#${b.id}`));
    return { inbound, outbound };
  }

  async claimUnknownSenderReply(phone: string, localDate: string, _retainUntil?: string): Promise<boolean> {
    const key = `${phone}#${localDate}`;
    if (this.unknownReplies.has(key)) return false;
    this.unknownReplies.add(key);
    return true;
  }

  async claimInboundProcessing(inboundMessageId: string, owner: string, now: string, leaseSeconds: number): Promise<'claimed' | 'processed' | 'busy' | 'missing'> {
    const stored = this.inbound.get(inboundMessageId);
    if (!stored) return 'missing';
    if (stored.processedAt) return 'processed';
    if (stored.leaseUntil === undefined || stored.leaseUntil < now || stored.leaseOwner === owner) {
      // Lease attributes are part of the stored item (the adapter returns them with it too).
      this.inbound.set(inboundMessageId, { ...stored, leaseOwner: owner, leaseUntil: new Date(Date.parse(now) + leaseSeconds * 1000).toISOString(), attempts: (stored.attempts ?? 0) + 1 });
      return 'claimed';
    }
    return 'busy';
  }

  async releaseInboundProcessing(inboundMessageId: string, owner: string, failure: { at: string; reason: string; retryAt: string }): Promise<{ attempts: number }> {
    const stored = this.inbound.get(inboundMessageId);
    if (!stored || stored.processedAt || stored.leaseOwner !== owner) return { attempts: stored?.attempts ?? 0 };
    const { leaseOwner: _o, leaseUntil: _u, ...rest } = stored;
    this.inbound.set(inboundMessageId, { ...rest, lastFailureAt: failure.at, lastFailure: failure.reason.slice(0, 100), retryAt: failure.retryAt });
    this.unprocessed.set(inboundMessageId, failure.retryAt);
    return { attempts: stored.attempts ?? 0 };
  }

  async listUnprocessedInbound(now: string, limit = 100): Promise<InboundMessage[]> {
    const max = `${now}#~`;
    return [...this.unprocessed]
      .map(([id, retryAt]) => ({ order: `${retryAt}#${id}`, id }))
      .filter((e) => e.order <= max)
      .sort((a, b) => byKey(a.order, b.order))
      .slice(0, limit)
      .map((e) => copy(this.inbound.get(e.id)!));
  }

  /** The earliest retry instant of an unprocessed text (the local scheduler's probe). */
  earliestUnprocessed(): string | null {
    let min: string | null = null;
    for (const retryAt of this.unprocessed.values()) if (min === null || retryAt < min) min = retryAt;
    return min;
  }

  async previousInbound(message: InboundMessage): Promise<InboundMessage | null> {
    const entries = this.byPatient.get(partitionOf(message, 'in')) ?? [];
    const before = `${message.receivedAt}#IN#${message.inboundMessageId}`;
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!;
      if (e.direction !== 'in' || byKey(e.key, before) >= 0) continue;
      const found = this.inbound.get(e.id)!;
      if (found.from === message.from && found.inboundMessageId !== message.inboundMessageId) return copy(found);
    }
    return null;
  }

  async claimReplyBudget(scope: string, localDate: string, replyId: string, limit: number, _retainUntil: string): Promise<boolean> {
    if (limit <= 0) return false;
    const key = `${scope}#${localDate}`;
    let granted = this.budgets.get(key);
    if (!granted) this.budgets.set(key, (granted = new Set()));
    if (granted.has(replyId)) return true;
    if (granted.size >= limit) return false;
    granted.add(replyId);
    return true;
  }

  async tallyUnknownSender(phone: string, localDate: string, entry: { inboundMessageId: string; receivedAt: string; redFlag: boolean }, _retainUntil: string): Promise<UnknownSenderTally> {
    const key = `${phone}#${localDate}`;
    const current = this.tallies.get(key);
    const view = (t: UnknownSenderTally) => ({ count: t.count, redFlags: t.redFlags, firstAt: t.firstAt, lastAt: t.lastAt, recentMessageIds: [...t.recentMessageIds] });
    if (current?.seen.has(entry.inboundMessageId)) return view(current);
    const next = {
      count: (current?.count ?? 0) + 1,
      redFlags: (current?.redFlags ?? 0) + (entry.redFlag ? 1 : 0),
      firstAt: current && current.firstAt < entry.receivedAt ? current.firstAt : entry.receivedAt,
      lastAt: current && current.lastAt > entry.receivedAt ? current.lastAt : entry.receivedAt,
      recentMessageIds: [...(current?.recentMessageIds ?? []), entry.inboundMessageId].slice(-20),
      seen: new Set([...(current?.seen ?? []), entry.inboundMessageId]),
    };
    this.tallies.set(key, next);
    return view(next);
  }

  /** As the DynamoDB log: the latest carrier report wins; unknown until the outbound record exists. */
  async recordDelivery(receipt: DeliveryReceipt): Promise<'recorded' | 'unchanged' | 'unknown_message'> {
    const id = this.providerIds.get(receipt.providerMessageId);
    const stored = id === undefined ? undefined : this.outbound.get(id);
    if (!stored) return 'unknown_message';
    if (stored.delivery && !(stored.delivery.reportedAt < receipt.reportedAt)) return 'unchanged';
    stored.delivery = { status: receipt.status, reportedAt: receipt.reportedAt, ...(receipt.reason ? { reason: receipt.reason } : {}) };
    return 'recorded';
  }

  async getOutbound(id: string): Promise<OutboundMessage | null> {
    const stored = this.outbound.get(id);
    return stored ? copy(stored) : null;
  }

  private index(partition: string, key: string, direction: 'in' | 'out', id: string): void {
    let entries = this.byPatient.get(partition);
    if (!entries) this.byPatient.set(partition, (entries = []));
    let at = entries.length;
    while (at > 0 && byKey(entries[at - 1]!.key, key) > 0) at--;
    entries.splice(at, 0, { key, direction, id });
  }

  private week(instant: string) {
    const isoWeek = this.weekOf.of(instant);
    let week = this.weeks.get(isoWeek);
    if (!week) this.weeks.set(isoWeek, (week = { inbound: [], outbound: [] }));
    return week;
  }
}

/** A patient's messages, or one unknown number's (texts from it, replies to it), as the adapter's index partitions them. */
function partitionOf(message: { patientId: string | null; from?: string; to?: string }, direction: 'in' | 'out'): string {
  if (message.patientId) return message.patientId;
  const number = direction === 'in' ? message.from : message.to;
  return `UNKNOWN#${number ?? ''}`;
}
