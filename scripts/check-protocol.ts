/**
 * Validates a protocol file before it goes live: `npm run protocol:check -- path/to/protocol.json`
 * (default: the shipped protocol). Prints every bad field with its reason, or a summary and the
 * values still marked for the investigator to confirm. Exit code 1 when invalid.
 */
import { loadProtocolFile, DEFAULT_PROTOCOL_PATH } from '#config/protocol-loader.ts';
import { ProtocolError } from '#domain/protocol.ts';
import { countSmsParts } from '#domain/sms-parts.ts';

const path = process.argv[2] ?? DEFAULT_PROTOCOL_PATH;
try {
  const protocol = loadProtocolFile(path);
  console.log(`${path}: valid — ${protocol.protocolId} v${protocol.version}`);
  console.log(`  induction days ${protocol.phases.induction.fromDay}–${protocol.phases.induction.toDay}, maintenance to day ${protocol.endOfStudyDay}; ${protocol.visits.length} visits; ${protocol.checkIns.proItems.length} check-in items`);
  const long = (['zh-CN', 'en'] as const).flatMap((lang) =>
    Object.entries(protocol.templates[lang])
      .map(([key, text]) => ({ lang, key, parts: countSmsParts(text).parts }))
      .filter((t) => t.parts > 1),
  );
  for (const t of long) console.log(`  note: template ${t.lang} ${t.key} is ${t.parts} SMS parts before values are filled in`);
  if (protocol.toConfirm.length > 0) {
    console.log(`  ${protocol.toConfirm.length} values still to confirm by the investigator:`);
    for (const item of protocol.toConfirm) console.log(`    - ${item.path}: ${item.note}`);
  }
} catch (error) {
  if (error instanceof ProtocolError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
