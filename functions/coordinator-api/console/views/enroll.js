/* Coordinator console (no build step): the enrolment form.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api, ApiError, state } from '../lib/api.js';
import { flash, h, setView } from '../lib/dom.js';
import { studyZone } from '../lib/format.js';
import { clearErrors, field, showErrors } from '../lib/forms.js';
import { t } from '../lib/i18n.js';

/** The API's phone errors (English, from libphonenumber-js's verdict) in the page's language. */
const PHONE_MESSAGES = [
  [/^(.+) is a landline:/, 'enroll.phone.landline'],
  [/^(.+) is (?:a |an ).+: it cannot receive SMS/, 'enroll.phone.notMobile'],
  [/^(.+) is not a valid phone number/, 'enroll.phone.invalid'],
  [/^must be a mobile number in international/, 'enroll.phone.format'],
];
function localizedPhoneErrors(error) {
  if (!(error instanceof ApiError) || !Array.isArray(error.body?.errors)) return error;
  for (const entry of error.body.errors) {
    if (entry.path !== 'phone') continue;
    for (const [pattern, key] of PHONE_MESSAGES) {
      const match = pattern.exec(entry.message);
      if (match) { entry.message = t(key, { number: match[1] ?? '' }); break; }
    }
  }
  return error;
}

export function renderEnroll() {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: studyZone() }).format(state.clock?.now ? new Date(state.clock.now) : new Date());
  const controls = {
    studyId: h('input', { type: 'text', required: true, autocomplete: 'off', size: 16 }),
    phone: h('input', { type: 'tel', required: true, autocomplete: 'off', size: 20, placeholder: '+86 138 0013 8000' }),
    timeZone: h('input', { type: 'text', value: 'Asia/Shanghai', size: 20 }),
    language: h('select', {}, h('option', { value: 'zh-CN' }, '中文 (zh-CN)'), h('option', { value: 'en' }, 'English (en)')),
    enrolledOn: h('input', { type: 'date', value: today, required: true }),
    morning: h('input', { type: 'time', value: '08:00', required: true }),
    evening: h('input', { type: 'time', value: '20:00', required: true }),
    prednisoneStartMg: h('input', { type: 'number', value: '40', min: 0, step: 2.5 }),
    discreet: h('input', { type: 'checkbox' }),
  };
  const form = h('form', {
    class: 'panel', id: 'enroll-form', novalidate: true, 'aria-labelledby': 'enroll-title',
    onsubmit: async (event) => {
      event.preventDefault();
      const c = controls;
      const body = {
        // The phone as typed: the API ignores separators and names the number in its message.
        studyId: c.studyId.value.trim(), phone: c.phone.value.trim(), timeZone: c.timeZone.value.trim(),
        language: c.language.value, enrolledOn: c.enrolledOn.value,
        doseTimes: { morning: c.morning.value, evening: c.evening.value },
        prednisoneStartMg: c.prednisoneStartMg.value === '' ? undefined : Number(c.prednisoneStartMg.value),
        discreet: c.discreet.checked,
      };
      try {
        const created = await api('/api/patients', { method: 'POST', body });
        clearErrors(form);
        const patient = created.patient ?? created;
        flash(t('enroll.done', { studyId: patient.studyId ?? body.studyId }));
        location.hash = `#/patients/${encodeURIComponent(patient.id)}`;
      } catch (error) { showErrors(form, localizedPhoneErrors(error)); }
    },
  },
  h('h1', { id: 'enroll-title' }, t('enroll.title')),
  h('div', { class: 'row' }, field('studyId', t('common.studyId'), controls.studyId), field('phone', t('enroll.phone'), controls.phone, t('enroll.phoneHint'))),
  h('div', { class: 'row' }, field('timeZone', t('enroll.timeZone'), controls.timeZone), field('language', t('patients.language'), controls.language), field('enrolledOn', t('enroll.enrolledOn'), controls.enrolledOn)),
  h('div', { class: 'row' }, field('doseTimes.morning', t('enroll.morning'), controls.morning), field('doseTimes.evening', t('enroll.evening'), controls.evening), field('prednisoneStartMg', t('enroll.prednisone'), controls.prednisoneStartMg)),
  h('div', { class: 'field', dataset: { field: 'discreet' } }, h('label', {}, controls.discreet, ' ', t('enroll.discreet')), h('div', { class: 'field-error' })),
  h('button', { type: 'submit' }, t('enroll.submit')));
  setView(form);
}
