import type { Patient } from '#domain/patient.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import { optIn, optOut } from './commands.ts';
import { interpretReply } from '#domain/replies/interpret.ts';
import { conversationOnly, interpret, resolveContext, type OpenContext } from './context.ts';
import { advance } from './conversations.ts';
import { recordDoseAnswer, sameDayDoseAt } from './dose-answers.ts';
import { renderReply, renderConversationReply, sendReply, type ReplyRequest } from './replies.ts';
import { reportIdFor, type Run } from './run.ts';
import { fileReport, raiseRedFlag, raiseRelapseSignal, raiseSupply } from './triage.ts';

/** A text from an enrolled patient: command, dose answer, conversation step, report and alerts, one reply at most. */
export async function fromPatient(run: Run, patient: Patient): Promise<Interpretation> {
  const { deps, message } = run;
  // HELP, START and STOP are commands whatever was asked (they take precedence in interpretReply):
  // no open question is read for them. STOP reads only the weekly check-in conversation, to close it.
  const command = interpretReply(message.body, { openQuestion: null });
  const isCommand = command.intent === 'help' || command.intent === 'opt_in' || command.intent === 'opt_out';
  const context: OpenContext =
    command.intent === 'opt_out'
      ? await conversationOnly(run, patient)
      : isCommand
        ? { conversation: null, dose: null, named: null, resumeQuestion: null, openQuestion: null, adherenceAlerts: null }
        : await resolveContext(run, patient);
  let interpretation = isCommand ? command : interpret(message.body, context, deps.protocol);
  const inTrial = patient.status === 'active' || patient.status === 'paused';

  switch (interpretation.intent) {
    case 'opt_out':
      await optOut(run, patient, interpretation, context);
      return interpretation;
    case 'opt_in':
      await optIn(run, patient, interpretation);
      return interpretation;
    case 'help':
      await fileReport(run, { id: reportIdFor(message.inboundMessageId), patient, interpretation, source: 'sms' });
      await sendReply(run, patient, { purpose: 'help', ...renderReply(deps.protocol, patient.language, 'reply.help') });
      return interpretation;
    default:
      break;
  }

  // A reply may reply only to what was asked: ordinary replies go to patients in the trial who did
  // not opt out; the urgent-contact text goes to anyone who reports a red flag.
  const mayReply = inTrial && !patient.smsOptOut;
  let reply: ReplyRequest | null = null;

  // Dose answer on the check-in it answers. A reply that names the other dose time of the day
  // ("早上的药吃了" after the evening reminder) answers that one, or none if it was not sent.
  let doseRecorded = false;
  let doseCheckIn = context.dose;
  if (doseCheckIn && interpretation.doseAnswer && interpretation.answers === doseCheckIn.id && interpretation.doseSlot && doseCheckIn.slot && interpretation.doseSlot !== doseCheckIn.slot) {
    doseCheckIn = await sameDayDoseAt(run, doseCheckIn, interpretation.doseSlot);
    const { answers: _previous, ...rest } = interpretation;
    interpretation = doseCheckIn ? { ...rest, answers: doseCheckIn.id } : rest;
  }
  if (doseCheckIn && interpretation.doseAnswer && interpretation.answers === doseCheckIn.id) {
    const changed = await recordDoseAnswer(run, doseCheckIn, interpretation, patient, context.adherenceAlerts ?? undefined);
    doseRecorded = true;
    run.result.doseCheckInId = doseCheckIn.id;
    // The guidance after a new "missed" answers that check-in (one per check-in): never withheld by
    // the budget or the repeat guard. The same answer again is an ordinary, budgeted reply.
    if (interpretation.doseAnswer === 'missed' && mayReply) reply = { purpose: 'dose_missed', ...renderReply(deps.protocol, patient.language, 'reply.dose_missed'), answersQuestion: changed };
  }

  // Weekly check-in conversation.
  const feedsConversation =
    context.conversation !== null &&
    context.openQuestion !== null &&
    context.openQuestion.kind !== 'dose' &&
    (interpretation.answer !== undefined || ['side_effect', 'symptom', 'unclear'].includes(interpretation.intent)) &&
    // An auto-responder's canned text ("I'm driving") does not use up the patient's re-ask of the step.
    !(run.sender.autoReply && interpretation.intent === 'unclear' && interpretation.answer === undefined);
  let conversationReplied = false;
  if (feedsConversation && context.conversation) {
    const prompt = await advance(run, patient, context.conversation, context.openQuestion!, interpretation);
    if (prompt && mayReply) {
      reply = {
        purpose: 'conversation',
        ...renderConversationReply(deps.protocol, patient.language, prompt),
        checkIn: { id: context.conversation.state.checkInId, dueAt: context.conversation.checkInDueAt },
        answersQuestion: interpretation.intent !== 'unclear',
      };
      conversationReplied = true;
    }
  }

  // Report for review: everything but a plain dose confirmation or a plain conversation answer.
  const plain = !interpretation.redFlag && !interpretation.relapseSignal && ((interpretation.intent === 'dose_taken' && doseRecorded) || interpretation.intent === 'answer');
  let reportId: string | null = null;
  if (!plain || !inTrial) {
    const checkInId = interpretation.answers ?? (feedsConversation ? context.conversation?.state.checkInId : undefined);
    const report = await fileReport(run, { id: reportIdFor(message.inboundMessageId), patient, interpretation, source: 'sms', ...(checkInId ? { answersCheckInId: checkInId } : {}) });
    reportId = report.id;
  }

  if (interpretation.redFlag) {
    await raiseRedFlag(run, patient, interpretation, reportId ?? reportIdFor(message.inboundMessageId));
    // Inside a conversation the next question goes out and its closing text is the urgent one.
    if (!conversationReplied) reply = { purpose: 'urgent', ...renderReply(deps.protocol, patient.language, 'reply.urgent') };
  } else if (interpretation.relapseSignal && reportId) {
    await raiseRelapseSignal(run, patient, interpretation, reportId);
  }
  // A supply problem is neither "taken" nor simply "missed": its own item (urgent for a taper drug during the taper).
  if (interpretation.intent === 'supply' && inTrial) await raiseSupply(run, patient, interpretation, reportId ?? reportIdFor(message.inboundMessageId));

  if (!reply && mayReply) {
    if (interpretation.intent === 'side_effect' || interpretation.intent === 'symptom') reply = { purpose: 'thanks', ...renderReply(deps.protocol, patient.language, 'checkin.thanks') };
    else if (interpretation.intent === 'unclear') reply = { purpose: 'unclear', ...renderReply(deps.protocol, patient.language, 'reply.unclear') };
  }
  if (reply) await sendReply(run, patient, reply);
  return interpretation;
}
