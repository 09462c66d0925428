/* Coordinator console (no build step): open alerts and the local notification inbox.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api, itemsOf, state } from '../lib/api.js';
import { flash, h, refreshBadges, setView } from '../lib/dom.js';
import { fmtTime } from '../lib/format.js';
import { errorMessages } from '../lib/forms.js';
import { t } from '../lib/i18n.js';

export async function renderAlerts() {
  const [page, inbox] = await Promise.all([
    api('/api/alerts?status=open&limit=100'),
    state.config?.local ? api('/local/alerts').catch(() => null) : null,
  ]);
  const alerts = itemsOf(page);
  setView(
    h('h1', {}, t('alerts.title'), ' ', h('span', { class: 'badge' }, String(alerts.length))),
    alerts.length === 0 ? h('p', { class: 'empty' }, t('alerts.empty')) : h('div', {}, alerts.map(alertItem)),
    inbox ? h('section', { class: 'panel' }, h('h2', {}, t('alerts.inbox')),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('alerts.raised')), h('th', {}, 'channel'), h('th', {}, 'subject'))),
        h('tbody', {}, itemsOf(inbox).slice(0, 30).map((entry) => h('tr', {}, h('td', {}, fmtTime(entry.at)), h('td', {}, entry.channel), h('td', {}, entry.subject)))))) : null,
  );
}

function alertItem(alert) {
  const noteId = `ack-${alert.id}`;
  const note = h('input', { id: noteId, type: 'text', size: 40, 'aria-describedby': `${noteId}-err` });
  const error = h('div', { class: 'field-error', id: `${noteId}-err`, role: 'alert' });
  const details = Object.entries(alert.details ?? {}).filter(([, v]) => v !== null && typeof v !== 'object');
  const form = h('form', {
    class: 'row',
    onsubmit: async (event) => {
      event.preventDefault();
      if (!note.value.trim()) {
        note.setAttribute('aria-invalid', 'true');
        error.textContent = t('alerts.noteRequired');
        note.focus();
        return;
      }
      try {
        await api(`/api/alerts/${encodeURIComponent(alert.id)}/acknowledge`, { method: 'POST', body: { note: note.value.trim() } });
        flash(t('alerts.acked'));
        form.closest('.alert-item')?.remove();
        refreshBadges();
      } catch (err) {
        error.textContent = errorMessages(err).join(' ');
      }
    },
  }, h('div', { class: 'field' }, h('label', { for: noteId }, t('common.note')), note, error), h('button', { type: 'submit' }, t('alerts.ack')));
  return h('article', { class: `alert-item${alert.urgent ? ' urgent' : ''}`, dataset: { alertId: alert.id } },
    h('div', { class: 'report-head' },
      alert.urgent ? h('span', { class: 'badge urgent' }, t('alerts.urgent')) : null,
      h('strong', {}, alert.title ?? alert.kind),
      h('span', {}, alert.studyId ?? ''),
      h('span', { class: 'muted' }, `${t('alerts.raised')}: ${fmtTime(alert.createdAt)}`),
      alert.escalationCount > 0 ? h('span', { class: 'badge warn' }, t('alerts.escalated', { n: alert.escalationCount })) : null,
      alert.patientId ? h('a', { href: `#/patients/${encodeURIComponent(alert.patientId)}` }, t('nav.patients')) : null),
    details.length ? h('dl', { class: 'kv' }, details.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])) : null,
    form);
}
