import type { Patient } from './patient.ts';
import type { Language, Protocol, TemplateKey } from './protocol.ts';
import type { ScheduledDose, ScheduledItem } from './schedule.ts';
import { isoWeekdayOfEpochDay, monthDayOf, parsePlainDate } from './zoned-time.ts';

/**
 * Message rendering from the protocol's templates (`protocol.templates[lang][key]`, `{name}`
 * placeholders). Pure. What a patient may read is decided here: the disease is never named, and
 * drug names appear only in the non-discreet dose template.
 */

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export type TemplateParams = Record<string, string | number>;

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** Fills `{name}` placeholders; a placeholder without a value is an error naming it (never a literal "{name}" in an SMS). */
export function renderTemplate(protocol: Protocol, lang: Language, key: TemplateKey, params: TemplateParams = {}): string {
  const template = protocol.templates[lang][key];
  if (template === undefined) throw new TemplateError(`template "${key}" is missing for ${lang}`);
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TemplateError(`template "${key}" (${lang}) needs the parameter "${name}"`);
    return String(value);
  });
}

/** "泼尼松 30mg、吗替麦考酚酯 0.75g" / "prednisone 30mg, MMF 0.75g": every drug due at one dose time, in one line. */
export function formatDoses(protocol: Protocol, lang: Language, doses: readonly ScheduledDose[]): string {
  const separator = lang === 'zh-CN' ? '、' : ', ';
  return doses
    .map((dose) => {
      const name = protocol.drugs[dose.drug]?.name[lang];
      if (!name) throw new TemplateError(`drug "${dose.drug}" has no name in ${lang}`);
      return `${name} ${formatAmount(dose.amount)}${dose.unit}`;
    })
    .join(separator);
}

/** 37.5 → "37.5", 0.75 → "0.75", 40 → "40" (no float noise such as 0.7500000001). */
export function formatAmount(amount: number): string {
  return String(Number(amount.toFixed(3)));
}

/** A local date as a patient reads it: "2月1日" / "Mon 1 Feb". */
export function formatLocalDate(localDate: string, lang: Language): string {
  const day = parsePlainDate(localDate);
  if (day === null) throw new TemplateError(`"${localDate}" is not a date`);
  const { month, day: dayOfMonth } = monthDayOf(day);
  return lang === 'zh-CN' ? `${month}月${dayOfMonth}日` : `${EN_WEEKDAYS[isoWeekdayOfEpochDay(day) - 1]} ${dayOfMonth} ${EN_MONTHS[month - 1]}`;
}

/*
 * British English abbreviations, written out (what luxon's en-GB "ccc" and "LLL" gave through the
 * platform's Intl data: "Sept", not "Sep"), so an SMS does not change with the runtime's ICU version.
 */
const EN_WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'] as const;

/** Terms that must never reach a patient's phone (the diagnosis). Case-insensitive. */
const NEVER_IN_SMS = [/igg4/i, /相关疾病/];

/** A rendered SMS: its text and the template it came from (what a template-only provider sends). */
export interface RenderedSms {
  text: string;
  template: { key: TemplateKey; lang: Language; params: Record<string, string> };
}

/** Renders a template and keeps which one it was with its values (numbers as the text shows them). */
export function renderMessage(protocol: Protocol, lang: Language, key: TemplateKey, params: TemplateParams = {}): RenderedSms {
  const text = renderTemplate(protocol, lang, key, params);
  const used: Record<string, string> = {};
  for (const match of protocol.templates[lang][key]?.matchAll(PLACEHOLDER) ?? []) {
    const name = match[1] as string;
    used[name] = String(params[name]);
  }
  return { text, template: { key, lang, params: used } };
}

/** The numbered check-in menu as patients read it: "1腹泻 2恶心" / "1 diarrhea, 2 nausea". */
export function formatCheckInMenu(protocol: Protocol, lang: Language): string {
  const separator = lang === 'zh-CN' ? ' ' : ', ';
  return protocol.checkIns.proItems.map((p, i) => `${i + 1}${lang === 'zh-CN' ? '' : ' '}${p.label[lang]}`).join(separator);
}

/**
 * The SMS text of one scheduled item for one patient, in the patient's language.
 * Dose reminders list every drug due at that slot (with today's prednisone dose) unless the
 * patient is discreet; discreet patients get the templates without drug or visit names.
 */
export function renderReminder(item: ScheduledItem, patient: Pick<Patient, 'language' | 'discreet'>, protocol: Protocol): string {
  return renderReminderMessage(item, patient, protocol).text;
}

/** renderReminder with the template and its values, for template-only providers. */
export function renderReminderMessage(item: ScheduledItem, patient: Pick<Patient, 'language' | 'discreet'>, protocol: Protocol): RenderedSms {
  const lang = patient.language;
  const rendered = renderItem(item, patient, protocol, lang);
  const text = rendered.text;
  if (NEVER_IN_SMS.some((term) => term.test(text))) throw new TemplateError(`rendered ${item.kind} text names the diagnosis; fix the protocol template`);
  if (patient.discreet) {
    for (const drug of Object.values(protocol.drugs)) {
      for (const name of Object.values(drug.name)) {
        if (text.toLowerCase().includes(name.toLowerCase())) throw new TemplateError(`discreet ${item.kind} text names a drug; fix the protocol template`);
      }
    }
  }
  return rendered;
}

function renderItem(item: ScheduledItem, patient: Pick<Patient, 'discreet'>, protocol: Protocol, lang: Language): RenderedSms {
  const studyPhone = protocol.contacts.studyPhone;
  switch (item.kind) {
    case 'dose': {
      if (!item.slot || !item.doses || item.doses.length === 0) throw new TemplateError(`dose item ${item.id} has no slot or doses`);
      const slot = renderTemplate(protocol, lang, `slot.${item.slot}`);
      if (patient.discreet) return renderMessage(protocol, lang, 'dose.reminder.discreet', { slot });
      return renderMessage(protocol, lang, 'dose.reminder', { slot, drugs: formatDoses(protocol, lang, item.doses) });
    }
    case 'visit': {
      if (!item.visitDate) throw new TemplateError(`visit item ${item.id} has no visit date`);
      const date = formatLocalDate(item.visitDate, lang);
      const visit = protocol.visits.find((v) => v.key === item.visitKey);
      // An unscheduled visit has no label in the protocol: the discreet wording needs none.
      if (patient.discreet || !visit) return renderMessage(protocol, lang, 'visit.reminder.discreet', { date, studyPhone });
      return renderMessage(protocol, lang, 'visit.reminder', { date, visit: visit.label[lang], studyPhone });
    }
    case 'lab': {
      if (!item.visitDate) throw new TemplateError(`lab item ${item.id} has no date`);
      return renderMessage(protocol, lang, 'lab.reminder', { date: formatLocalDate(item.visitDate, lang), studyPhone });
    }
    case 'checkin':
      return renderMessage(protocol, lang, 'checkin.screen', { studyPhone });
  }
}
