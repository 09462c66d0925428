import type { Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import { advanceConversation, expireIfTimedOut, summarizeConversation, type ConversationState, type ProItem, type TemplateReply } from '#domain/replies/conversation.ts';
import type { OpenQuestion } from '#domain/replies/interpret.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import { plusMinutes } from '#domain/schedule.ts';
import type { AuditTrail } from '#ports/audit.ts';
import type { ConversationRepository, StoredConversation } from '#ports/conversations.ts';
import { StaleWriteError } from '#ports/patients.ts';
import type { Report, ReportRepository } from '#ports/reports.ts';
import type { OpenContext } from './context.ts';
import { conversationReportIdFor, PATIENT_ACTOR, SAVE_ATTEMPTS, SYSTEM_ACTOR, type InboundSmsDeps, type Run } from './run.ts';
import { createReportAudited } from './triage.ts';

/** The weekly check-in conversation: feeding a reply to it, closing it (with its report), expiring timed-out steps. */

/** Feeds the reply to the conversation (once per message) and returns the question or closing text to send. */
export async function advance(
  run: Run,
  patient: Patient,
  conversation: NonNullable<OpenContext['conversation']>,
  question: OpenQuestion,
  interpretation: Interpretation,
): Promise<TemplateReply | null> {
  const { deps, message } = run;
  const proItems = proItemsOf(deps.protocol);
  let current = conversation.stored?.state.checkInId === conversation.state.checkInId ? conversation.stored : null;
  let state = current ? current.state : conversation.state;
  let expected = conversation.stored?.version ?? null;
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    if (current?.replies.some((r) => r.inboundMessageId === message.inboundMessageId)) {
      // This message was applied by an earlier, interrupted delivery: send the same question again.
      return current.lastPrompt?.inboundMessageId === message.inboundMessageId ? { templateKey: current.lastPrompt.templateKey, params: current.lastPrompt.params } : null;
    }
    const step = advanceConversation(state, interpretation, proItems, message.receivedAt);
    const next: StoredConversation = {
      patientId: patient.id,
      studyId: patient.studyId,
      checkInDueAt: conversation.checkInDueAt,
      state: step.state,
      replies: [...(current?.replies ?? []), { inboundMessageId: message.inboundMessageId, text: message.body, receivedAt: message.receivedAt, question }],
      ...(step.reply ? { lastPrompt: { inboundMessageId: message.inboundMessageId, templateKey: step.reply.templateKey, params: step.reply.params } } : {}),
      relapseSignal: (current?.relapseSignal ?? false) || interpretation.relapseSignal,
      language: current?.language && current.language !== 'unknown' ? current.language : interpretation.language,
      deadline: step.state.step === 'done' ? null : plusMinutes(step.state.stepStartedAt, deps.protocol.checkIns.stepTimeoutMinutes),
      createdAt: current?.createdAt ?? run.now,
      updatedAt: run.now,
      version: expected ?? 0,
    };
    try {
      if (step.state.step === 'done') await closeConversation(deps, { ...next, version: expected ?? 0 }, step.state, run.now, PATIENT_ACTOR, expected);
      else await deps.conversations.save(next, expected);
      return step.reply;
    } catch (error) {
      if (!(error instanceof StaleWriteError)) throw error;
      const fresh = await deps.conversations.get(patient.id);
      if (!fresh || fresh.state.checkInId !== conversation.state.checkInId) {
        // Another check-in took its place meanwhile: this reply stays a plain report.
        return null;
      }
      current = fresh;
      state = fresh.state;
      expected = fresh.version;
    }
  }
  throw new StaleWriteError(`conversation of patient ${patient.id} kept changing`);
}

/**
 * Ends a conversation (completed, timed out, unreadable, opted out): files its answers as one
 * report when there is anything to report, then stores it closed (out of the timeout queue).
 * The report goes first and has a deterministic id, so a crash between the two only repeats it.
 */
export async function closeConversation(
  deps: Pick<InboundSmsDeps, 'conversations' | 'reports' | 'audit'>,
  stored: StoredConversation,
  closed: ConversationState,
  now: string,
  actor: string,
  expectedVersion: number | null = stored.version,
): Promise<StoredConversation> {
  const summary = summarizeConversation(closed);
  let reportId: string | undefined;
  const last = stored.replies.at(-1);
  if (summary.items.length > 0 && last) {
    const report: Report = {
      id: conversationReportIdFor(stored.patientId, closed.checkInId),
      patientId: stored.patientId,
      studyId: stored.studyId,
      inboundMessageId: last.inboundMessageId,
      receivedAt: last.receivedAt,
      createdAt: now,
      updatedAt: now,
      text: stored.replies.map((r) => r.text).join('\n'),
      interpretation: {
        intent: 'side_effect',
        items: summary.items,
        redFlag: summary.redFlag,
        relapseSignal: stored.relapseSignal,
        answers: closed.checkInId,
        language: stored.language,
        endReason: summary.endReason,
      },
      answersCheckInId: closed.checkInId,
      source: 'checkin_conversation',
      status: 'open',
      version: 1,
    };
    reportId = (await createReportAudited(deps, report, actor)).id;
  }
  const next: StoredConversation = { ...stored, state: closed, deadline: null, updatedAt: now, ...(reportId ? { reportId } : {}) };
  return deps.conversations.save(next, expectedVersion);
}

/** Closes a conversation the sweep may be closing at the same moment: the loser reads the winner's result. */
export async function closeRacing(deps: InboundSmsDeps, stored: StoredConversation, closed: ConversationState, now: string): Promise<StoredConversation | null> {
  try {
    return await closeConversation(deps, stored, closed, now, PATIENT_ACTOR);
  } catch (error) {
    if (!(error instanceof StaleWriteError)) throw error;
    return deps.conversations.get(stored.patientId);
  }
}

export interface ExpireConversationsDeps {
  conversations: ConversationRepository;
  reports: ReportRepository;
  audit: AuditTrail;
  protocol: Protocol;
}

/**
 * Closes every conversation whose step timed out (the sweep calls this): the partial answers are
 * filed as a report. Reads only the sparse queue of open conversations, never the table.
 */
export async function expireConversations(deps: ExpireConversationsDeps, now: string): Promise<{ expired: number; reports: number }> {
  let expired = 0;
  let reports = 0;
  for (const listed of await deps.conversations.listTimedOut(now)) {
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
      const stored = attempt === 0 ? listed : await deps.conversations.get(listed.patientId);
      if (!stored || stored.state.step === 'done') break;
      const result = expireIfTimedOut(stored.state, now, deps.protocol.checkIns.stepTimeoutMinutes);
      if (!result.timedOut) break;
      try {
        const closed = await closeConversation(deps, stored, result.state, now, SYSTEM_ACTOR);
        expired++;
        if (closed.reportId) reports++;
        break;
      } catch (error) {
        if (!(error instanceof StaleWriteError)) throw error;
      }
    }
  }
  return { expired, reports };
}

export function proItemsOf(protocol: Protocol): ProItem[] {
  return protocol.checkIns.proItems.map((p) => ({ key: p.key, term: p.term, ...(p.attribute ? { attribute: p.attribute } : {}) }));
}
