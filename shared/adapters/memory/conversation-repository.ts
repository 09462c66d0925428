import type { AlertKind, AlertRepository, UnresolvedAlertRef } from '#ports/alerts.ts';
import type { ConversationRepository, StoredConversation } from '#ports/conversations.ts';
import { StaleWriteError } from '#ports/patients.ts';
import { copy } from './support.ts';

/** Each patient's current check-in conversation in memory, optimistic versioning, timed-out open ones by deadline. */
export class MemoryConversationRepository implements ConversationRepository {
  private readonly conversations = new Map<string, StoredConversation>();

  /** The alerts of the same store: the DynamoDB adapter reads the patient's alert pointers beside the conversation. */
  constructor(private readonly alerts: Pick<AlertRepository, 'listUnresolvedForPatient'>) {}

  async get(patientId: string): Promise<StoredConversation | null> {
    const stored = this.conversations.get(patientId);
    return stored ? copy(stored) : null;
  }

  async getWithUnresolvedAlerts(patientId: string, kinds: readonly AlertKind[]): Promise<{ conversation: StoredConversation | null; unresolvedAlerts: UnresolvedAlertRef[] }> {
    return { conversation: await this.get(patientId), unresolvedAlerts: await this.alerts.listUnresolvedForPatient(patientId, kinds) };
  }

  async save(conversation: StoredConversation, expectedVersion: number | null): Promise<StoredConversation> {
    const current = this.conversations.get(conversation.patientId);
    if (expectedVersion === null ? current !== undefined : current?.version !== expectedVersion) {
      throw new StaleWriteError(`conversation of patient ${conversation.patientId} changed meanwhile`);
    }
    const stored: StoredConversation = { ...copy(conversation), version: (expectedVersion ?? 0) + 1 };
    this.conversations.set(stored.patientId, stored);
    return copy(stored);
  }

  async listTimedOut(now: string, limit = 500): Promise<StoredConversation[]> {
    const max = `${now}#~`;
    return [...this.conversations.values()]
      .filter((c) => c.deadline && `${c.deadline}#${c.patientId}` <= max)
      .sort((a, b) => ((a.deadline ?? '') < (b.deadline ?? '') ? -1 : (a.deadline ?? '') > (b.deadline ?? '') ? 1 : 0))
      .slice(0, limit)
      .map(copy);
  }

  /** The earliest deadline of an open conversation (the local scheduler's probe). */
  earliestDeadline(): string | null {
    let min: string | null = null;
    for (const c of this.conversations.values()) if (c.deadline && (min === null || c.deadline < min)) min = c.deadline;
    return min;
  }
}
