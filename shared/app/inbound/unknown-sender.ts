import { e164Schema } from '#domain/patient.ts';
import type { Language, TemplateKey } from '#domain/protocol.ts';
import { interpretReply } from '#domain/replies/interpret.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import { utcToLocal } from '#domain/schedule.ts';
import { render, sendReply } from './replies.ts';
import { reportIdFor, replyIdFor, type Run } from './run.ts';
import { fileReport, raiseRedFlag } from './triage.ts';

/** Kept for review (no patient is created); at most one neutral reply per number and local day. */
export async function fromUnknownNumber(run: Run): Promise<Interpretation> {
  const { deps, message } = run;
  const interpretation = interpretReply(message.body, { openQuestion: null });
  const report = await fileReport(run, { id: reportIdFor(message.inboundMessageId), patient: null, interpretation, source: 'unknown_sender' });
  if (interpretation.redFlag) await raiseRedFlag(run, null, interpretation, report.id);

  if (!e164Schema.safeParse(message.from).success) return interpretation; // a short code cannot be answered
  const language: Language = interpretation.language === 'en' ? 'en' : 'zh-CN';
  const key: TemplateKey = interpretation.intent === 'help' ? 'reply.help' : interpretation.intent === 'opt_out' ? 'reply.stop_confirm' : 'reply.unknown_number';
  const replyId = replyIdFor(message.inboundMessageId, 'unknown_number');
  // The day's claim comes first: a crash between claim and send loses that one reply (at most one a day wins).
  if (!(await deps.messages.getOutbound(replyId))) {
    const localDate = utcToLocal(message.receivedAt, deps.protocol.studyTimeZone).localDate;
    if (!(await deps.messages.claimUnknownSenderReply(message.from, localDate))) return interpretation;
  }
  await sendReply(run, null, { purpose: 'unknown_number', text: render(deps.protocol, language, key) });
  return interpretation;
}
