// What templates.ts guarantees about a patient's SMS that templates.test.ts did not pin (found by
// the domain mutation run, docs/testing.md): the values handed to a template-only provider, the
// check-in menu as the patient reads it, and that a broken protocol or item fails loudly with a
// TemplateError instead of sending the diagnosis, a drug name to a discreet patient, "undefined"
// or an invalid date.
import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { ScheduledItem } from '#domain/schedule.ts';
import { formatCheckInMenu, formatDoses, formatLocalDate, renderMessage, renderReminder, renderReminderMessage, renderTemplate, TemplateError } from '#domain/templates.ts';
import { makePatient } from '../support/patients.ts';

const protocol = loadProtocolFile();

const dose: ScheduledItem = {
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
  slot: 'morning',
  doses: [
    { drug: 'prednisone', amount: 37.5, unit: 'mg', stepDown: true },
    { drug: 'mmf', amount: 0.75, unit: 'g', stepDown: false },
  ],
};

function withTemplate(lang: 'en' | 'zh-CN', key: keyof Protocol['templates']['en'], text: string): Protocol {
  const p = structuredClone(protocol);
  p.templates[lang][key] = text;
  return p;
}

/** The error thrown by `run`, which must be a TemplateError. */
function templateError(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('the values a template-only provider receives', () => {
  it('exactly the placeholders of the template, as the text shows them', () => {
    const sms = renderReminderMessage(dose, makePatient(protocol, { language: 'en' }), protocol);
    expect(sms).toEqual({
      text: 'Morning: prednisone 37.5mg, MMF 0.75g. Reply 1 taken, 2 missed',
      template: { key: 'dose.reminder', lang: 'en', params: { slot: 'Morning', drugs: 'prednisone 37.5mg, MMF 0.75g' } },
    });
    // Values the template does not use are not passed on; numbers become the text shown.
    const help = renderMessage(protocol, 'en', 'reply.help', { studyPhone: 1234, unused: 'x' });
    expect(help.template.params).toEqual({ studyPhone: '1234' });
  });

  it('a check-in reminder hands the study phone to a template that uses it', () => {
    const p = withTemplate('en', 'checkin.screen', 'Any new problems? Reply 1 yes, 2 no. {studyPhone}');
    const checkin: ScheduledItem = { ...dose, kind: 'checkin', slot: undefined, doses: undefined };
    expect(renderReminder(checkin, makePatient(p, { language: 'en' }), p)).toBe(`Any new problems? Reply 1 yes, 2 no. ${protocol.contacts.studyPhone}`);
  });
});

describe('the check-in menu as the patient reads it', () => {
  it('Chinese: number and label together, separated by spaces', () => {
    expect(formatCheckInMenu(protocol, 'zh-CN')).toBe(protocol.checkIns.proItems.map((p, i) => `${i + 1}${p.label['zh-CN']}`).join(' '));
    expect(formatCheckInMenu(protocol, 'zh-CN').startsWith('1腹泻 2恶心 3呕吐')).toBe(true);
  });

  it('English: "1 diarrhea, 2 nausea, …"', () => {
    expect(formatCheckInMenu(protocol, 'en').startsWith('1 diarrhea, 2 nausea, 3 vomiting')).toBe(true);
  });
});

describe('refusing to send a wrong SMS', () => {
  it('a template that names the diagnosis is refused, in either spelling', () => {
    for (const text of ['{slot}: IgG4 study medicines', '{slot}：IGG4相关疾病用药']) {
      const p = withTemplate('en', 'dose.reminder.discreet', text);
      const error = templateError(() => renderReminder(dose, makePatient(p, { language: 'en', discreet: true }), p));
      expect(error.message).toBe('rendered dose text names the diagnosis; fix the protocol template');
    }
    const zh = withTemplate('zh-CN', 'dose.reminder.discreet', '{slot}请服药，相关疾病随访');
    expect(() => renderReminder(dose, makePatient(zh, { discreet: true }), zh)).toThrow(/names the diagnosis/);
  });

  it.each([
    ['MMF', '{slot}: take your MMF'],
    ['prednisone, capitalised', '{slot}: Prednisone time'],
  ])('a discreet template naming a drug (%s) is refused, whatever the case', (_name, text) => {
    const p = withTemplate('en', 'dose.reminder.discreet', text);
    const error = templateError(() => renderReminder(dose, makePatient(p, { language: 'en', discreet: true }), p));
    expect(error.message).toBe('discreet dose text names a drug; fix the protocol template');
  });

  it('a drug the protocol does not name cannot be listed', () => {
    const error = templateError(() => formatDoses(protocol, 'en', [{ drug: 'tacrolimus' as 'mmf', amount: 1, unit: 'mg', stepDown: false }]));
    expect(error.message).toBe('drug "tacrolimus" has no name in en');
  });

  it('a date that does not exist is not printed', () => {
    expect(formatLocalDate('2027-02-28', 'en')).toBe('Sun 28 Feb');
    const error = templateError(() => formatLocalDate('2027-02-30', 'zh-CN'));
    expect(error.message).toBe('"2027-02-30" is not a date');
  });

  it.each([
    ['no slot', { slot: undefined }],
    ['no doses', { doses: undefined }],
    ['an empty dose list', { doses: [] }],
  ])('a dose item with %s is refused (never a reminder without its drugs)', (_name, change) => {
    const error = templateError(() => renderReminder({ ...dose, ...change }, makePatient(protocol), protocol));
    expect(error.message).toBe(`dose item ${dose.id} has no slot or doses`);
  });

  it('visit and lab items without a date are refused', () => {
    const visit: ScheduledItem = { ...dose, kind: 'visit', slot: undefined, doses: undefined, visitKey: 'm12' };
    expect(templateError(() => renderReminder(visit, makePatient(protocol), protocol)).message).toBe(`visit item ${dose.id} has no visit date`);
    expect(templateError(() => renderReminder({ ...visit, kind: 'lab' }, makePatient(protocol), protocol)).message).toBe(`lab item ${dose.id} has no date`);
  });

  it('a missing template is named, and the error says what it is', () => {
    const p = structuredClone(protocol);
    delete (p.templates.en as Partial<Protocol['templates']['en']>)['reply.help'];
    const error = templateError(() => renderTemplate(p, 'en', 'reply.help', { studyPhone: '1' }));
    expect(error.message).toBe('template "reply.help" is missing for en');
    expect(error.name).toBe('TemplateError');
  });
});
