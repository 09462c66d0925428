/* Coordinator console (no build step): one patient's history — who changed what, when and why,
 * and who viewed the record — from the audit trail (GET /api/audit?entity=patient:<id>).
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api, itemsOf } from '../lib/api.js';
import { h, setView } from '../lib/dom.js';
import { fmtTime } from '../lib/format.js';
import { defineStrings, hasString, t } from '../lib/i18n.js';

defineStrings({
  en: {
    'tabs.overview': 'Overview', 'tabs.history': 'History',
    'history.title': 'History of {studyId}', 'history.help': 'Every change and every view of this record, newest first, from the audit trail (append-only, hash-chained).',
    'history.when': 'When', 'history.who': 'Who', 'history.what': 'What', 'history.why': 'Why', 'history.changes': 'Changes',
    'history.showViews': 'Show views of the record', 'history.empty': 'No entries yet.', 'history.viewed': 'viewed', 'history.field': 'Field',
    'history.before': 'before', 'history.after': 'after', 'history.none': '(none)', 'history.count': '{writes} changes · {reads} views',
    'action.patient.enroll': 'Enrolled', 'action.patient.update': 'Settings changed', 'action.patient.pause': 'Paused', 'action.patient.resume': 'Resumed',
    'action.patient.withdraw': 'Withdrawn', 'action.patient.complete': 'Completed the study', 'action.patient.randomize': 'Randomized',
    'action.patient.sms_opt_out': 'Opted out of SMS (STOP)', 'action.patient.sms_opt_in': 'Opted back in to SMS',
    'action.visit.record': 'Visit recorded', 'action.visit.correct': 'Visit record corrected', 'action.visit.appointment': 'Appointment date set',
    'action.visit.add_unscheduled': 'Unscheduled visit added', 'action.checkin.answer': 'Check-in answered', 'action.dose.missed_no_reply': 'Dose check-in not answered',
    'action.read.patient.profile': 'Viewed the patient page (phone number)', 'action.read.patient.messages': 'Viewed the messages',
    'action.read.report.text': 'Viewed a report (patient text)', 'action.read.patient.history': 'Viewed this history',
  },
  'zh-CN': {
    'tabs.overview': '概览', 'tabs.history': '历史记录',
    'history.title': '{studyId} 的历史记录', 'history.help': '此记录的每一次修改和每一次查看（最新在前），来自审计追踪（只追加、哈希链）。',
    'history.when': '时间', 'history.who': '操作人', 'history.what': '操作', 'history.why': '原因', 'history.changes': '修改内容',
    'history.showViews': '显示查看记录', 'history.empty': '暂无记录。', 'history.viewed': '查看', 'history.field': '字段',
    'history.before': '修改前', 'history.after': '修改后', 'history.none': '（无）', 'history.count': '{writes} 次修改 · {reads} 次查看',
    'action.patient.enroll': '入组', 'action.patient.update': '修改设置', 'action.patient.pause': '暂停', 'action.patient.resume': '恢复',
    'action.patient.withdraw': '退出研究', 'action.patient.complete': '完成研究', 'action.patient.randomize': '随机分组',
    'action.patient.sms_opt_out': '退订短信（STOP）', 'action.patient.sms_opt_in': '重新订阅短信',
    'action.visit.record': '记录访视', 'action.visit.correct': '更正访视记录', 'action.visit.appointment': '设定预约日期',
    'action.visit.add_unscheduled': '新增计划外访视', 'action.checkin.answer': '回复随访', 'action.dose.missed_no_reply': '服药随访未回复',
    'action.read.patient.profile': '查看患者页面（含手机号）', 'action.read.patient.messages': '查看短信',
    'action.read.report.text': '查看报告（患者原文）', 'action.read.patient.history': '查看此历史记录',
  },
});

/** The tab bar of the patient page (Overview | History). */
export function patientTabs(id, current) {
  const base = `#/patients/${encodeURIComponent(id)}`;
  return h('nav', { class: 'tabs', 'aria-label': t('tabs.history') },
    h('a', { href: base, 'aria-current': current === 'overview' ? 'page' : null }, t('tabs.overview')),
    ' ',
    h('a', { href: `${base}/history`, 'aria-current': current === 'history' ? 'page' : null, id: 'tab-history' }, t('tabs.history')));
}

const actionLabel = (action) => (hasString(`action.${action}`) ? t(`action.${action}`) : action);
const show = (value) => (value === null || value === undefined ? t('history.none') : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** Field-by-field differences of one entry: each changed field with its old value struck and its new value marked. */
export function changeRows(before, after) {
  const b = before && typeof before === 'object' && !Array.isArray(before) ? before : before === null || before === undefined ? {} : { value: before };
  const a = after && typeof after === 'object' && !Array.isArray(after) ? after : after === null || after === undefined ? {} : { value: after };
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields.map((field) => {
    const changed = JSON.stringify(b[field]) !== JSON.stringify(a[field]);
    return h('tr', { class: changed ? 'changed' : 'same' },
      h('th', { scope: 'row' }, field),
      h('td', {}, field in b ? h(changed ? 'del' : 'span', { class: 'diff-before', title: t('history.before') }, show(b[field])) : ''),
      h('td', {}, field in a ? h(changed ? 'ins' : 'span', { class: 'diff-after', title: t('history.after') }, show(a[field])) : ''));
  });
}

function entryRow(entry) {
  const read = entry.kind === 'read';
  const details = read ? null : changeRows(entry.before, entry.after);
  return h('tr', { class: read ? 'history-read' : 'history-write', dataset: { action: entry.action } },
    h('td', {}, fmtTime(entry.at)),
    h('td', {}, entry.actor),
    h('td', {}, read ? h('span', { class: 'badge' }, t('history.viewed')) : null, read ? ' ' : null, actionLabel(entry.action)),
    h('td', {}, entry.reason ?? ''),
    h('td', {}, details && details.length > 0
      ? h('table', { class: 'diff' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('history.field')), h('th', { scope: 'col' }, t('history.before')), h('th', { scope: 'col' }, t('history.after')))), h('tbody', {}, details))
      : ''));
}

export async function renderPatientHistory(id) {
  const [detail, audit] = await Promise.all([
    api(`/api/patients/${encodeURIComponent(id)}`),
    api(`/api/audit?entity=${encodeURIComponent(`patient:${id}`)}`),
  ]);
  const p = detail.patient ?? detail;
  const entries = itemsOf(audit).slice().reverse();
  const writes = entries.filter((e) => e.kind !== 'read').length;
  const reads = entries.length - writes;
  const showViews = h('input', { type: 'checkbox', id: 'history-show-views', checked: true });
  const body = h('tbody', {});
  const fill = () => body.replaceChildren(...entries.filter((e) => showViews.checked || e.kind !== 'read').map(entryRow));
  showViews.addEventListener('change', fill);
  fill();
  setView(
    h('p', {}, h('a', { href: '#/patients' }, `← ${t('patients.back')}`)),
    h('h1', {}, t('history.title', { studyId: p.studyId ?? '' })),
    patientTabs(id, 'history'),
    h('p', { class: 'muted' }, t('history.help'), ' ', t('history.count', { writes, reads })),
    h('label', {}, showViews, ' ', t('history.showViews')),
    entries.length === 0 ? h('p', { class: 'empty' }, t('history.empty')) :
      h('table', { id: 'history', class: 'history' },
        h('thead', {}, h('tr', {}, [t('history.when'), t('history.who'), t('history.what'), t('history.why'), t('history.changes')].map((c) => h('th', { scope: 'col' }, c)))),
        body),
  );
}
