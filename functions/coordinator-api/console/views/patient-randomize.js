/* Coordinator console (no build step): the patient page's randomization form.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api } from '../lib/api.js';
import { flash, h, rerender } from '../lib/dom.js';
import { field, showErrors } from '../lib/forms.js';
import { t } from '../lib/i18n.js';

export function randomizeForm(p) {
  const mode = h('select', {}, h('option', { value: 'draw' }, t('rand.draw')), h('option', { value: 'external' }, t('rand.record')));
  const arm = h('select', {}, h('option', { value: 'MMF' }, 'MMF'), h('option', { value: 'LEF' }, 'LEF'));
  const armField = field('arm', t('common.arm'), arm);
  armField.hidden = true;
  mode.addEventListener('change', () => { armField.hidden = mode.value !== 'external'; });
  const form = h('form', {
    class: 'panel', 'aria-labelledby': 'rand-title', novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        const body = mode.value === 'draw' ? { method: 'draw' } : { method: 'external', arm: arm.value };
        const result = await api(`/api/patients/${encodeURIComponent(p.id)}/randomization`, { method: 'POST', body });
        flash(t('rand.done', { arm: result?.arm ?? result?.patient?.arm ?? '' }));
        rerender();
      } catch (error) { showErrors(form, error); }
    },
  }, h('h2', { id: 'rand-title' }, t('rand.title')), field('method', t('rand.mode'), mode), armField, h('button', { type: 'submit', disabled: Boolean(p.arm) }, t('rand.submit')));
  return form;
}
