/** The inbound-SMS use case (one file per concern); this is its public entry point. */
export { handleInboundSms } from './handle-inbound-sms.ts';
export { expireConversations, type ExpireConversationsDeps } from './conversations.ts';
export { renderConversation } from './replies.ts';
export {
  conversationReportIdFor,
  PATIENT_ACTOR,
  replyIdFor,
  reportIdFor,
  SYSTEM_ACTOR,
  type InboundResult,
  type InboundSmsDeps,
  type InboundStatus,
} from './run.ts';
export { processStoredInbound } from './handle-inbound-sms.ts';
export { retryUnprocessedInbound, type RetryUnprocessedResult } from './retry-unprocessed.ts';
