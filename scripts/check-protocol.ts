/**
 * Validates a protocol file before it goes live: `npm run protocol:check -- path/to/protocol.json`
 * (default: the shipped protocol). Prints every bad field with its reason, or a summary and the
 * values still marked for the investigator to confirm. With a `mainlandSms` section it also checks
 * the Alibaba Cloud template mapping and prints the template texts to submit for approval.
 * Exit code 1 when invalid.
 */
import { loadProtocolFile, DEFAULT_PROTOCOL_PATH } from '#config/protocol-loader.ts';
import { validateMainlandSms } from '#domain/mainland-sms.ts';
import { ProtocolError } from '#domain/protocol.ts';
import { countSmsParts } from '#domain/sms-parts.ts';

const path = process.argv[2] ?? DEFAULT_PROTOCOL_PATH;
try {
  const protocol = loadProtocolFile(path);
  const mainland = validateMainlandSms(protocol);
  if (mainland.problems.length > 0) throw new ProtocolError(path, mainland.problems);
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
  const section = protocol.mainlandSms;
  if (section) {
    const languages = Object.keys(section.templates).join(', ');
    console.log(`\nMainland China (${section.provider}): signature 【${section.signName}】, languages ${languages}; ${mainland.submissions.length} templates, each at most ${section.maxChars} characters with the signature`);
    for (const note of mainland.notes) console.log(`  ${note}`);
    console.log('  Templates to submit for approval (type: 短信通知 / notification):');
    for (const s of mainland.submissions) {
      console.log(`\n  ${s.code}  ${s.lang} ${s.key}`);
      console.log(`    text:      ${s.text}`);
      for (const v of s.variables) console.log(`    variable:  \${${v.name}} (${v.placeholder}, at most ${v.maxLength} characters)`);
      console.log(`    longest:   ${s.longest} (${s.longestChars}/${section.maxChars})`);
    }
  }
} catch (error) {
  if (error instanceof ProtocolError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
