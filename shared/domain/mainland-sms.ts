import { TEMPLATE_KEYS, prednisoneDoseMg, type Language, type MainlandSms, type Protocol, type RegimenEntry, type TemplateKey } from './protocol.ts';
import type { ScheduledDose } from './schedule.ts';
import { formatAmount, formatCheckInMenu, formatDoses, formatLocalDate, renderTemplate } from './templates.ts';

/**
 * Mainland-China template SMS, pure: which protocol templates go out as SMS, the worst-case
 * values of their placeholders, the checks a mapping must pass before go-live (every template
 * sent has an approved code, variables match the placeholders, no variable longer than the
 * provider allows, the longest rendering fits one part with the signature), the texts to submit
 * for approval, and the request a provider gets for one rendered message.
 */

/** Templates only ever rendered into another template (the dose slot word): never an SMS of their own. */
export const FRAGMENT_KEYS: readonly TemplateKey[] = ['slot.morning', 'slot.evening'];
export const SENT_TEMPLATE_KEYS: readonly TemplateKey[] = TEMPLATE_KEYS.filter((k) => !FRAGMENT_KEYS.includes(k));

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

export class MainlandTemplateError extends Error {
  constructor(
    /** 'template_not_mapped' | 'variable_too_long' | 'variable_missing' */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'MainlandTemplateError';
  }
}

/** Characters as mainland providers count them: every character one, the 【signature】 included. */
export function mainlandLength(text: string, signName: string): number {
  return Array.from(`【${signName}】${text}`).length;
}

export function placeholdersOf(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(PLACEHOLDER), (m) => m[1] as string))];
}

/** Placeholders whose value is the same in every message of the study: written into the approved text. */
export function constantValues(protocol: Protocol, lang: Language): Record<string, string> {
  return { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone, items: formatCheckInMenu(protocol, lang) };
}

function longest(values: Iterable<string>): string {
  let best = '';
  for (const v of values) if (Array.from(v).length > Array.from(best).length) best = v;
  return best;
}

/** Every prednisone amount the taper can produce over the allowed start doses. */
function taperAmounts(protocol: Protocol): number[] {
  const { min, max } = protocol.parameters.prednisoneStartMg;
  const amounts = new Set<number>();
  const step = protocol.taper.roundToMg;
  for (let start = min; start <= max + 1e-9; start += step) {
    for (const s of protocol.taper.steps) amounts.add(prednisoneDoseMg(protocol, start, s.fromDay));
  }
  return [...amounts].filter((a) => a > 0);
}

function widestAmount(protocol: Protocol, entry: RegimenEntry): number {
  const amounts = entry.dose.kind === 'taper' ? taperAmounts(protocol) : protocol.parameters[entry.dose.parameter].allowed;
  return amounts.reduce((best, a) => (formatAmount(a).length > formatAmount(best).length ? a : best), amounts[0] ?? 0);
}

/** The longest "drugs" line any dose reminder can carry: every regimen, every slot, the widest amounts. */
function longestDrugs(protocol: Protocol, lang: Language): string {
  const regimens = [protocol.regimens.induction, protocol.regimens.maintenance.MMF, protocol.regimens.maintenance.LEF];
  const lines: string[] = [];
  for (const regimen of regimens) {
    for (const slot of ['morning', 'evening'] as const) {
      const doses: ScheduledDose[] = regimen
        .filter((e) => e.slots.includes(slot))
        .map((e) => ({ drug: e.drug, amount: widestAmount(protocol, e), unit: protocol.drugs[e.drug]?.unit ?? 'mg', stepDown: false }));
      if (doses.length > 0) lines.push(formatDoses(protocol, lang, doses));
    }
  }
  return longest(lines);
}

