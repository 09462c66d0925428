import type { ConversationState } from '#domain/replies/conversation.ts';
import type { OpenQuestion } from '#domain/replies/interpret.ts';
import type { ReplyLanguage } from '#domain/replies/interpretation.ts';
import type { AlertKind } from '#domain/alert-kinds.ts';
import type { UnresolvedAlertRef } from './alerts.ts';

/**
 * A patient's weekly side-effect check-in conversation as stored: the pure state machine's
 * state (shared/domain/replies/conversation.ts) plus what the use case needs to resume after a
 * crash and to write the report when it ends. One per patient (the latest); a new weekly
 * check-in replaces a closed one.
 */
export interface StoredConversation {
  patientId: string;
  studyId: string;
  /** dueAt of the weekly check-in (reminder) it answers: with state.checkInId, the reminder's key. */
  checkInDueAt: string;
  state: ConversationState;
  /**
   * The patient's replies in this conversation, in arrival order (the report's raw text), each
   * with the question it was read against (a resumed run reads it the same way again).
   */
  replies: { inboundMessageId: string; text: string; receivedAt: string; question: OpenQuestion }[];
  /** The question (template + params) sent after the last reply, so a retried message re-sends the same one. */
  lastPrompt?: { inboundMessageId: string; templateKey: string; params: Record<string, string> };
  relapseSignal: boolean;
  language: ReplyLanguage;
  /** When the current step times out; null once the conversation is done. */
  deadline: string | null;
  /** The report written when it ended (completed, timed out, unreadable or opted out) with something to report. */
  reportId?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface ConversationRepository {
  get(patientId: string): Promise<StoredConversation | null>;
  /**
   * The conversation and, in the same read, the patient's unresolved alerts of `kinds` (what
   * AlertRepository.listUnresolvedForPatient answers, in its order), strongly consistent. A
   * patient's free reply needs both: the conversation it may answer, and the open adherence
   * episodes a dose answer re-evaluates (docs/performance.md, "The reply's context in one read").
   */
  getWithUnresolvedAlerts(patientId: string, kinds: readonly AlertKind[]): Promise<{ conversation: StoredConversation | null; unresolvedAlerts: UnresolvedAlertRef[] }>;
  /**
   * Optimistic write: `expectedVersion` null = none stored yet; otherwise the stored version
   * must equal it. Stores version + 1 and returns what was stored. Throws StaleWriteError
   * (shared/ports/patients.ts) when it lost a race.
   */
  save(conversation: StoredConversation, expectedVersion: number | null): Promise<StoredConversation>;
  /** Open conversations whose step deadline is at or before `now`, oldest first, via the sparse queue (no Scan). */
  listTimedOut(now: string, limit?: number): Promise<StoredConversation[]>;
}
