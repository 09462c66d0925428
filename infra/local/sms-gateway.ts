import { join } from 'node:path';
import { countSmsParts } from '#domain/sms-parts.ts';
import type { Clock } from '#ports/clock.ts';
import { SmsSendError, type SmsSender } from '#ports/sms.ts';
import { JsonlStore } from './jsonl-store.ts';

/** One SMS as the local gateway "sent" it: what a phone would have received. */
export interface OutboxEntry {
  id: string;
  to: string;
  body: string;
  parts: number;
  /** UTC, on the clock in use (virtual or real). */
  sentAt: string;
}

/**
 * The local stand-in for SNS / End User Messaging: every outbound SMS lands in an outbox (in
 * send order, with its billed part count), persisted under the data dir. Nothing leaves the
 * machine. Numbers put on the opt-out list (as the SNS list would be) are refused.
 */
export class LocalSmsGateway implements SmsSender {
  private readonly outbox: JsonlStore<OutboxEntry>;
  private readonly optedOut = new Set<string>();
  private readonly listeners: ((entry: OutboxEntry) => void)[] = [];

  constructor(
    private readonly clock: Clock,
    dataDir: string | null,
  ) {
    this.outbox = new JsonlStore<OutboxEntry>(dataDir ? join(dataDir, 'sms-outbox.jsonl') : null);
  }

  async send(message: { to: string; body: string }): Promise<{ messageId: string }> {
    if (!/^\+[1-9]\d{6,14}$/.test(message.to)) throw new SmsSendError('permanent', 'invalid_number');
    if (this.optedOut.has(message.to)) throw new SmsSendError('permanent', 'opted_out');
    const entry: OutboxEntry = {
      id: `local-${String(this.outbox.size + 1).padStart(7, '0')}`,
      to: message.to,
      body: message.body,
      parts: countSmsParts(message.body).parts,
      sentAt: this.clock.now(),
    };
    this.outbox.append(entry);
    for (const listener of this.listeners) listener(entry);
    return { messageId: entry.id };
  }

  async isOptedOut(phone: string): Promise<boolean> {
    return this.optedOut.has(phone);
  }

  /** Puts a number on the provider's opt-out list (as a carrier-level STOP would). */
  optOut(phone: string): void {
    this.optedOut.add(phone);
  }

  /** Every SMS in send order (oldest first). */
  list(filter: { to?: string } = {}): OutboxEntry[] {
    const all = this.outbox.all();
    return filter.to ? all.filter((e) => e.to === filter.to) : [...all];
  }

  /** Called after each send (the simulator's patients read their phones this way). */
  onSend(listener: (entry: OutboxEntry) => void): void {
    this.listeners.push(listener);
  }
}
