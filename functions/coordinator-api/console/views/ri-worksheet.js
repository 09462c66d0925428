/* Coordinator console (no build step): the IgG4-RD Responder Index worksheet of a visit.
 * One row per protocol site (0–3 activity score, urgent doubles), the serum IgG4 item, the live
 * total (computed here and again by the server, never typed), the organs the patient had at
 * baseline marked, and the relapse criterion the server computes for this visit, shown while the
 * physician decides. Keyboard: type 0–3 in a score to set it and move to the next row; "u"
 * toggles the row's urgent flag; ↑/↓ move between rows.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { defineStrings, getLang, t } from '../lib/i18n.js';

defineStrings({
  en: {
    'ri.title': 'IgG4-RD Responder Index worksheet', 'ri.site': 'Organ / site', 'ri.score': 'Score (0–3)', 'ri.urgent': 'Urgent (×{n})',
    'ri.baseline': 'baseline', 'ri.baselineHelp': 'baseline = involved at the first scored visit', 'ri.serum': 'Serum IgG4 (0–3)', 'ri.total': 'RI total',
    'ri.scale': '0 unaffected or resolved · 1 improved · 2 persistent · 3 new, recurrent or worse', 'ri.keys': 'Keys: 0–3 set the score and go to the next row · u urgent · ↑/↓ rows',
    'ri.criterion': 'Relapse criterion', 'ri.criterionPending': 'Enter the visit date to see the criterion.', 'ri.scoreLabel': '{site}: score', 'ri.urgentLabel': '{site}: urgent',
    'ri.assessed': 'RI assessed at this visit', 'ri.overrule': 'Reason for a decision that differs from the criterion (required)',
  },
  'zh-CN': {
    'ri.title': 'IgG4-RD 应答指数评分表', 'ri.site': '器官 / 部位', 'ri.score': '评分（0–3）', 'ri.urgent': '紧急（×{n}）',
    'ri.baseline': '基线', 'ri.baselineHelp': '基线 = 首次评分时受累', 'ri.serum': '血清 IgG4（0–3）', 'ri.total': 'RI 总分',
    'ri.scale': '0 未受累或已缓解 · 1 改善 · 2 持续 · 3 新发、复发或加重', 'ri.keys': '快捷键：0–3 评分并跳到下一行 · u 紧急 · ↑/↓ 换行',
    'ri.criterion': '复发标准', 'ri.criterionPending': '填写访视日期后显示复发标准。', 'ri.scoreLabel': '{site}：评分', 'ri.urgentLabel': '{site}：紧急',
    'ri.assessed': '本次访视评估了 RI', 'ri.overrule': '与复发标准不一致的判断理由（必填）',
  },
});

const label = (site) => site.label[getLang()] ?? site.label.en;

/** Organs active at the patient's first scored visit. */
function baselineOrgans(visits) {
  const scored = (visits ?? []).filter((v) => v.record?.worksheet).sort((a, b) => String(a.record.date).localeCompare(String(b.record.date)));
  return new Set((scored[0]?.record.worksheet.sites ?? []).filter((s) => s.score > 0).map((s) => s.site));
}

/**
 * The worksheet: returns { element, read(), load(worksheet), setContext({visitKey, date, response}), onCriterion(fn) }.
 * `config` is the protocol's responderIndex (from the patient detail).
 */
