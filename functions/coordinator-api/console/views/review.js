/* Coordinator console (no build step): the review queue (keyboard driven).
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api, itemsOf } from '../lib/api.js';
import { append, flash, h, refreshBadges, setView } from '../lib/dom.js';
import { fmtTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { drugLabel, intentLabel, termLabel } from '../lib/intents.js';

const OUTCOMES = ['no_action', 'contacted_patient', 'adverse_event_recorded', 'possible_relapse_visit_scheduled'];
let reviewKeys = null;

export async function renderReview() {
  const reports = [];
  let cursor;
  do {
    const page = await api(`/api/reports?status=open&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    reports.push(...itemsOf(page));
    cursor = page?.nextCursor;
  } while (cursor && reports.length < 200);
  reports.sort((a, b) => String(a.receivedAt ?? a.createdAt).localeCompare(String(b.receivedAt ?? b.createdAt)));

  const cards = reports.map((report, index) => reportCard(report, index));
  setView(
    h('h1', {}, t('review.title'), ' ', h('span', { class: 'badge' }, String(reports.length))),
    h('p', { class: 'shortcuts', id: 'review-shortcuts' }, t('review.shortcuts')),
    reports.length === 0 ? h('p', { class: 'empty' }, t('review.empty')) : h('div', { class: 'queue', role: 'list' }, cards),
  );
  let selected = 0;
  const select = (i, focus = true) => {
    if (cards.length === 0) return;
    selected = Math.max(0, Math.min(cards.length - 1, i));
    cards.forEach((c, j) => c.classList.toggle('selected', j === selected));
    if (focus) cards[selected].focus();
  };
  select(0, false);
  cards.forEach((card, i) => card.addEventListener('focusin', () => select(i, false)));
  if (reviewKeys) document.removeEventListener('keydown', reviewKeys);
  reviewKeys = (event) => {
    if (!location.hash.startsWith('#/review')) return;
    const tag = event.target?.tagName;
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'j' || event.key === 'ArrowDown') { event.preventDefault(); select(selected + 1); }
    else if (event.key === 'k' || event.key === 'ArrowUp') { event.preventDefault(); select(selected - 1); }
    else if (event.key === 'n') { event.preventDefault(); cards[selected]?.querySelector('textarea')?.focus(); }
    else if (/^[1-4]$/.test(event.key) && cards[selected]) { event.preventDefault(); cards[selected].querySelectorAll('.outcomes button')[Number(event.key) - 1]?.click(); }
  };
  document.addEventListener('keydown', reviewKeys);
}

function reportCard(report, index) {
  const interp = report.interpretation ?? {};
  const items = Array.isArray(interp.items) ? interp.items : [];
  const noteId = `note-${report.id}`;
  const note = h('textarea', { id: noteId, rows: 2 });
  const gradeSelects = items.map((item, i) => {
    const id = `grade-${report.id}-${i}`;
    const select = h('select', { id },
      h('option', { value: '' }, t('review.gradeUnknown')),
      [1, 2, 3, 4, 5].map((g) => h('option', { value: String(g) }, String(g))));
    select.value = item.grade == null ? '' : String(item.grade);
    return { item, select, id };
  });
  const card = h('article', {
    class: `report${interp.redFlag ? ' red-flag' : ''}${interp.relapseSignal ? ' relapse' : ''}`,
    role: 'listitem', tabindex: 0, 'aria-label': `${report.studyId ?? t('common.unknown')} ${fmtTime(report.receivedAt)}`,
    dataset: { reportId: report.id, index: String(index) },
  });
  const submit = async (outcome, button) => {
    for (const b of card.querySelectorAll('button')) b.disabled = true;
    try {
      await api(`/api/reports/${encodeURIComponent(report.id)}/review`, {
        method: 'POST',
        body: {
          outcome,
          note: note.value.trim(),
          confirmedItems: gradeSelects.map(({ item, select }) => ({ term: item.term, grade: select.value === '' ? null : Number(select.value) })),
        },
      });
      flash(t('review.done', { outcome: t(`outcome.${outcome}`) }));
      const next = card.nextElementSibling ?? card.previousElementSibling;
      card.remove();
      next?.focus();
      document.getElementById('nav-review')?.querySelector('.badge')?.remove();
      refreshBadges();
    } catch (error) {
      for (const b of card.querySelectorAll('button')) b.disabled = false;
      flash(t('common.error', { msg: error.message }), 'error');
      button.focus();
    }
  };
  append(card, [
    h('div', { class: 'report-head' },
      h('strong', {}, report.studyId ?? t('common.unknown')),
      h('span', { class: 'muted' }, `${t('review.received')}: ${fmtTime(report.receivedAt)}`),
      interp.redFlag ? h('span', { class: 'badge red' }, t('review.redFlag')) : null,
      interp.relapseSignal ? h('span', { class: 'badge warn' }, t('review.relapse')) : null,
      report.patientId ? h('a', { href: `#/patients/${encodeURIComponent(report.patientId)}` }, t('nav.patients')) : null),
    h('div', { class: 'report-body' },
      h('div', {}, h('h3', {}, t('review.raw')), h('p', { class: 'raw-text', lang: 'zh-CN' }, report.text ?? '')),
      h('div', {}, h('h3', {}, t('review.interpretation')),
        h('dl', { class: 'kv' },
          h('dt', {}, t('review.intent')), h('dd', { dataset: { intent: String(interp.intent ?? '') } }, intentLabel(interp.intent)),
          interp.supplyDrugs?.length ? [h('dt', {}, t('review.supplyDrugs')), h('dd', {}, interp.supplyDrugs.map(drugLabel).join(', '))] : null,
          interp.resolved?.length ? [h('dt', {}, t('review.resolved')), h('dd', {}, interp.resolved.join(', '))] : null,
          report.answersCheckInId || interp.answers ? [h('dt', {}, t('review.answers')), h('dd', {}, String(report.answersCheckInId ?? interp.answers))] : null),
        gradeSelects.length
          ? h('fieldset', {}, h('legend', {}, t('review.items')),
            gradeSelects.map(({ item, select, id }) => h('div', { class: 'row' }, h('label', { for: id }, t('review.grade', { term: termLabel(item.term) })), select)))
          : null)),
    h('div', { class: 'field' }, h('label', { for: noteId }, t('common.note')), note),
    h('div', { class: 'outcomes', role: 'group', 'aria-label': 'Outcome' },
      OUTCOMES.map((outcome, i) => {
        const button = h('button', { type: 'button', class: i === 0 ? '' : 'secondary', 'aria-keyshortcuts': String(i + 1), dataset: { outcome } }, h('kbd', {}, String(i + 1)), ' ', t(`outcome.${outcome}`));
        button.addEventListener('click', () => submit(outcome, button));
        return button;
      })),
  ]);
  return card;
}
