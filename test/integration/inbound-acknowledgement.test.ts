/**
 * An acknowledgement ("收到", "好的", "ok", 👍) answering a dose reminder: taken by default (the
 * protocol's `inbound.acknowledgementIsTaken`, docs/replies.md); a study that wants an explicit
 * answer turns it off, and then the check-in stays pending and the patient is asked again.
 */
import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { parseProtocol, type Protocol } from '#domain/protocol.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { afterMorningReminder as sentMorningReminder } from '../support/morning-reminder.ts';

const shipped = loadProtocolFile();
const local = useLocalDynamo();
const afterMorningReminder = (protocol: Protocol) => sentMorningReminder(local, protocol);

function withAcknowledgementIsTaken(value: boolean): Protocol {
  const doc = structuredClone(shipped);
  doc.inbound.acknowledgementIsTaken = value;
  return parseProtocol(doc);
}

describe('an acknowledgement answering a dose reminder', () => {
  it('the shipped protocol says so: taken', async () => {
    expect(shipped.inbound.acknowledgementIsTaken).toBe(true);
    const { deliver, outcome } = await afterMorningReminder(shipped);
    expect((await deliver('收到')).intent).toBe('dose_taken');
    expect(await outcome()).toBe('taken');
  });

  it.each(['收到', '好的', 'OK', '👍'])('turned off: %j leaves the check-in pending and asks again', async (body) => {
    const protocol = withAcknowledgementIsTaken(false);
    const { deliver, outcome, sent } = await afterMorningReminder(protocol);
    expect((await deliver(body)).intent).toBe('unclear');
    expect(await outcome()).toBe('pending');
    expect(sent).toHaveLength(1);
  });

  it.each(['是的', 'yes', '吃了', '1'])('turned off: an answer (%j) is still taken', async (body) => {
    const { deliver, outcome } = await afterMorningReminder(withAcknowledgementIsTaken(false));
    expect((await deliver(body)).intent).toBe('dose_taken');
    expect(await outcome()).toBe('taken');
  });
});

describe('the protocol value', () => {
  it('defaults to true when a protocol file leaves it out', () => {
    const doc = structuredClone(shipped) as unknown as { inbound: Record<string, unknown> };
    delete doc.inbound.acknowledgementIsTaken;
    expect(parseProtocol(doc).inbound.acknowledgementIsTaken).toBe(true);
  });
});
