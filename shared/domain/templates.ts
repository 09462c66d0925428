import { DateTime } from 'luxon';
import type { Patient } from './patient.ts';
import type { Language, Protocol, TemplateKey } from './protocol.ts';
import type { ScheduledDose, ScheduledItem } from './schedule.ts';

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
  const date = DateTime.fromISO(localDate, { zone: 'UTC' });
  if (!date.isValid) throw new TemplateError(`"${localDate}" is not a date`);
  return lang === 'zh-CN' ? `${date.month}月${date.day}日` : date.setLocale('en-GB').toFormat('ccc d LLL');
}

/** Terms that must never reach a patient's phone (the diagnosis). Case-insensitive. */
const NEVER_IN_SMS = [/igg4/i, /相关疾病/];

/**
 * The SMS text of one scheduled item for one patient, in the patient's language.
 * Dose reminders list every drug due at that slot (with today's prednisone dose) unless the
 * patient is discreet; discreet patients get the templates without drug or visit names.
 */
export function renderReminder(item: ScheduledItem, patient: Pick<Patient, 'language' | 'discreet'>, protocol: Protocol): string {
  const lang = patient.language;
  const text = renderItem(item, patient, protocol, lang);
  if (NEVER_IN_SMS.some((term) => term.test(text))) throw new TemplateError(`rendered ${item.kind} text names the diagnosis; fix the protocol template`);
  if (patient.discreet) {
    for (const drug of Object.values(protocol.drugs)) {
      for (const name of Object.values(drug.name)) {
        if (text.toLowerCase().includes(name.toLowerCase())) throw new TemplateError(`discreet ${item.kind} text names a drug; fix the protocol template`);
      }
    }
  }
  return text;
}

function renderItem(item: ScheduledItem, patient: Pick<Patient, 'discreet'>, protocol: Protocol, lang: Language): string {
  const studyPhone = protocol.contacts.studyPhone;
  switch (item.kind) {
    case 'dose': {
      if (!item.slot || !item.doses || item.doses.length === 0) throw new TemplateError(`dose item ${item.id} has no slot or doses`);
      const slot = renderTemplate(protocol, lang, `slot.${item.slot}`);
      if (patient.discreet) return renderTemplate(protocol, lang, 'dose.reminder.discreet', { slot });
      return renderTemplate(protocol, lang, 'dose.reminder', { slot, drugs: formatDoses(protocol, lang, item.doses) });
    }
    case 'visit': {
      if (!item.visitDate) throw new TemplateError(`visit item ${item.id} has no visit date`);
      const date = formatLocalDate(item.visitDate, lang);
      const visit = protocol.visits.find((v) => v.key === item.visitKey);
      // An unscheduled visit has no label in the protocol: the discreet wording needs none.
      if (patient.discreet || !visit) return renderTemplate(protocol, lang, 'visit.reminder.discreet', { date, studyPhone });
      return renderTemplate(protocol, lang, 'visit.reminder', { date, visit: visit.label[lang], studyPhone });
    }
    case 'lab': {
      if (!item.visitDate) throw new TemplateError(`lab item ${item.id} has no date`);
      return renderTemplate(protocol, lang, 'lab.reminder', { date: formatLocalDate(item.visitDate, lang), studyPhone });
    }
    case 'checkin':
      return renderTemplate(protocol, lang, 'checkin.screen', { studyPhone });
  }
}
