import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInboundRecord } from '#adapters/sns/inbound-payload.ts';

/**
 * parseInboundRecord is the first thing that touches what SNS hands the inbound Lambda. Whatever
 * arrives — any JSON, any string in Sns.Message, payloads with wrong types — it never throws, and
 * either parses or names what is wrong by path and code only: never a value, so never a phone
 * number or a message body in a log line.
 */

/** A value that must never appear in an error: a phone-like number and a body-like text. */
const PHI_PHONE = '+8613912345678';
const PHI_BODY = '发烧39度 secret-body-marker';

const anyValue = fc.oneof(fc.jsonValue(), fc.anything(), fc.constant(PHI_PHONE), fc.constant(PHI_BODY));

function snsRecord(message: unknown, overrides: Record<string, unknown> = {}) {
  return { EventSource: 'aws:sns', Sns: { MessageId: 'sns-fuzz', Timestamp: '2027-01-16T00:20:00.000Z', Message: message, ...overrides } };
}

const payloadField = fc.record(
  {
    originationNumber: anyValue,
    destinationNumber: anyValue,
    messageKeyword: anyValue,
    messageBody: anyValue,
    inboundMessageId: anyValue,
    previousPublishedMessageId: anyValue,
  },
  { requiredKeys: [] },
);

function expectSafeOutcome(raw: unknown) {
  let result: ReturnType<typeof parseInboundRecord> | undefined;
  expect(() => (result = parseInboundRecord(raw))).not.toThrow();
  if (result!.ok) return result!;
  expect(result!.issues.length).toBeGreaterThan(0);
  for (const issue of result!.issues) {
    expect(typeof issue.path).toBe('string');
    expect(issue.path.length).toBeGreaterThan(0);
    expect(typeof issue.code).toBe('string');
    expect(Object.keys(issue).sort()).toEqual(['code', 'path']);
  }
  // snsMessageId is SNS's own id, echoed so the failure can be found in the DLQ; the issues carry no values.
  const text = JSON.stringify(result!.issues);
  expect(text).not.toContain(PHI_PHONE);
  expect(text).not.toContain('secret-body-marker');
  return result!;
}

describe('parseInboundRecord never throws and never leaks', () => {
  it('any value as the record', () => {
    fc.assert(fc.property(anyValue, (raw) => void expectSafeOutcome(raw)), { numRuns: 500 });
  });

  it('any string as Sns.Message (mostly not JSON)', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 2000 }), fc.constant(PHI_BODY)), (message) => void expectSafeOutcome(snsRecord(message))), { numRuns: 500 });
  });

  it('any JSON as Sns.Message, and payload objects with fields of any type', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), payloadField), (payload) => {
        let message: string;
        try {
          message = JSON.stringify(payload) ?? 'null';
        } catch {
          return; // a value JSON cannot carry (BigInt) never arrives from SNS
        }
        const result = expectSafeOutcome(snsRecord(message));
        if (!result.ok) {
          // Each issue points into the payload (or at the message as a whole).
          for (const issue of result.issues) expect(issue.path).toMatch(/^Sns\.Message/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a broken envelope (MessageId, Timestamp, Message of any type) is named by its path', () => {
    fc.assert(
      fc.property(anyValue, anyValue, anyValue, (messageId, timestamp, message) => {
        const result = expectSafeOutcome({ Sns: { MessageId: messageId, Timestamp: timestamp, Message: message } });
        if (!result.ok) for (const issue of result.issues) expect(issue.path).toMatch(/^(Sns(\.|$)|\(record\))/);
      }),
      { numRuns: 300 },
    );
  });

  it('a valid two-way payload with any body (all of Unicode, up to 1,600 characters) parses, and keeps the body as sent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 1600 }), fc.stringMatching(/^\+[1-9][0-9]{6,14}$/), fc.uuid(), (body, phone, id) => {
        const result = expectSafeOutcome(snsRecord(JSON.stringify({ originationNumber: phone, destinationNumber: '+12125550101', messageKeyword: 'KEYWORD_1', messageBody: body, inboundMessageId: id })));
        expect(result.ok).toBe(true);
        if (result.ok) {
          expect(result.record.payload.messageBody).toBe(body);
          expect(result.record.payload.originationNumber).toBe(phone);
          expect(result.record.receivedAt).toBe('2027-01-16T00:20:00.000Z');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a body over 1,600 characters is refused by path, without the body', () => {
    const result = expectSafeOutcome(snsRecord(JSON.stringify({ originationNumber: PHI_PHONE, destinationNumber: '+1', messageBody: `${PHI_BODY}${'x'.repeat(2000)}`, inboundMessageId: 'in-1' })));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path)).toContain('Sns.Message.messageBody');
  });
});
