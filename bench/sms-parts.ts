/**
 * SMS parts per message (what is billed) for every template of the protocol in every language,
 * rendered with real values (the longest the default protocol produces: drug list, visit label,
 * date, symptom menu), without and with a 4-character mainland-China signature 【协和医院】; and
 * the reminder parts per patient-month over a whole study (schedule engine, both arms, both
 * languages). Per-template detail goes to bench/results/sms-parts.json.
 *
 *   npm run bench -- sms-parts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConversation } from '#app/inbound/index.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { LANGUAGES, TEMPLATE_KEYS, type Language, type Protocol, type TemplateKey } from '#domain/protocol.ts';
import { computeSchedule } from '#domain/schedule.ts';
import { countSmsParts, withSignature } from '#domain/sms-parts.ts';
import { formatDoses, formatLocalDate, renderReminder, renderTemplate } from '#domain/templates.ts';
import { makePatient } from '../test/support/patients.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  floor?: number;
  note?: string;
}

export const SIGNATURE = '协和医院';

/** The longest value of each placeholder the default protocol can produce (the realistic worst case). */
function realisticParams(protocol: Protocol, lang: Language): Record<string, string> {
  const longest = (values: string[]) => values.reduce((a, b) => (b.length > a.length ? b : a), '');
  const dates = Array.from({ length: 366 }, (_, i) => new Date(Date.UTC(2028, 0, 1 + i)).toISOString().slice(0, 10));
  const doses = [
    [
      { drug: 'prednisone', amount: 37.5, unit: 'mg', stepDown: true },
      { drug: 'mmf', amount: 0.75, unit: 'g', stepDown: false },
    ],
    [{ drug: 'mmf', amount: 0.75, unit: 'g', stepDown: false }],
    [{ drug: 'lef', amount: 20, unit: 'mg', stepDown: false }],
  ] as const;
  const labels = protocol.checkIns.proItems.map((p) => p.label[lang]);
  return {
    studyPhone: protocol.contacts.studyPhone,
    urgentPhone: protocol.contacts.urgentPhone,
    slot: longest([renderTemplate(protocol, lang, 'slot.morning'), renderTemplate(protocol, lang, 'slot.evening')]),
    drugs: longest(doses.map((d) => formatDoses(protocol, lang, d as never))),
    date: longest(dates.map((d) => formatLocalDate(d, lang))),
    visit: longest(protocol.visits.map((v) => v.label[lang])),
    items: labels.map((l, i) => (lang === 'zh-CN' ? `${i + 1}${l}` : `${i + 1} ${l}`)).join(lang === 'zh-CN' ? ' ' : ', '),
    item: longest(labels),
    term: longest(protocol.checkIns.proItems.map((p) => p.term)),
    key: protocol.checkIns.proItems[0]!.key,
  };
}

export interface TemplateParts {
  template: TemplateKey;
  language: Language;
  characters: number;
  encoding: string;
  parts: number;
  signedEncoding: string;
  signedParts: number;
}

export function templateParts(protocol: Protocol): TemplateParts[] {
  const rows: TemplateParts[] = [];
  for (const language of LANGUAGES) {
    const params = realisticParams(protocol, language);
    for (const template of TEMPLATE_KEYS) {
      if (template.startsWith('slot.') || protocol.templates[language][template] === undefined) continue; // slots are fragments, not messages
      // Conversation steps go through the use case's renderer (menu and item labels), the rest directly.
      const text = template.startsWith('checkin.') && template !== 'checkin.screen' ? safeConversation(protocol, language, template, params) : renderTemplate(protocol, language, template, params);
      const plain = countSmsParts(text);
      const signed = countSmsParts(withSignature(text, SIGNATURE));
      rows.push({ template, language, characters: plain.characters, encoding: plain.encoding, parts: plain.parts, signedEncoding: signed.encoding, signedParts: signed.parts });
    }
  }
  return rows;
}

function safeConversation(protocol: Protocol, language: Language, template: TemplateKey, params: Record<string, string>): string {
  try {
    return renderConversation(protocol, language, { templateKey: template, params: { key: params.key!, term: params.term! } } as never);
  } catch {
    return renderTemplate(protocol, language, template, params);
  }
}

/** Reminder SMS and parts per patient-month over the whole study, for one arm and language (schedule engine only; replies excluded). */
export function reminderPartsPerPatientMonth(protocol: Protocol, arm: 'MMF' | 'LEF', language: Language, signature?: string): { sms: number; parts: number; months: number } {
  const patient = makePatient(protocol, { arm, randomizedOn: '2027-07-05', language, enrolledOn: '2027-01-04' });
  const window = { from: '2027-01-03T16:00:00.000Z', to: '2028-12-31T16:00:00.000Z' };
  let sms = 0;
  let parts = 0;
  for (const item of computeSchedule(patient, protocol, window)) {
    sms++;
    parts += countSmsParts(withSignature(renderReminder(item, patient, protocol), signature)).parts;
  }
  const months = (protocol.endOfStudyDay + 1) / (365.25 / 12);
  return { sms, parts, months };
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function run(): Promise<BenchRow[]> {
  const protocol = loadProtocolFile();
  const detail = templateParts(protocol);
  const rows: BenchRow[] = [];
  for (const language of LANGUAGES) {
    const mine = detail.filter((d) => d.language === language);
    for (const signed of [false, true]) {
      const parts = mine.map((d) => (signed ? d.signedParts : d.parts));
      const over = mine.filter((d) => (signed ? d.signedParts : d.parts) > 1).map((d) => `${d.template} ${signed ? d.signedParts : d.parts}`);
      rows.push({
        name: `SMS parts per template, ${language}, ${signed ? `signed 【${SIGNATURE}】` : 'unsigned'}: max`,
        value: Math.max(...parts),
        unit: 'parts',
        floor: 1,
        note: `${mine.length} templates, mean ${round(parts.reduce((a, b) => a + b, 0) / parts.length)}; ${over.length === 0 ? 'all fit one part' : `over one part: ${over.join(', ')}`}`,
      });
    }
  }
  for (const arm of ['MMF', 'LEF'] as const) {
    for (const language of LANGUAGES) {
      const signed = reminderPartsPerPatientMonth(protocol, arm, language, SIGNATURE);
      const plain = reminderPartsPerPatientMonth(protocol, arm, language);
      rows.push({
        name: `reminder parts per patient-month, ${arm} arm, ${language}, signed`,
        value: round(signed.parts / signed.months, 1),
        unit: 'parts',
        floor: round(signed.sms / signed.months, 1),
        note: `${signed.sms} reminder SMS over ${round(signed.months, 1)} months (floor: one part each); unsigned ${round(plain.parts / plain.months, 1)}; replies not included (npm run simulate reports them)`,
      });
    }
  }
  const results = join(import.meta.dirname, 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'sms-parts.json'), `${JSON.stringify({ signature: `【${SIGNATURE}】`, templates: detail }, null, 2)}\n`);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
  console.table(templateParts(loadProtocolFile()));
}