function longestDate(lang: Language): string {
  const dates: string[] = [];
  // 2028 is a leap year: every month and day-of-month, every weekday name.
  for (let t = Date.UTC(2028, 0, 1); t < Date.UTC(2029, 0, 1); t += 86_400_000) dates.push(formatLocalDate(new Date(t).toISOString().slice(0, 10), lang));
  return longest(dates);
}

/** The longest value each per-message placeholder can take; null for a placeholder nobody can bound. */
export function worstCaseValue(protocol: Protocol, lang: Language, placeholder: string): string | null {
  switch (placeholder) {
    case 'slot':
      return longest(FRAGMENT_KEYS.map((k) => renderTemplate(protocol, lang, k)));
    case 'drugs':
      return longestDrugs(protocol, lang);
    case 'date':
      return longestDate(lang);
    case 'visit':
      return longest(protocol.visits.map((v) => v.label[lang]));
    case 'item':
      return longest(protocol.checkIns.proItems.map((p) => p.label[lang]));
    default:
      return constantValues(protocol, lang)[placeholder] ?? null;
  }
}

export interface TemplateSubmission {
  lang: Language;
  key: TemplateKey;
  code: string;
  /** The text to submit for approval: variables as ${name}, constants written in. */
  text: string;
  variables: { name: string; placeholder: string; maxLength: number }[];
  /** The longest SMS this template can produce, signature included. */
  longest: string;
  longestChars: number;
}

export interface MainlandCheck {
  problems: { path: string; message: string }[];
  /** Facts worth printing that are not errors (the effective daily cap). */
  notes: string[];
  submissions: TemplateSubmission[];
}

/** Validates the mainlandSms section against the protocol's templates. No section: nothing to check. */
export function validateMainlandSms(protocol: Protocol): MainlandCheck {
  const section = protocol.mainlandSms;
  const problems: MainlandCheck['problems'] = [];
  const submissions: TemplateSubmission[] = [];
  const notes: string[] = [];
  if (!section) return { problems, notes, submissions };
  const languages = Object.keys(section.templates) as Language[];
  if (languages.length === 0) problems.push({ path: 'mainlandSms.templates', message: 'maps no language: no patient could be texted' });

  const codes = new Map<string, string>();
  for (const lang of languages) {
    const mapping = section.templates[lang] ?? {};
    for (const key of Object.keys(mapping)) {
      if (!SENT_TEMPLATE_KEYS.includes(key as TemplateKey)) problems.push({ path: `mainlandSms.templates.${lang}.${key}`, message: FRAGMENT_KEYS.includes(key as TemplateKey) ? 'is part of another template, never an SMS: remove it' : 'is not a protocol template key' });
    }
    for (const key of SENT_TEMPLATE_KEYS) {
      const path = `mainlandSms.templates.${lang}.${key}`;
      const entry = mapping[key];
      const template = protocol.templates[lang][key];
      if (!entry) {
        problems.push({ path, message: `has no approved template code (every SMS sent in ${lang} needs one)` });
        continue;
      }
      if (template === undefined) continue; // the protocol schema already names the missing template
      const other = codes.get(entry.code);
      if (other && other !== `${lang}.${key}`) problems.push({ path: `${path}.code`, message: `${entry.code} is also mapped to ${other}` });
      codes.set(entry.code, `${lang}.${key}`);
      if (/[【】[\]]/u.test(template)) problems.push({ path: `templates.${lang}.${key}`, message: 'must not contain 【】 or []: providers read brackets as a signature' });

      const placeholders = placeholdersOf(template);
      const constants = constantValues(protocol, lang);
      for (const name of Object.keys(entry.variables)) {
        if (!placeholders.includes(name)) problems.push({ path: `${path}.variables.${name}`, message: `the template has no {${name}}` });
      }
      const providerNames = Object.values(entry.variables);
      const duplicate = providerNames.find((n, i) => providerNames.indexOf(n) !== i);
      if (duplicate) problems.push({ path: `${path}.variables`, message: `provider variable \${${duplicate}} is used twice` });

      const variables: TemplateSubmission['variables'] = [];
      const worst: Record<string, string> = {};
      let text = template;
      let bounded = true;
      for (const placeholder of placeholders) {
        const value = worstCaseValue(protocol, lang, placeholder);
        const providerName = entry.variables[placeholder];
        if (value === null) {
          problems.push({ path: `${path}.variables.${placeholder}`, message: `{${placeholder}} has no known range of values: it cannot be checked against the limits` });
          bounded = false;
          continue;
        }
        worst[placeholder] = value;
        if (providerName === undefined) {
          if (!(placeholder in constants)) {
            problems.push({ path: `${path}.variables`, message: `{${placeholder}} changes per message: map it to a provider variable` });
            continue;
          }
          text = text.split(`{${placeholder}}`).join(value);
          continue;
        }
        const maxLength = Array.from(value).length;
        if (maxLength > section.maxVariableLength) {
          problems.push({ path: `${path}.variables.${placeholder}`, message: `{${placeholder}} can be ${maxLength} characters ("${value}"); the provider allows ${section.maxVariableLength}` });
        }
        variables.push({ name: providerName, placeholder, maxLength });
        text = text.split(`{${placeholder}}`).join(`\${${providerName}}`);
      }
      if (!bounded) continue;
      const longestText = renderTemplate(protocol, lang, key, worst);
      const longestChars = mainlandLength(longestText, section.signName);
      if (longestChars > section.maxChars) {
        problems.push({ path: `templates.${lang}.${key}`, message: `can reach ${longestChars} characters with 【${section.signName}】 ("${longestText}"); one part holds ${section.maxChars}` });
      }
      submissions.push({ lang, key, code: entry.code, text, variables, longest: `【${section.signName}】${longestText}`, longestChars });
    }
  }
  const cap = mainlandDailyCap(protocol, section);
  notes.push(
    cap < protocol.reminders.dailyCapPerPatient
      ? `reminders per patient and day: ${cap} on the mainland (provider limit ${section.limits.perNumberPerDay} less ${section.limits.reservedForReplies} kept for replies), not the protocol's ${protocol.reminders.dailyCapPerPatient}`
      : `reminders per patient and day: ${cap} (the protocol's cap; the provider allows ${section.limits.perNumberPerDay} a number, ${section.limits.reservedForReplies} kept for replies)`,
  );
  return { problems, notes, submissions };
}

