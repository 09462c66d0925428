import type { SNSEvent } from 'aws-lambda';

/**
 * One two-way SMS as the inbound-sms function receives it: the End User Messaging JSON in an SNS
 * record (message id `sns-<inboundMessageId>`), at `at`. `extra` adds or overrides fields of the
 * SMS JSON (provider metadata, previousPublishedMessageId …).
 */
export function snsTextEvent(text: { from: string; body: string; inboundMessageId: string; at: string; extra?: Record<string, unknown> }): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: {
          MessageId: `sns-${text.inboundMessageId}`,
          TopicArn: 'arn:aws:sns:us-east-1:000000000000:inbound',
          Timestamp: text.at,
          Message: JSON.stringify({ originationNumber: text.from, destinationNumber: '+8610690000', messageKeyword: 'KEYWORD_1', messageBody: text.body, inboundMessageId: text.inboundMessageId, ...text.extra }),
        },
      },
    ],
  } as unknown as SNSEvent;
}
