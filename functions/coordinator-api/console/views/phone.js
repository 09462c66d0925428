/* Coordinator console (no build step): the local patient-phone simulator.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api, itemsOf, state } from '../lib/api.js';
import { h, setView } from '../lib/dom.js';
import { field, showErrors } from '../lib/forms.js';
import { t } from '../lib/i18n.js';
import { messageThread } from '../lib/widgets.js';
import { listPatients } from './patients.js';

export async function renderPhone() {
  const patients = state.patientsCache ?? (await listPatients());
  const picker = h('select', {}, h('option', { value: '' }, '—'), patients.filter((p) => p.phone).map((p) => h('option', { value: p.phone }, `${p.studyId}`)));
  const number = h('input', { type: 'tel', size: 20, value: sessionStorage.getItem('trial.phone') ?? '' });
  const body = h('textarea', { rows: 2 });
  const thread = h('div', { class: 'thread', id: 'phone-thread', 'aria-live': 'polite', tabindex: 0 });
  const result = h('p', { class: 'muted', id: 'phone-result', 'aria-live': 'polite' });
  const sentHere = JSON.parse(sessionStorage.getItem('trial.phone.sent') ?? '[]');
  const refresh = async () => {
    const to = number.value.trim();
    if (!to) return thread.replaceChildren();
    const outbox = itemsOf(await api(`/local/sms/outbox?to=${encodeURIComponent(to)}`));
    const all = [
      ...outbox.map((m) => ({ ...m, direction: 'out' })),
      ...sentHere.filter((m) => m.from === to).map((m) => ({ body: m.body, sentAt: m.at, direction: 'in' })),
    ];
    const built = messageThread(all);
    thread.replaceChildren(...(built.classList.contains('thread') ? built.childNodes : [built]));
    window.requestAnimationFrame(() => { thread.scrollTop = thread.scrollHeight; });
  };
  picker.addEventListener('change', () => { if (picker.value) { number.value = picker.value; sessionStorage.setItem('trial.phone', number.value); refresh(); } });
  number.addEventListener('change', () => { sessionStorage.setItem('trial.phone', number.value.trim()); refresh(); });
  const form = h('form', {
    class: 'panel', novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        const answer = await api('/local/sms/inbound', { method: 'POST', body: { from: number.value.trim(), body: body.value } });
        sentHere.push({ from: number.value.trim(), body: body.value, at: state.clock?.now ?? new Date().toISOString() });
        sessionStorage.setItem('trial.phone.sent', JSON.stringify(sentHere.slice(-200)));
        result.textContent = t('phone.sent', { intent: answer?.interpretation?.intent ?? '—' });
        body.value = '';
        await refresh();
        body.focus();
      } catch (error) { showErrors(form, error); }
    },
  },
  h('h1', {}, t('phone.title')), h('p', { class: 'muted' }, t('phone.help')),
  h('div', { class: 'row' }, field('patient', t('phone.pick'), picker), field('from', t('phone.number'), number)),
  field('body', t('phone.body'), body),
  h('button', { type: 'submit' }, t('phone.send')), result);
  setView(h('div', { class: 'grid-2' }, form, h('section', { class: 'panel' }, h('h2', {}, t('phone.thread')), thread)));
  await refresh();
}