/** Reminders per patient and local day on the mainland: the protocol's cap, within the provider's per-number limit less the replies' share. */
export function mainlandDailyCap(protocol: Protocol, section: MainlandSms): number {
  return Math.min(protocol.reminders.dailyCapPerPatient, section.limits.perNumberPerDay - section.limits.reservedForReplies);
}

export interface ProviderTemplateRequest {
  templateCode: string;
  /** Provider variable name → value (what goes into TemplateParam as JSON). */
  templateParam: Record<string, string>;
}

/** The provider request for one rendered message. Throws MainlandTemplateError (never sends a guess). */
export function providerRequest(section: MainlandSms, template: { key: TemplateKey; lang: Language; params: Record<string, string> }): ProviderTemplateRequest {
  const entry = section.templates[template.lang]?.[template.key];
  if (!entry) throw new MainlandTemplateError('template_not_mapped', `no approved template for ${template.lang} ${template.key}`);
  const templateParam: Record<string, string> = {};
  for (const [placeholder, name] of Object.entries(entry.variables)) {
    const value = template.params[placeholder];
    if (value === undefined) throw new MainlandTemplateError('variable_missing', `${template.lang} ${template.key} needs {${placeholder}}`);
    if (Array.from(value).length > section.maxVariableLength) throw new MainlandTemplateError('variable_too_long', `{${placeholder}} of ${template.lang} ${template.key} is longer than ${section.maxVariableLength}`);
    templateParam[name] = value;
  }
  return { templateCode: entry.code, templateParam };
}
