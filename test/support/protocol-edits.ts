import { loadProtocolFile } from '#config/protocol-loader.ts';
import { parseProtocol, type Protocol } from '#domain/protocol.ts';

/** The study's protocol file as shipped. */
export const shipped = loadProtocolFile();

/** A deep copy of the shipped protocol, edited and re-validated like a protocol file would be. */
export function edited(edit: (doc: Protocol) => void): Protocol {
  const doc = structuredClone(shipped);
  edit(doc);
  return parseProtocol(doc);
}

/** The protocol's mainland SMS section (throws if the protocol has none). */
export function mainlandSection(p: Protocol): NonNullable<Protocol['mainlandSms']> {
  if (!p.mainlandSms) throw new Error('no mainlandSms section');
  return p.mainlandSms;
}
