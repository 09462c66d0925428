/* Coordinator console (no build step): the patient page's visit form.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api } from '../lib/api.js';
import { flash, h, rerender } from '../lib/dom.js';
import { field, showErrors } from '../lib/forms.js';
import { t } from '../lib/i18n.js';
import { riWorksheet } from './ri-worksheet.js';

/** The visit form; a completed visit is scored on the RI worksheet (ri-worksheet.js), whose total is computed, never typed. */
export function visitForm(p, visits, riConfig) {
  const key = h('select', {}, (visits ?? []).map((v) => h('option', { value: v.key }, `${v.key} · ${v.date}${v.record ? ' ✓' : ''}`)));
  const kind = h('select', {},
    h('option', { value: 'completed' }, t('visit.completed')),
    h('option', { value: 'appointment' }, t('visit.appointment')),
    h('option', { value: 'unscheduled' }, t('visit.unscheduled')));
  const date = h('input', { type: 'date', required: true });
  const worksheet = riConfig ? riWorksheet(p, visits, riConfig) : null;
  const assessed = h('input', { type: 'checkbox', checked: true });
  const response = h('select', {}, h('option', { value: '' }, '—'), ['complete', 'partial', 'none'].map((r) => h('option', { value: r }, t(`response.${r}`))));
  const relapse = h('select', {}, h('option', { value: 'false' }, t('common.no')), h('option', { value: 'true' }, t('common.yes')));
  const organs = h('input', { type: 'text', size: 24 });
  const reason = h('input', { type: 'text', size: 30 });
  const overrule = h('input', { type: 'text', size: 40 });
  const keyField = field('visitKey', t('visit.key'), key);
  const overruleField = field('relapse.reason', t('ri.overrule'), overrule);
  const assessedField = h('div', { class: 'field' }, h('label', {}, assessed, ' ', t('ri.assessed')));
  const completedFields = h('div', {},
    worksheet ? assessedField : null,
    worksheet ? worksheet.element : null,
    field('response', t('visit.response'), response), field('relapse.decision', t('visit.relapse'), relapse), overruleField, field('relapse.organs', t('visit.organs'), organs));
  const reasonField = field('reason', t('common.reason'), reason);
  // The overrule reason is asked for only when the decision differs from the computed criterion.
  const syncOverrule = () => {
    const c = worksheet && assessed.checked ? worksheet.criterion() : null;
    overruleField.hidden = !c || (relapse.value === 'true') === c.met;
  };
  const sync = () => {
    completedFields.hidden = kind.value !== 'completed';
    keyField.hidden = kind.value === 'unscheduled';
    reasonField.hidden = kind.value === 'completed';
    if (worksheet) worksheet.element.hidden = !assessed.checked;
    syncOverrule();
  };
  // Correcting a recorded visit starts from its worksheet and decision.
  const loadRecord = () => {
    const record = (visits ?? []).find((v) => v.key === key.value)?.record;
    if (worksheet) worksheet.load(record?.worksheet ?? null);
    if (record) {
      relapse.value = String(Boolean(record.relapse));
      response.value = record.response ?? '';
      overrule.value = record.overruleReason ?? '';
      if (!date.value) date.value = record.date;
    }
    worksheet?.setContext({ visitKey: key.value, date: date.value, response: response.value || null });
  };
  kind.addEventListener('change', sync);
  assessed.addEventListener('change', sync);
  relapse.addEventListener('change', syncOverrule);
  key.addEventListener('change', loadRecord);
  date.addEventListener('change', () => worksheet?.setContext({ date: date.value }));
  date.addEventListener('input', () => worksheet?.setContext({ date: date.value }));
  response.addEventListener('change', () => worksheet?.setContext({ response: response.value || null }));
  worksheet?.onCriterion(syncOverrule);
  loadRecord();
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
          ...(worksheet && assessed.checked ? { worksheet: worksheet.read() } : {}),
          ...(response.value ? { response: response.value } : {}),
          relapse: {
            decision: relapse.value === 'true',
            ...(organs.value.trim() ? { organs: organs.value.split(/[,，]/).map((o) => o.trim()).filter(Boolean) } : {}),
            ...(!overruleField.hidden && overrule.value.trim() ? { reason: overrule.value.trim() } : {}),
          },
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
