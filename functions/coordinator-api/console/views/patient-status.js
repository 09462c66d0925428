/* Coordinator console (no build step): the patient page's pause / resume / withdraw form.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api } from '../lib/api.js';
import { flash, h, rerender } from '../lib/dom.js';
import { field, showErrors } from '../lib/forms.js';
import { t } from '../lib/i18n.js';

export function statusForm(p) {
  const action = h('select', {}, ['pause', 'resume', 'withdraw'].map((a) => h('option', { value: a }, t(`action.${a}`))));
  const reason = h('input', { type: 'text', size: 30 });
  const form = h('form', {
    class: 'panel', 'aria-labelledby': 'status-title', novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        await api(`/api/patients/${encodeURIComponent(p.id)}/status`, { method: 'POST', body: { action: action.value, reason: reason.value.trim() } });
        flash(t('common.saved'));
        rerender();
      } catch (error) { showErrors(form, error); }
    },
  }, h('h2', { id: 'status-title' }, t('statusForm.title')), field('action', t('statusForm.action'), action), field('reason', t('common.reason'), reason), h('button', { type: 'submit', class: 'secondary' }, t('statusForm.submit')));
  return form;
}
