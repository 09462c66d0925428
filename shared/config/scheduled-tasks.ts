import * as z from '#domain/zod.ts';

/**
 * Scheduled tasks carried by a constant schedule input (infra/stacks/stateless-stack.ts) to a
 * function that is not only scheduled: inbound-sms answers SNS deliveries and, every
 * `inbound.retryAfterMinutes`, this task (docs/replies.md, "Never lost").
 */
export const RETRY_UNPROCESSED_INBOUND_TASK = 'retry-unprocessed-inbound';

/** The schedule's input: `task` decides; the scheduler's other fields (source, job, scheduledTime) are kept, not relied on. */
export const retryUnprocessedInboundEventSchema = z.looseObject({ task: z.literal(RETRY_UNPROCESSED_INBOUND_TASK) });