export function riWorksheet(p, visits, config) {
  const baseline = baselineOrgans(visits);
  const rows = config.sites.map((site) => {
    const score = h('input', { type: 'number', min: 0, max: 3, step: 1, value: '0', inputmode: 'numeric', class: 'ri-score', 'aria-label': t('ri.scoreLabel', { site: label(site) }), dataset: { site: site.key } });
    const urgent = h('input', { type: 'checkbox', class: 'ri-urgent', 'aria-label': t('ri.urgentLabel', { site: label(site) }), dataset: { site: site.key } });
    const tr = h('tr', { dataset: { site: site.key } },
      h('th', { scope: 'row' }, label(site), baseline.has(site.key) ? h('span', { class: 'badge ri-baseline', title: t('ri.baselineHelp') }, ` ${t('ri.baseline')}`) : null),
      h('td', {}, score), h('td', {}, urgent));
    return { site, score, urgent, tr };
  });
  const serum = h('input', { type: 'number', min: 0, max: 3, step: 1, value: '0', inputmode: 'numeric', id: 'ri-serum', 'aria-label': t('ri.serum') });
  const total = h('output', { id: 'ri-total', 'aria-live': 'polite' }, '0');
  const criterion = h('p', { id: 'ri-criterion', class: 'muted', 'aria-live': 'polite' }, t('ri.criterionPending'));
  const listeners = [];
  let context = { visitKey: '', date: '', response: null };
  let lastCriterion = null;

  const clamp = (input) => {
    const n = Math.round(Number(input.value));
    input.value = String(Number.isFinite(n) ? Math.min(3, Math.max(0, n)) : 0);
  };
  const read = () => ({
    sites: rows.filter((r) => Number(r.score.value) > 0).map((r) => ({ site: r.site.key, score: Number(r.score.value), urgent: r.urgent.checked })),
    serumIgG4: config.serumIgG4 ? Number(serum.value) : null,
  });
  const computeTotal = () => {
    const ws = read();
    return ws.sites.reduce((sum, s) => sum + s.score * (s.urgent ? config.urgentMultiplier : 1), 0) + (ws.serumIgG4 ?? 0);
  };

  let timer = null;
  let seq = 0;
  const refreshCriterion = () => {
    clearTimeout(timer);
    if (!context.visitKey || !context.date) {
      lastCriterion = null;
      criterion.textContent = t('ri.criterionPending');
      listeners.forEach((fn) => fn(null));
      return;
    }
    timer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const c = await api(`/api/patients/${encodeURIComponent(p.id)}/visits/criterion`, {
          method: 'POST',
          body: { visitKey: context.visitKey, date: context.date, worksheet: read(), ...(context.response ? { response: context.response } : {}) },
        });
        if (mine !== seq) return;
        lastCriterion = c;
        criterion.textContent = c.text[getLang()] ?? c.text.en;
        criterion.className = c.met ? 'ri-met' : 'muted';
        listeners.forEach((fn) => fn(c));
      } catch (error) {
        if (mine === seq) criterion.textContent = error.message;
      }
    }, 250);
  };
  const changed = () => {
    for (const r of rows) if (Number(r.score.value) === 0) r.urgent.checked = false;
    total.textContent = String(computeTotal());
    refreshCriterion();
  };

  rows.forEach((r, i) => {
    r.score.addEventListener('input', changed);
    r.score.addEventListener('change', () => { clamp(r.score); changed(); });
    r.urgent.addEventListener('change', () => {
      if (r.urgent.checked && Number(r.score.value) === 0) r.urgent.checked = false;
      changed();
    });
    r.score.addEventListener('keydown', (event) => {
      const next = rows[i + 1]?.score ?? serum;
      if (/^[0-3]$/.test(event.key)) {
        event.preventDefault();
        r.score.value = event.key;
        changed();
        next.focus();
        next.select?.();
      } else if (event.key === 'u' || event.key === 'U') {
        event.preventDefault();
        if (Number(r.score.value) > 0) r.urgent.checked = !r.urgent.checked;
        changed();
      } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const target = event.key === 'ArrowDown' ? next : (rows[i - 1]?.score ?? r.score);
        target.focus();
        target.select?.();
      } else if (/^[4-9]$/.test(event.key)) event.preventDefault();
    });
  });
  serum.addEventListener('input', changed);
  serum.addEventListener('change', () => { clamp(serum); changed(); });
  serum.addEventListener('keydown', (event) => {
    if (/^[0-3]$/.test(event.key)) { event.preventDefault(); serum.value = event.key; changed(); }
    else if (/^[4-9]$/.test(event.key)) event.preventDefault();
  });

  const element = h('fieldset', { class: 'ri-worksheet', id: 'ri-worksheet' },
    h('legend', {}, t('ri.title')),
    h('p', { class: 'hint' }, t('ri.scale')),
    h('p', { class: 'hint' }, t('ri.keys')),
    h('table', { class: 'ri-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('ri.site')), h('th', { scope: 'col' }, t('ri.score')), h('th', { scope: 'col' }, t('ri.urgent', { n: config.urgentMultiplier })))),
      h('tbody', {}, rows.map((r) => r.tr),
        config.serumIgG4 ? h('tr', {}, h('th', { scope: 'row' }, t('ri.serum')), h('td', {}, serum), h('td', {})) : null)),
    h('p', { class: 'ri-total-line' }, h('strong', {}, `${t('ri.total')}: `), total),
    h('div', { class: 'ri-criterion-box' }, h('strong', {}, `${t('ri.criterion')}: `), criterion));

  return {
    element,
    read,
    criterion: () => lastCriterion,
    load(ws) {
      for (const r of rows) {
        const s = ws?.sites?.find((x) => x.site === r.site.key);
        r.score.value = String(s?.score ?? 0);
        r.urgent.checked = Boolean(s?.urgent);
      }
      serum.value = String(ws?.serumIgG4 ?? 0);
      changed();
    },
    setContext(next) {
      context = { ...context, ...next };
      refreshCriterion();
    },
    onCriterion(fn) { listeners.push(fn); },
  };
}
