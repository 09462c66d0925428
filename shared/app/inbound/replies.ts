import type { Patient } from '#domain/patient.ts';
import type { Language, Protocol, TemplateKey } from '#domain/protocol.ts';
import type { TemplateReply } from '#domain/replies/conversation.ts';
import { countSmsParts, withSignature } from '#domain/sms-parts.ts';
import { formatCheckInMenu, renderMessage, renderTemplate, type RenderedSms } from '#domain/templates.ts';
import type { OutboundMessage } from '#ports/messages.ts';
import { SmsSendError, type SmsTemplateRef } from '#ports/sms.ts';
import { senderRef } from '#domain/inbound-guards.ts';
import { raiseAlert } from '../alerts.ts';
import { replyGate } from './reply-budget.ts';
import { alerting, PATIENT_ACTOR, replyIdFor, reportIdFor, type Run } from './run.ts';

/** Replies to the sender: at most once per message and purpose, rendered from the protocol's templates. */

/** A reply to the sender of the message being processed. */
export interface ReplyRequest {
  purpose: string;
  text: string;
  /** The template behind `text`, for providers that send approved templates only (mainland China). */
  template?: SmsTemplateRef;
  checkIn?: { id: string; dueAt: string };
  /**
   * The reply follows an answer to a question the system asked and is bounded by it (outside the
   * budget): a weekly check-in question after an answer (re-asks are inside), the missed-dose
   * guidance after a check-in newly answered "missed" (domain/inbound-guards.ts replyClassOf).
   */
  answersQuestion?: boolean;
}

/**
 * Check-then-send with a deterministic id (inboundMessageId + purpose): a retry finds the
 * recorded reply and sends nothing (the first delivery has nothing to find and reads nothing). The window: a crash after the provider accepted the SMS and
 * before it was recorded sends it once more on the retry (at least once, never silently none —
 * the urgent-contact text must not be lost). Concurrent deliveries cannot both get here: the
 * processing lease lets one through. Before sending, the reply budget may withhold it
 * (reply-budget.ts; `gated: false` when the caller applied its own limits, as for unknown numbers).
 */
export async function sendReply(run: Run, patient: Patient | null, reply: ReplyRequest, options: { gated?: boolean } = {}): Promise<void> {
  const { deps, message } = run;
  const id = replyIdFor(message.inboundMessageId, reply.purpose);
  // Only a resumed run can find its reply sent: the delivery that stored the message holds the
  // first lease, so nothing before it can have sent a reply with this id.
  if (run.resumed && (await deps.messages.getOutbound(id))) {
    run.result.replyIds.push(id);
    return;
  }
  if (options.gated !== false) {
    const withheld = await replyGate(run, patient, reply, id);
    if (withheld) {
      run.result.withheldReplies.push({ purpose: reply.purpose, reason: withheld });
      return;
    }
  }
  let providerMessageId: string;
  try {
    ({ messageId: providerMessageId } = await deps.sms.send({ to: message.from, body: reply.text, ...(reply.template ? { template: reply.template } : {}) }));
  } catch (error) {
    if (error instanceof SmsSendError && error.kind === 'permanent') {
      run.result.replyFailures.push({ purpose: reply.purpose, reason: error.reason });
      if (reply.purpose === 'urgent') await raiseUrgentReplyFailed(run, patient, error.reason);
      return;
    }
    throw error; // transient: the message is retried; everything before this is idempotent
  }
  const outbound: OutboundMessage = {
    id,
    providerMessageId,
    to: message.from,
    body: reply.text,
    parts: countSmsParts(withSignature(reply.text, deps.smsSignature)).parts,
    sentAt: deps.clock.now(),
    patientId: patient?.id ?? null,
    studyId: patient?.studyId ?? null,
    purpose: reply.checkIn ? 'conversation' : 'reply',
    inReplyTo: message.inboundMessageId,
    ...(reply.checkIn ? { reminderId: reply.checkIn.id, reminderDueAt: reply.checkIn.dueAt } : {}),
  };
  await deps.messages.recordOutbound(outbound);
  run.result.replyIds.push(id);
}

/**
 * The urgent-contact text after a red flag was refused by the provider (4xx) or timed out with no
 * answer: the patient may not have the number to call, so a person must call them. A worklist item
 * next to the red flag, not a log line.
 */
async function raiseUrgentReplyFailed(run: Run, patient: Patient | null, reason: string): Promise<void> {
  const { message } = run;
  const who = patient?.studyId ?? `unknown number ${senderRef(message.from)}`;
  const { alert } = await raiseAlert(alerting(run.deps), {
    kind: 'sms_failure',
    urgent: false,
    episodeKey: `urgent_reply_failed:${message.inboundMessageId}`,
    patientId: patient?.id ?? null,
    studyId: patient?.studyId ?? null,
    title: `${who}: the urgent-contact text after a red flag was not sent (${reason}); call the sender`,
    details: { studyId: patient?.studyId ?? null, inboundMessageId: message.inboundMessageId, reason, reportId: reportIdFor(message.inboundMessageId) },
    sourceId: message.inboundMessageId,
    now: run.now,
    actor: PATIENT_ACTOR,
  });
  if (!run.result.alertIds.includes(alert.id)) run.result.alertIds.push(alert.id);
}

export function render(protocol: Protocol, language: Language, key: TemplateKey, params: Record<string, string> = {}): string {
  return renderTemplate(protocol, language, key, { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone, ...params });
}

/** `render` with the template behind the text, for providers that send approved templates only (mainland China). */
export function renderReply(protocol: Protocol, language: Language, key: TemplateKey, params: Record<string, string> = {}): RenderedSms {
  return renderMessage(protocol, language, key, { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone, ...params });
}

/** Conversation templates the protocol may not define (re-asks, unreadable close) fall back to the base question. */
const CONVERSATION_FALLBACK: Record<string, TemplateKey> = {
  'checkin.screen': 'checkin.screen',
  'checkin.screen_retry': 'checkin.screen',
  'checkin.items_menu': 'checkin.items_menu',
  'checkin.items_retry': 'checkin.items_menu',
  'checkin.severity_question': 'checkin.severity_question',
  'checkin.severity_retry': 'checkin.severity_question',
  'checkin.thanks': 'checkin.thanks',
  'checkin.thanks_urgent': 'checkin.thanks_urgent',
  'checkin.closed_unreadable': 'checkin.thanks',
};

/** Renders a conversation step: the numbered menu and item labels come from the protocol, in the patient's language. */
export function renderConversation(protocol: Protocol, language: Language, prompt: TemplateReply): string {
  return renderConversationReply(protocol, language, prompt).text;
}

/** renderConversation with the template behind the text. */
export function renderConversationReply(protocol: Protocol, language: Language, prompt: TemplateReply): RenderedSms {
  const items = protocol.checkIns.proItems;
  const menu = formatCheckInMenu(protocol, language);
  const item = items.find((p) => p.key === prompt.params.key)?.label[language] ?? prompt.params.term ?? '';
  const key = (prompt.templateKey in protocol.templates[language] ? prompt.templateKey : CONVERSATION_FALLBACK[prompt.templateKey]) as TemplateKey | undefined;
  if (!key) throw new Error(`no template for conversation step "${prompt.templateKey}"`);
  return renderReply(protocol, language, key, { ...prompt.params, items: menu, item });
}
