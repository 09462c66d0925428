import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseProtocol, ProtocolError, type Protocol } from '#domain/protocol.ts';

export const DEFAULT_PROTOCOL_PATH = fileURLToPath(new URL('../../protocol/nct05789017.protocol.json', import.meta.url));

/** Reads and validates a protocol file; fails loudly naming the file, each bad field and why. */
export function loadProtocolFile(path: string = DEFAULT_PROTOCOL_PATH): Protocol {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProtocolError(path, [{ path: '(file)', message: `cannot be read: ${(error as Error).message}` }]);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ProtocolError(path, [{ path: '(file)', message: `is not valid JSON: ${(error as Error).message}` }]);
  }
  return parseProtocol(document, path);
}
