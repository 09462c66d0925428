import protocolDocument from '../../protocol/nct05789017.protocol.json' with { type: 'json' };
import { parseProtocol, type Protocol } from '#domain/protocol.ts';

let cached: Protocol | undefined;

/** The protocol bundled into every function (esbuild inlines the JSON); validated once per cold start. */
export function bundledProtocol(): Protocol {
  cached ??= parseProtocol(protocolDocument, 'protocol/nct05789017.protocol.json');
  return cached;
}
