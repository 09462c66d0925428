import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { LANGUAGES, TEMPLATE_KEYS, type Language, type TemplateKey } from '#domain/protocol.ts';
import { computeSchedule, type ScheduledDose, type ScheduledItem } from '#domain/schedule.ts';
import { countSmsParts, withSignature } from '#domain/sms-parts.ts';
import { formatDoses, formatLocalDate, renderReminder, renderTemplate, TemplateError } from '#domain/templates.ts';
import { makePatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
/** A registered mainland-China signature of 4 characters: 【协和医院】 costs 6 UCS-2 units. */
const SIGNATURE = '协和医院';

function doseItem(doses: ScheduledDose[], slot: 'morning' | 'evening' = 'morning'): ScheduledItem {
  return {
    id: 'pat-0001:dose:2027-02-01:0800:morning:abcd1234',
    patientId: 'pat-0001',
    kind: 'dose',
    dueAt: '2027-02-01T00:00:00Z',
    expiresAt: '2027-02-01T02:00:00Z',
    localDate: '2027-02-01',
    localTime: '08:00',
    timeZone: 'Asia/Shanghai',
    studyDay: 28,
    phase: 'induction',
    slot,
    doses,
  };
}

const INDUCTION_WORST: ScheduledDose[] = [
  { drug: 'prednisone', amount: 37.5, unit: 'mg', stepDown: true },
  { drug: 'mmf', amount: 0.75, unit: 'g', stepDown: false },
];

describe('renderTemplate', () => {
  it('fills every {name} placeholder', () => {
    expect(renderTemplate(protocol, 'zh-CN', 'reply.help', { studyPhone: '010-1234-5678' })).toBe('研究联系电话010-1234-5678。回复TD退订，START恢复');
  });

  it('a missing parameter is an error that names it (never a literal "{studyPhone}" in an SMS)', () => {
    expect(() => renderTemplate(protocol, 'en', 'reply.help', {})).toThrow(TemplateError);
    expect(() => renderTemplate(protocol, 'en', 'reply.help', {})).toThrow(/"studyPhone"/);
  });
});

describe('renderReminder: dose reminders', () => {
  it('one SMS lists every drug due at that slot with its amount, in Chinese', () => {
    const text = renderReminder(doseItem(INDUCTION_WORST), makePatient(protocol), protocol);
    expect(text).toBe('早上服药：泼尼松 37.5mg、吗替麦考酚酯 0.75g。已服回复1，漏服回复2');
  });

  it('in English for an English-speaking patient', () => {
    const text = renderReminder(doseItem(INDUCTION_WORST, 'evening'), makePatient(protocol, { language: 'en' }), protocol);
    expect(text).toBe('Evening: prednisone 37.5mg, MMF 0.75g. Reply 1 taken, 2 missed');
  });

  it("shows today's prednisone dose from the schedule (the new dose on a step-down day)", () => {
    const patient = makePatient(protocol);
    const items = computeSchedule(patient, protocol, { from: '2027-02-01T00:00:00.000Z', to: '2027-02-01T01:00:00.000Z' });
    expect(items).toHaveLength(1);
    expect(renderReminder(items[0]!, patient, protocol)).toContain('泼尼松 35mg');
  });

  it.each(LANGUAGES)('a discreet patient (%s) gets no drug name, no amount and never the disease', (language) => {
    const text = renderReminder(doseItem(INDUCTION_WORST), makePatient(protocol, { language, discreet: true }), protocol);
    for (const drug of Object.values(protocol.drugs)) for (const name of Object.values(drug.name)) expect(text.toLowerCase()).not.toContain(name.toLowerCase());
    expect(text).not.toMatch(/\d+(\.\d+)?\s?(mg|g)\b/);
    expect(text).not.toMatch(/igg4/i);
  });

  it('a protocol whose discreet template names a drug is refused at render time', () => {
    const leaky = structuredClone(protocol);
    leaky.templates['zh-CN']['dose.reminder.discreet'] = '{slot}请服泼尼松';
    expect(() => renderReminder(doseItem(INDUCTION_WORST), makePatient(protocol, { discreet: true }), leaky)).toThrow(/names a drug/);
  });
});

describe('renderReminder: visits, labs, check-ins', () => {
  const visit: ScheduledItem = { ...doseItem([]), kind: 'visit', slot: undefined, doses: undefined, visitKey: 'm12', visitDate: '2028-01-04', leadDays: 7 };

  it('names the visit and its date', () => {
    expect(renderReminder(visit, makePatient(protocol), protocol)).toBe('提醒：1月4日是您的第12个月复诊，请按时到院。有问题请致电010-0000-0000');
    expect(renderReminder(visit, makePatient(protocol, { language: 'en' }), protocol)).toBe('Your month 12 visit is on Tue 4 Jan. Questions: 010-0000-0000');
  });

  it('a discreet patient, or an unscheduled visit without a protocol label, gets the discreet wording', () => {
    const discreet = renderReminder(visit, makePatient(protocol, { discreet: true }), protocol);
    expect(discreet).toBe(renderTemplate(protocol, 'zh-CN', 'visit.reminder.discreet', { date: '1月4日', studyPhone: protocol.contacts.studyPhone }));
    const unscheduled = renderReminder({ ...visit, visitKey: 'extra1' }, makePatient(protocol), protocol);
    expect(unscheduled).toBe(discreet);
  });

  it('lab reminders carry the lab date; check-ins the screening question', () => {
    const lab = { ...visit, kind: 'lab' as const, visitKey: undefined, visitDate: '2027-07-19' };
    expect(renderReminder(lab, makePatient(protocol), protocol)).toContain('7月19日');
    expect(renderReminder({ ...visit, kind: 'checkin' }, makePatient(protocol, { language: 'en' }), protocol)).toBe(protocol.templates.en['checkin.screen']);
  });
});

/**
 * Worst-case realistic parameters for every template: the longest drug list, visit label, date
 * and symptom label the default protocol can produce.
 */
function worstCaseParams(lang: Language): Record<TemplateKey, Record<string, string>> {
  const longest = (values: string[]) => values.reduce((a, b) => (b.length > a.length ? b : a), '');
  const allDates = Array.from({ length: 366 }, (_, i) => new Date(Date.UTC(2028, 0, 1 + i)).toISOString().slice(0, 10));
  const date = longest(allDates.map((d) => formatLocalDate(d, lang)));
  const slot = longest([renderTemplate(protocol, lang, 'slot.morning'), renderTemplate(protocol, lang, 'slot.evening')]);
  const drugs = longest([
    formatDoses(protocol, lang, INDUCTION_WORST),
    formatDoses(protocol, lang, [{ drug: 'mmf', amount: 0.75, unit: 'g', stepDown: false }]),
    formatDoses(protocol, lang, [{ drug: 'lef', amount: 20, unit: 'mg', stepDown: false }]),
  ]);
  const visit = longest(protocol.visits.map((v) => v.label[lang]));
  const labels = protocol.checkIns.proItems.map((p) => p.label[lang]);
  // The conversation's menu: "1腹泻 2恶心 …" / "1 diarrhea, 2 nausea, …" (all items on one page).
  const items = labels.map((l, i) => (lang === 'zh-CN' ? `${i + 1}${l}` : `${i + 1} ${l}`)).join(lang === 'zh-CN' ? ' ' : ', ');
  const common = { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone };
  const params = {} as Record<TemplateKey, Record<string, string>>;
  for (const key of TEMPLATE_KEYS) params[key] = { ...common, slot, drugs, date, visit, items, item: longest(labels) };
  return params;
}

/** The templates the dispatcher sends, by the hundred per patient: they must fit one part even signed in English. */
const REMINDER_TEMPLATES: TemplateKey[] = ['dose.reminder', 'dose.reminder.discreet', 'visit.reminder', 'visit.reminder.discreet', 'lab.reminder', 'checkin.screen'];

describe('SMS parts of every default template (worst-case values)', () => {
  const rows: { template: string; lang: string; chars: number; unsigned: number; signed: number; encodingSigned: string }[] = [];
  for (const lang of LANGUAGES) {
    const params = worstCaseParams(lang);
    for (const key of TEMPLATE_KEYS) {
      const text = renderTemplate(protocol, lang, key, params[key]);
      const signed = countSmsParts(withSignature(text, SIGNATURE));
      rows.push({ template: key, lang, chars: countSmsParts(text).characters, unsigned: countSmsParts(text).parts, signed: signed.parts, encodingSigned: signed.encoding });
    }
  }

  it('prints the table for the closing note', () => {
    console.log('\nSMS parts per default template (worst case; signed = with 【协和医院】)');
    console.table(rows);
    expect(rows).toHaveLength(TEMPLATE_KEYS.length * LANGUAGES.length);
  });

  it.each(TEMPLATE_KEYS)('zh-CN "%s" fits one part with the China signature', (key) => {
    expect(rows.find((r) => r.lang === 'zh-CN' && r.template === key)!.signed).toBe(1);
  });

  it.each(TEMPLATE_KEYS)('en "%s" fits one GSM-7 part without a signature', (key) => {
    expect(rows.find((r) => r.lang === 'en' && r.template === key)!.unsigned).toBe(1);
  });

  it.each(REMINDER_TEMPLATES)('en reminder "%s" fits one part even signed (UCS-2, 70 units)', (key) => {
    expect(rows.find((r) => r.lang === 'en' && r.template === key)!.signed).toBe(1);
  });

  it('every rendered reminder of a whole study, both arms, both languages, discreet or not, is one part when signed', () => {
    const window = { from: '2026-12-01T00:00:00Z', to: '2029-01-01T00:00:00Z' };
    const seen = new Map<number, string>();
    for (const arm of ['MMF', 'LEF'] as const) {
      for (const language of LANGUAGES) {
        for (const discreet of [false, true]) {
          const patient = makePatient(protocol, { arm, randomizedOn: '2027-07-05', language, discreet, parameters: { ...makePatient(protocol).parameters, prednisoneStartMg: 60 } });
          for (const item of computeSchedule(patient, protocol, window)) {
            const parts = countSmsParts(withSignature(renderReminder(item, patient, protocol), SIGNATURE)).parts;
            if (!seen.has(parts)) seen.set(parts, `${language} ${item.kind} ${item.localDate}`);
          }
        }
      }
    }
    expect([...seen.keys()]).toEqual([1]);
  });
});
