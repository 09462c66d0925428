/* Coordinator console (no build step): "Today", the worklist the console opens on. Urgent alerts
 * first, then one row per patient (routine problems grouped), oldest first; keyboard driven like
 * the review queue. Acknowledge with an outcome and a note, snooze until a date, open the patient.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api, itemsOf, state } from '../lib/api.js';
import { flash, h, refreshBadges, setView } from '../lib/dom.js';
import { fmtTime, pct } from '../lib/format.js';
import { errorMessages } from '../lib/forms.js';
import { defineStrings, t } from '../lib/i18n.js';

const OUTCOMES = ['called', 'no_answer', 'visit_scheduled', 'no_action_needed'];
const KINDS = {
  missed_dose: ['Missed doses reported', '报告漏服'], no_reply: ['No reply', '未回复'], low_response: ['Low response', '回复率低'],
  red_flag: ['Red flag', '红旗症状'], relapse_signal: ['Possible relapse', '疑似复发'], supply: ['Medicine supply', '药品供应'],
  steroid_withdrawal: ['Steroid stopped', '激素中断'], opt_out: ['Opted out of SMS', '退订短信'], sms_failure: ['SMS failure', '短信发送失败'],
  delivery_unknown: ['SMS delivery unknown', '短信送达未知'], unknown_sender: ['Unknown sender', '未知号码'],
  reply_budget: ['Reply limit reached', '自动回复达上限'], inbound_unprocessed: ['Message not processed', '短信未能处理'], other: ['Other', '其他'],
};

defineStrings({
  en: {
    'nav.today': 'Today',
    'today.title': 'Today', 'today.empty': 'Nothing to do: no open items.',
    'today.shortcuts': 'Keys: j/k or ↓/↑ move · 1–4 acknowledge with outcome · n note · s snooze · o open patient',
    'today.urgent': 'urgent', 'today.overdue': 'overdue ({n} working days)', 'today.since': 'since {when}',
    'today.workingDays': '{n} working days open', 'today.escalated': 'escalated ×{n}',
    'today.adherence': '14 days: {rate} taken ({confirmed}/{answered} answered); {missed} reported missed; {silent} no reply',
    'today.noDoses': '14 days: no dose check-ins', 'today.lastReply': 'Last reply: {when}', 'today.neverReplied': 'No reply yet',
    'today.resolved': 'resolved', 'today.openPatient': 'Open patient', 'today.snooze': 'Snooze until', 'today.snoozeButton': 'Snooze',
    'today.snoozed': 'Put aside until {date}.', 'today.acked': 'Done: {outcome}.', 'today.pickDate': 'Pick a date after today.',
    'today.inbox': 'Delivered notifications (local inbox)', 'today.outcomes': 'Outcome',
    'ackOutcome.called': 'Called', 'ackOutcome.no_answer': 'No answer', 'ackOutcome.visit_scheduled': 'Visit scheduled', 'ackOutcome.no_action_needed': 'No action needed',
    ...Object.fromEntries(Object.entries(KINDS).map(([k, [en]]) => [`alertKind.${k}`, en])),
  },
  'zh-CN': {
    'nav.today': '今日待办',
    'today.title': '今日待办', 'today.empty': '没有待处理事项。',
    'today.shortcuts': '快捷键：j/k 或 ↓/↑ 移动 · 1–4 按结果确认 · n 备注 · s 推迟 · o 打开患者',
    'today.urgent': '紧急', 'today.overdue': '已逾期（{n} 个工作日）', 'today.since': '始于 {when}',
    'today.workingDays': '已开放 {n} 个工作日', 'today.escalated': '已升级 ×{n}',
    'today.adherence': '近14天：服药 {rate}（已回复 {answered} 次中 {confirmed} 次服药）；报告漏服 {missed}；未回复 {silent}',
    'today.noDoses': '近14天：无服药随访', 'today.lastReply': '最近回复：{when}', 'today.neverReplied': '尚未回复',
    'today.resolved': '已缓解', 'today.openPatient': '打开患者', 'today.snooze': '推迟至', 'today.snoozeButton': '推迟',
    'today.snoozed': '已推迟至 {date}。', 'today.acked': '已处理：{outcome}。', 'today.pickDate': '请选择今天之后的日期。',
    'today.inbox': '已发送的通知（本地收件箱）', 'today.outcomes': '处理结果',
    'ackOutcome.called': '已电话联系', 'ackOutcome.no_answer': '无人接听', 'ackOutcome.visit_scheduled': '已预约就诊', 'ackOutcome.no_action_needed': '无需处理',
    ...Object.fromEntries(Object.entries(KINDS).map(([k, [, zh]]) => [`alertKind.${k}`, zh])),
  },
});

let todayKeys = null;

export async function renderToday() {
  const [worklist, inbox] = await Promise.all([
    api('/api/worklist'),
    state.config?.local ? api('/local/alerts').catch(() => null) : null,
  ]);
  const rows = itemsOf(worklist);
  const cards = rows.map((row) => rowCard(row));
  setView(
    h('h1', {}, t('today.title'), ' ', h('span', { class: 'badge' }, String(rows.length))),
    h('p', { class: 'shortcuts', id: 'today-shortcuts' }, t('today.shortcuts')),
    rows.length === 0 ? h('p', { class: 'empty' }, t('today.empty')) : h('div', { class: 'queue', role: 'list' }, cards),
    inbox ? h('section', { class: 'panel' }, h('h2', {}, t('today.inbox')),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('alerts.raised')), h('th', {}, 'channel'), h('th', {}, 'subject'))),
        h('tbody', {}, itemsOf(inbox).slice(0, 30).map((entry) => h('tr', {}, h('td', {}, fmtTime(entry.at)), h('td', {}, entry.channel), h('td', {}, entry.subject)))))) : null,
  );
  let selected = 0;
  const live = () => cards.filter((c) => c.isConnected);
  const select = (i, focus = true) => {
    const list = live();
    if (list.length === 0) return;
    selected = Math.max(0, Math.min(list.length - 1, i));
    list.forEach((c, j) => c.classList.toggle('selected', j === selected));
    if (focus) list[selected].focus();
  };
  select(0, false);
  cards.forEach((card) => card.addEventListener('focusin', () => select(live().indexOf(card), false)));
  if (todayKeys) document.removeEventListener('keydown', todayKeys);
  todayKeys = (event) => {
    if (!(location.hash === '' || location.hash.startsWith('#/today') || location.hash.startsWith('#/alerts'))) return;
    const tag = event.target?.tagName;
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || event.ctrlKey || event.metaKey || event.altKey) return;
    const card = live()[selected];
    if (event.key === 'j' || event.key === 'ArrowDown') { event.preventDefault(); select(selected + 1); }
    else if (event.key === 'k' || event.key === 'ArrowUp') { event.preventDefault(); select(selected - 1); }
    else if (!card) return;
    else if (event.key === 'n') { event.preventDefault(); card.querySelector('.ack-note')?.focus(); }
    else if (event.key === 's') { event.preventDefault(); card.querySelector('.snooze-date')?.focus(); }
    else if (event.key === 'o') { const link = card.querySelector('a.open-patient'); if (link) { event.preventDefault(); link.click(); } }
    else if (/^[1-4]$/.test(event.key)) { event.preventDefault(); card.querySelectorAll('.outcomes button')[Number(event.key) - 1]?.click(); }
  };
  document.addEventListener('keydown', todayKeys);
}

function kindLabel(kind) {
  return t(`alertKind.${kind}`);
}

function adherenceLine(a) {
  if (!a || a.due - a.pending <= 0) return t('today.noDoses');
  return t('today.adherence', { rate: pct(a.rate), confirmed: a.confirmed, answered: a.confirmed + a.reportedMissed, missed: a.reportedMissed, silent: a.unanswered });
}

function rowCard(row) {
  const noteId = `today-note-${row.id}`;
  const dateId = `today-snooze-${row.id}`;
  const note = h('input', { id: noteId, class: 'ack-note', type: 'text', size: 40, 'aria-describedby': `${noteId}-err` });
  const error = h('div', { class: 'field-error', id: `${noteId}-err`, role: 'alert' });
  // No `min`: the study may run on a virtual clock locally; the API checks the date against study time.
  const date = h('input', { id: dateId, class: 'snooze-date', type: 'date' });
  let card;
  const done = (message) => {
    flash(message);
    const next = card.nextElementSibling;
    card.remove();
    refreshBadges();
    if (next) next.focus();
  };
  const acknowledge = async (outcome) => {
    const text = note.value.trim() || t(`ackOutcome.${outcome}`);
    try {
      await api(`/api/alerts/${encodeURIComponent(row.id)}/acknowledge`, { method: 'POST', body: { note: text, outcome } });
      done(t('today.acked', { outcome: t(`ackOutcome.${outcome}`) }));
    } catch (err) {
      error.textContent = errorMessages(err).join(' ');
    }
  };
  const snooze = async (event) => {
    event.preventDefault();
    if (!date.value) { error.textContent = t('today.pickDate'); date.focus(); return; }
    try {
      await api(`/api/alerts/${encodeURIComponent(row.id)}/snooze`, { method: 'POST', body: { until: date.value } });
      done(t('today.snoozed', { date: date.value }));
    } catch (err) {
      error.textContent = errorMessages(err).join(' ');
    }
  };
  card = h('article', { class: `alert-item today-row${row.urgent ? ' urgent' : ''}`, tabindex: 0, role: 'listitem', dataset: { alertId: row.id } },
    h('div', { class: 'report-head' },
      row.urgent ? h('span', { class: 'badge urgent' }, t('today.urgent')) : null,
      row.overdue ? h('span', { class: 'badge warn' }, t('today.overdue', { n: row.workingDaysOpen })) : null,
      h('strong', {}, row.studyId ?? t('common.unknown')),
      h('span', { class: 'kinds' }, row.kinds.map(kindLabel).join(' · ')),
      h('span', { class: 'muted' }, t('today.since', { when: fmtTime(row.since) })),
      row.escalationCount > 0 ? h('span', { class: 'badge warn' }, t('today.escalated', { n: row.escalationCount })) : null,
      row.patientId ? h('a', { class: 'open-patient', href: `#/patients/${encodeURIComponent(row.patientId)}` }, t('today.openPatient')) : null),
    h('ul', { class: 'events' }, row.events.map((e) => h('li', {}, h('span', { class: 'kind' }, kindLabel(e.kind)), ' ', h('span', { class: 'muted' }, fmtTime(e.at)), ' — ', e.title,
      e.resolvedReason ? h('span', { class: 'badge' }, t('today.resolved')) : null))),
    row.patientId ? h('p', { class: 'muted' }, adherenceLine(row.adherence14d), ' · ', row.lastReplyAt ? t('today.lastReply', { when: fmtTime(row.lastReplyAt) }) : t('today.neverReplied')) : null,
    h('div', { class: 'field' }, h('label', { for: noteId }, t('common.note')), note, error),
    h('div', { class: 'outcomes', role: 'group', 'aria-label': t('today.outcomes') },
      OUTCOMES.map((outcome, i) => h('button', { type: 'button', dataset: { outcome }, onclick: () => acknowledge(outcome) }, `${i + 1} ${t(`ackOutcome.${outcome}`)}`))),
    row.urgent ? null : h('form', { class: 'row snooze', onsubmit: snooze },
      h('label', { for: dateId }, t('today.snooze')), date, h('button', { type: 'submit' }, t('today.snoozeButton'))));
  return card;
}
