/* Coordinator console (no build step): the patient page's visit form.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api } from '../lib/api.js';
import { flash, h, rerender } from '../lib/dom.js';
import { field, showErrors } from '../lib/forms.js';
import { t } from '../lib/i18n.js';

export function visitForm(p, visits) {
  const key = h('select', {}, (visits ?? []).map((v) => h('option', { value: v.key }, `${v.key} · ${v.date}${v.record ? ' ✓' : ''}`)));
  const kind = h('select', {},
    h('option', { value: 'completed' }, t('visit.completed')),
    h('option', { value: 'appointment' }, t('visit.appointment')),
    h('option', { value: 'unscheduled' }, t('visit.unscheduled')));
  const date = h('input', { type: 'date', required: true });
  const ri = h('input', { type: 'number', min: 0, max: 300, step: 1 });
  const response = h('select', {}, h('option', { value: '' }, '—'), ['complete', 'partial', 'none'].map((r) => h('option', { value: r }, t(`response.${r}`))));
  const relapse = h('select', {}, h('option', { value: 'false' }, t('common.no')), h('option', { value: 'true' }, t('common.yes')));
  const organs = h('input', { type: 'text', size: 24 });
  const reason = h('input', { type: 'text', size: 30 });
  const keyField = field('visitKey', t('visit.key'), key);
  const completedFields = h('div', {}, field('riTotal', t('visit.ri'), ri), field('response', t('visit.response'), response), field('relapse.decision', t('visit.relapse'), relapse), field('relapse.organs', t('visit.organs'), organs));
  const reasonField = field('reason', t('common.reason'), reason);
  const sync = () => {
    completedFields.hidden = kind.value !== 'completed';
    keyField.hidden = kind.value === 'unscheduled';
    reasonField.hidden = kind.value === 'completed';
  };
  kind.addEventListener('change', sync);
  sync();
  const form = h('form', {
    class: 'panel', 'aria-labelledby': 'visit-title', novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      const why = reason.value.trim();
      let body;
      if (kind.value === 'appointment') body = { kind: 'appointment', visitKey: key.value, date: date.value, ...(why ? { reason: why } : {}) };
      else if (kind.value === 'unscheduled') body = { kind: 'unscheduled', date: date.value, reason: why };
      else {
        body = {
          kind: 'completed', visitKey: key.value, date: date.value,
          ...(ri.value !== '' ? { riTotal: Number(ri.value) } : {}),
          ...(response.value ? { response: response.value } : {}),
          relapse: { decision: relapse.value === 'true', ...(organs.value.trim() ? { organs: organs.value.split(/[,，]/).map((o) => o.trim()).filter(Boolean) } : {}) },
        };
      }
      try {
        await api(`/api/patients/${encodeURIComponent(p.id)}/visits`, { method: 'POST', body });
        flash(t('common.saved'));
        rerender();
      } catch (error) { showErrors(form, error); }
    },
  }, h('h2', { id: 'visit-title' }, t('visit.title')), field('kind', t('visit.kind'), kind), keyField, field('date', t('common.date'), date), completedFields, reasonField, h('button', { type: 'submit' }, t('visit.submit')));
  return form;
}
