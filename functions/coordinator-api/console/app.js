/* Coordinator console: vanilla ES module, no build step, no framework.
 * Rule: every piece of data (above all, patient text) reaches the page through text nodes
 * (textContent / createTextNode); this file never assigns innerHTML. */
/* global document, window, location, history, Node */

// ---------------------------------------------------------------- i18n
const STRINGS = {
  en: {
    'app.title': 'Coordinator console',
    'nav.review': 'Review queue', 'nav.alerts': 'Alerts', 'nav.patients': 'Patients', 'nav.enroll': 'Enroll',
    'nav.digests': 'Weekly digests', 'nav.exports': 'Exports', 'nav.phone': 'Patient phone',
    'auth.signOut': 'Sign out', 'auth.tokenTitle': 'Local API token', 'auth.tokenHelp': 'Paste the token printed by npm start.',
    'auth.tokenLabel': 'Token', 'auth.save': 'Use token', 'auth.signingIn': 'Signing in…', 'auth.failed': 'Sign-in failed. Try again.',
    'clock.virtual': 'Virtual time', 'clock.advance': 'Advance', 'clock.minutes': 'Minutes to advance', 'clock.hour': '+1 h', 'clock.day': '+1 day',
    'common.loading': 'Loading…', 'common.error': 'Something went wrong: {msg}', 'common.none': 'Nothing here.', 'common.refresh': 'Refresh',
    'common.note': 'Note', 'common.save': 'Save', 'common.more': 'Load more', 'common.studyId': 'Study ID', 'common.unknown': 'unknown sender',
    'common.saved': 'Saved.', 'common.status': 'Status', 'common.arm': 'Arm', 'common.reason': 'Reason', 'common.date': 'Date',
    'review.title': 'Review queue', 'review.empty': 'No reports waiting for review.', 'review.received': 'Received',
    'review.raw': 'Patient text (as sent)', 'review.interpretation': 'Interpretation', 'review.intent': 'Intent',
    'review.items': 'Terms and grades', 'review.redFlag': 'Red flag', 'review.relapse': 'Possible relapse', 'review.answers': 'Answers check-in',
    'review.grade': 'Grade of {term}', 'review.gradeUnknown': 'not graded',
    'review.shortcuts': 'Keys: j/k or ↓/↑ move · 1–4 outcome · n note',
    'review.done': 'Report reviewed: {outcome}.',
    'outcome.no_action': 'No action', 'outcome.contacted_patient': 'Contacted patient',
    'outcome.adverse_event_recorded': 'Adverse event recorded', 'outcome.possible_relapse_visit_scheduled': 'Possible relapse → visit scheduled',
    'alerts.title': 'Open alerts', 'alerts.empty': 'No open alerts.', 'alerts.ack': 'Acknowledge', 'alerts.noteRequired': 'Write a note first (what you did).',
    'alerts.acked': 'Alert acknowledged.', 'alerts.urgent': 'urgent', 'alerts.escalated': 'escalated ×{n}', 'alerts.inbox': 'Delivered notifications (local inbox)',
    'alerts.raised': 'Raised',
    'patients.title': 'Patients', 'patients.empty': 'No patients enrolled yet.', 'patients.enrolledOn': 'Enrolled', 'patients.language': 'Language',
    'patients.adherence': 'Adherence', 'patients.phone': 'Phone', 'patients.timeZone': 'Time zone', 'patients.doseTimes': 'Dose times',
    'patients.upcoming': 'Upcoming schedule', 'patients.messages': 'Messages', 'patients.chart': 'Adherence over time (doses confirmed ÷ due, per week)',
    'patients.openReports': 'Open reports', 'patients.openAlerts': 'Open alerts', 'patients.discreet': 'Discreet SMS', 'patients.back': 'All patients',
    'patients.noChart': 'No dose outcomes yet.', 'patients.optOut': 'SMS opted out',
    'kind.dose': 'Dose', 'kind.visit': 'Visit', 'kind.lab': 'Lab', 'kind.checkin': 'Check-in',
    'rand.title': 'Randomization', 'rand.draw': 'Draw from the concealed list', 'rand.record': 'Record an arm allocated elsewhere',
    'rand.mode': 'How', 'rand.submit': 'Randomize', 'rand.done': 'Randomized to {arm}.',
    'visit.title': 'Record a visit', 'visit.key': 'Visit', 'visit.kind': 'What', 'visit.appointment': 'Set appointment date',
    'visit.completed': 'Visit completed', 'visit.unscheduled': 'Unscheduled visit', 'visit.ri': 'Responder Index (total)', 'visit.response': 'Response',
    'visit.relapse': 'Relapse (physician\u2019s decision)', 'visit.organs': 'Organs (comma separated)', 'visit.submit': 'Record visit',
    'response.complete': 'complete', 'response.partial': 'partial', 'response.none': 'none', 'common.yes': 'yes', 'common.no': 'no',
    'statusForm.title': 'Pause / resume / withdraw', 'statusForm.action': 'Action', 'statusForm.submit': 'Change status',
    'action.pause': 'Pause', 'action.resume': 'Resume', 'action.withdraw': 'Withdraw',
    'enroll.title': 'Enroll a patient', 'enroll.phone': 'Mobile phone (E.164, e.g. +8613800138000)', 'enroll.timeZone': 'Time zone',
    'enroll.enrolledOn': 'Enrollment date', 'enroll.morning': 'Morning dose time', 'enroll.evening': 'Evening dose time',
    'enroll.prednisone': 'Prednisone start dose (mg)', 'enroll.discreet': 'Discreet SMS (no drug names)', 'enroll.submit': 'Enroll',
    'enroll.done': 'Enrolled {studyId}.', 'enroll.fixErrors': 'Please correct the fields marked below.',
    'digests.title': 'Weekly safety digests', 'digests.empty': 'No digest yet (built every Monday 08:00, study time).', 'digests.week': 'Week',
    'exports.title': 'Exports (CSV)', 'exports.help': 'Each file downloads with your sign-in; phone numbers are never included.',
    'exports.patients': 'Patients', 'exports.doses': 'Doses (adherence per dose)', 'exports.side-effects': 'Side effects (CTCAE term, grade)',
    'exports.visits': 'Visits and relapse', 'exports.messages': 'Message log', 'exports.audit': 'Audit trail', 'exports.download': 'Download',
    'phone.title': 'Patient phone simulator', 'phone.help': 'Text the study as a patient would. Messages go through the same inbound handler as SNS.',
    'phone.number': 'Patient phone number', 'phone.body': 'Message', 'phone.send': 'Send SMS', 'phone.pick': 'Patient',
    'phone.thread': 'Conversation', 'phone.sent': 'Sent. Understood as: {intent}.', 'phone.parts': '{n} part(s)',
  },
  'zh-CN': {
    'app.title': '协调员控制台',
    'nav.review': '待审核', 'nav.alerts': '警报', 'nav.patients': '患者', 'nav.enroll': '入组',
    'nav.digests': '每周摘要', 'nav.exports': '导出', 'nav.phone': '患者手机',
    'auth.signOut': '退出登录', 'auth.tokenTitle': '本地 API 令牌', 'auth.tokenHelp': '粘贴 npm start 打印的令牌。',
    'auth.tokenLabel': '令牌', 'auth.save': '使用令牌', 'auth.signingIn': '正在登录…', 'auth.failed': '登录失败，请重试。',
    'clock.virtual': '虚拟时间', 'clock.advance': '前进', 'clock.minutes': '前进分钟数', 'clock.hour': '+1 小时', 'clock.day': '+1 天',
    'common.loading': '加载中…', 'common.error': '出错了：{msg}', 'common.none': '暂无内容。', 'common.refresh': '刷新',
    'common.note': '备注', 'common.save': '保存', 'common.more': '加载更多', 'common.studyId': '研究编号', 'common.unknown': '未知号码',
    'common.saved': '已保存。', 'common.status': '状态', 'common.arm': '分组', 'common.reason': '原因', 'common.date': '日期',
    'review.title': '待审核报告', 'review.empty': '没有待审核的报告。', 'review.received': '收到时间',
    'review.raw': '患者原文', 'review.interpretation': '系统解读', 'review.intent': '意图',
    'review.items': '术语与分级', 'review.redFlag': '危险信号', 'review.relapse': '可能复发', 'review.answers': '回复的随访',
    'review.grade': '{term} 的分级', 'review.gradeUnknown': '未分级',
    'review.shortcuts': '快捷键：j/k 或 ↓/↑ 移动 · 1–4 处理结果 · n 备注',
    'review.done': '已审核：{outcome}。',
    'outcome.no_action': '无需处理', 'outcome.contacted_patient': '已联系患者',
    'outcome.adverse_event_recorded': '已记录不良事件', 'outcome.possible_relapse_visit_scheduled': '可能复发 → 已安排访视',
    'alerts.title': '未处理警报', 'alerts.empty': '没有未处理的警报。', 'alerts.ack': '确认', 'alerts.noteRequired': '请先填写备注（采取了什么措施）。',
    'alerts.acked': '警报已确认。', 'alerts.urgent': '紧急', 'alerts.escalated': '已升级 ×{n}', 'alerts.inbox': '已发送的通知（本地收件箱）',
    'alerts.raised': '发出时间',
    'patients.title': '患者', 'patients.empty': '尚无入组患者。', 'patients.enrolledOn': '入组日期', 'patients.language': '语言',
    'patients.adherence': '依从性', 'patients.phone': '手机', 'patients.timeZone': '时区', 'patients.doseTimes': '服药时间',
    'patients.upcoming': '近期安排', 'patients.messages': '短信', 'patients.chart': '依从性趋势（每周已确认 ÷ 应服）',
    'patients.openReports': '待审核报告', 'patients.openAlerts': '未处理警报', 'patients.discreet': '隐私短信', 'patients.back': '全部患者',
    'patients.noChart': '暂无服药记录。', 'patients.optOut': '已退订短信',
    'kind.dose': '服药', 'kind.visit': '复诊', 'kind.lab': '化验', 'kind.checkin': '随访',
    'rand.title': '随机分组', 'rand.draw': '从隐藏的随机序列抽取', 'rand.record': '记录在别处分配的组别',
    'rand.mode': '方式', 'rand.submit': '随机分组', 'rand.done': '已分入 {arm} 组。',
    'visit.title': '记录访视', 'visit.key': '访视', 'visit.kind': '类型', 'visit.appointment': '设定预约日期',
    'visit.completed': '访视已完成', 'visit.unscheduled': '计划外访视', 'visit.ri': '应答指数（总分）', 'visit.response': '疗效',
    'visit.relapse': '复发（医生判断）', 'visit.organs': '受累器官（逗号分隔）', 'visit.submit': '记录访视',
    'response.complete': '完全缓解', 'response.partial': '部分缓解', 'response.none': '无效', 'common.yes': '是', 'common.no': '否',
    'statusForm.title': '暂停 / 恢复 / 退出', 'statusForm.action': '操作', 'statusForm.submit': '更改状态',
    'action.pause': '暂停', 'action.resume': '恢复', 'action.withdraw': '退出研究',
    'enroll.title': '患者入组', 'enroll.phone': '手机号（E.164 格式，如 +8613800138000）', 'enroll.timeZone': '时区',
    'enroll.enrolledOn': '入组日期', 'enroll.morning': '早上服药时间', 'enroll.evening': '晚上服药时间',
    'enroll.prednisone': '泼尼松起始剂量（mg）', 'enroll.discreet': '隐私短信（不含药名）', 'enroll.submit': '入组',
    'enroll.done': '{studyId} 已入组。', 'enroll.fixErrors': '请修改下方标出的字段。',
    'digests.title': '每周安全摘要', 'digests.empty': '暂无摘要（每周一 08:00 研究时间生成）。', 'digests.week': '周',
    'exports.title': '导出（CSV）', 'exports.help': '文件以您的登录身份下载；不含手机号。',
    'exports.patients': '患者', 'exports.doses': '服药（每剂依从性）', 'exports.side-effects': '不良反应（CTCAE 术语与分级）',
    'exports.visits': '访视与复发', 'exports.messages': '短信记录', 'exports.audit': '审计记录', 'exports.download': '下载',
    'phone.title': '患者手机模拟器', 'phone.help': '以患者身份发短信，经过与 SNS 相同的接收处理。',
    'phone.number': '患者手机号', 'phone.body': '短信内容', 'phone.send': '发送短信', 'phone.pick': '患者',
    'phone.thread': '对话', 'phone.sent': '已发送，系统理解为：{intent}。', 'phone.parts': '{n} 条计费',
  },
};

let lang = localStorage.getItem('trial.lang') ?? (navigator.language?.startsWith('zh') ? 'zh-CN' : 'en');
function t(key, vars = {}) {
  const text = STRINGS[lang]?.[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

// ---------------------------------------------------------------- DOM helpers (text only)
/** Builds an element; string children become text nodes, so data is never parsed as HTML. */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}
function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  for (const child of children) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return el;
}
const view = () => document.getElementById('view');
function setView(...children) {
  const el = view();
  el.replaceChildren(...children.flat().filter(Boolean));
}
function flash(text, kind = 'ok') {
  const status = document.getElementById('status');
  status.replaceChildren(h('div', { class: `msg ${kind}` }, text));
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => status.replaceChildren(), 6000);
}

// ---------------------------------------------------------------- config, auth and the API
const state = { config: null, token: null, clock: null, patientsCache: null };

async function loadConfig() {
  try {
    const res = await fetch('/config.json', { headers: { accept: 'application/json' } });
    if (res.ok) return await res.json();
  } catch {
    /* fall back to pasted local token */
  }
  return { auth: 'local-token' };
}

function b64url(bytes) {
  let text = '';
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return window.btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Cognito hosted sign-in: authorization code + PKCE (S256); tokens kept for the tab only. */
const cognito = {
  redirectUri: () => `${location.origin}/`,
  async begin(cfg) {
    const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    const stateValue = b64url(crypto.getRandomValues(new Uint8Array(16)));
    sessionStorage.setItem('trial.pkce', JSON.stringify({ verifier, state: stateValue, hash: location.hash }));
    const params = new URLSearchParams({
      response_type: 'code', client_id: cfg.clientId, redirect_uri: cognito.redirectUri(),
      scope: (cfg.scopes ?? ['openid', 'email', 'profile']).join(' '), state: stateValue,
      code_challenge: challenge, code_challenge_method: 'S256',
    });
    location.assign(`${cfg.domain.replace(/\/$/, '')}/oauth2/authorize?${params}`);
  },
  async complete(cfg) {
    const params = new URLSearchParams(location.search);
    const code = params.get('code');
    if (!code) return null;
    const saved = JSON.parse(sessionStorage.getItem('trial.pkce') ?? 'null');
    sessionStorage.removeItem('trial.pkce');
    history.replaceState(null, '', `/${saved?.hash ?? ''}`);
    if (!saved || saved.state !== params.get('state')) throw new Error('state mismatch');
    const res = await fetch(`${cfg.domain.replace(/\/$/, '')}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: cfg.clientId, code, redirect_uri: cognito.redirectUri(), code_verifier: saved.verifier }),
    });
    if (!res.ok) throw new Error(`token endpoint ${res.status}`);
    const tokens = await res.json();
    const token = cfg.tokenUse === 'id' ? tokens.id_token : tokens.access_token;
    sessionStorage.setItem('trial.token', JSON.stringify({ token, expiresAt: Date.now() + (tokens.expires_in ?? 3600) * 1000 }));
    return token;
  },
  stored() {
    const saved = JSON.parse(sessionStorage.getItem('trial.token') ?? 'null');
    return saved && saved.expiresAt > Date.now() + 30_000 ? saved.token : null;
  },
  signOut(cfg) {
    sessionStorage.removeItem('trial.token');
    const params = new URLSearchParams({ client_id: cfg.clientId, logout_uri: cognito.redirectUri() });
    location.assign(`${cfg.domain.replace(/\/$/, '')}/logout?${params}`);
  },
};

class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail ?? body?.title ?? body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(path, options = {}) {
  const headers = { accept: 'application/json', ...(options.headers ?? {}) };
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  let body = options.body;
  if (body !== undefined && typeof body !== 'string') {
    body = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(path, { method: options.method ?? 'GET', headers, body });
  if (res.status === 401 && state.config?.auth === 'cognito') {
    sessionStorage.removeItem('trial.token');
    await cognito.begin(state.config.cognito);
  }
  if (options.raw) {
    if (!res.ok) throw new ApiError(res.status, null);
    return res;
  }
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/** Lists come back as `{ items, nextCursor }` (or a bare array). */
const itemsOf = (page) => (Array.isArray(page) ? page : (page?.items ?? []));

function showTokenForm(message) {
  const input = h('input', { id: 'token-input', type: 'password', autocomplete: 'off', required: true, size: 40 });
  setView(
    h('section', { class: 'panel', 'aria-labelledby': 'token-title' },
      h('h1', { id: 'token-title' }, t('auth.tokenTitle')),
      message ? h('p', { class: 'form-errors', role: 'alert' }, message) : null,
      h('p', { class: 'muted' }, t('auth.tokenHelp')),
      h('form', {
        onsubmit: (event) => {
          event.preventDefault();
          localStorage.setItem('trial.token', input.value.trim());
          state.token = input.value.trim();
          render();
        },
      }, h('div', { class: 'field' }, h('label', { for: 'token-input' }, t('auth.tokenLabel')), input), h('button', { type: 'submit' }, t('auth.save')))),
  );
}

// ---------------------------------------------------------------- formatting
const studyZone = () => state.config?.studyTimeZone ?? 'Asia/Shanghai';
function fmtTime(iso, zone = studyZone()) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hour12: false }).format(d);
}
const pct = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${Math.round(x * 100)}%` : '—');
const pathOf = (p) => (Array.isArray(p) ? p.join('.') : String(p ?? ''));

// ---------------------------------------------------------------- navigation
const ROUTES = [
  { hash: '#/review', key: 'nav.review', render: renderReview },
  { hash: '#/alerts', key: 'nav.alerts', render: renderAlerts },
  { hash: '#/patients', key: 'nav.patients', render: renderPatients },
  { hash: '#/enroll', key: 'nav.enroll', render: renderEnroll },
  { hash: '#/digests', key: 'nav.digests', render: renderDigests },
  { hash: '#/exports', key: 'nav.exports', render: renderExports },
  { hash: '#/phone', key: 'nav.phone', render: renderPhone, localOnly: true },
];

function renderNav(current) {
  const nav = document.getElementById('nav');
  nav.replaceChildren(
    ...ROUTES.filter((r) => !r.localOnly || state.config?.local).map((r) =>
      h('a', { href: r.hash, 'aria-current': current === r.hash ? 'page' : null, id: `nav-${r.hash.slice(2)}` }, t(r.key)),
    ),
  );
}

function applyLanguage() {
  document.documentElement.lang = lang;
  document.title = `${t('app.title')} — NCT05789017`;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  const toggle = document.getElementById('lang-toggle');
  toggle.textContent = lang === 'en' ? '中文' : 'English';
  toggle.setAttribute('lang', lang === 'en' ? 'zh-CN' : 'en');
  toggle.setAttribute('aria-label', lang === 'en' ? '切换到中文' : 'Switch to English');
}

async function render() {
  applyLanguage();
  if (!state.token) return showTokenForm();
  const hash = location.hash || '#/review';
  const route = ROUTES.find((r) => hash === r.hash || hash.startsWith(`${r.hash}/`)) ?? ROUTES[0];
  renderNav(route.hash);
  setView(h('p', { class: 'muted' }, t('common.loading')));
  refreshClock();
  try {
    await route.render(hash);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && state.config?.auth !== 'cognito') {
      localStorage.removeItem('trial.token');
      state.token = null;
      return showTokenForm(error.message);
    }
    setView(h('p', { class: 'form-errors', role: 'alert' }, t('common.error', { msg: error.message })));
  }
  refreshCounts();
}

async function refreshCounts() {
  try {
    const [reports, alerts] = await Promise.all([api('/api/reports?status=open&limit=100'), api('/api/alerts?status=open&limit=100')]);
    const mark = (id, n, more) => {
      const link = document.getElementById(id);
      if (link && n > 0) link.append(h('span', { class: 'badge' }, `${n}${more ? '+' : ''}`));
    };
    mark('nav-review', itemsOf(reports).length, reports?.nextCursor);
    mark('nav-alerts', itemsOf(alerts).length, alerts?.nextCursor);
  } catch {
    /* counts are a convenience */
  }
}

// ---------------------------------------------------------------- review queue
const OUTCOMES = ['no_action', 'contacted_patient', 'adverse_event_recorded', 'possible_relapse_visit_scheduled'];
let reviewKeys = null;

async function renderReview() {
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
    if (!location.hash.startsWith('#/review') && location.hash !== '') return;
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
      refreshCounts();
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
          h('dt', {}, t('review.intent')), h('dd', {}, String(interp.intent ?? '—')),
          report.answersCheckInId || interp.answers ? [h('dt', {}, t('review.answers')), h('dd', {}, String(report.answersCheckInId ?? interp.answers))] : null),
        gradeSelects.length
          ? h('fieldset', {}, h('legend', {}, t('review.items')),
            gradeSelects.map(({ item, select, id }) => h('div', { class: 'row' }, h('label', { for: id }, t('review.grade', { term: item.term })), select)))
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

// ---------------------------------------------------------------- alerts
async function renderAlerts() {
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
        refreshCounts();
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

// ---------------------------------------------------------------- patients
async function listPatients() {
  const all = [];
  let cursor;
  do {
    const page = await api(`/api/patients?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    all.push(...itemsOf(page));
    cursor = page?.nextCursor;
  } while (cursor && all.length < 1000);
  state.patientsCache = all;
  return all;
}

async function renderPatients(hash) {
  const id = hash.split('/')[2];
  if (id) return renderPatient(decodeURIComponent(id));
  const patients = await listPatients();
  patients.sort((a, b) => String(a.studyId).localeCompare(String(b.studyId)));
  setView(
    h('h1', {}, t('patients.title'), ' ', h('span', { class: 'badge' }, String(patients.length))),
    patients.length === 0 ? h('p', { class: 'empty' }, t('patients.empty')) :
      h('table', {},
        h('thead', {}, h('tr', {}, [t('common.studyId'), t('common.status'), t('common.arm'), t('patients.enrolledOn'), t('patients.language'), t('patients.adherence')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, patients.map((p) => h('tr', {},
          h('td', {}, h('a', { href: `#/patients/${encodeURIComponent(p.id)}` }, p.studyId)),
          h('td', {}, statusBadge(p)),
          h('td', {}, p.arm ?? '—'),
          h('td', {}, p.enrolledOn ?? ''),
          h('td', {}, p.language ?? ''),
          h('td', { class: 'num' }, pct(p.adherence?.rate ?? p.adherence14d?.rate)))))),
  );
}

function statusBadge(p) {
  const cls = p.status === 'active' ? 'ok' : p.status === 'withdrawn' ? 'red' : 'warn';
  return [h('span', { class: `badge ${cls}` }, p.status ?? '—'), p.smsOptOut ? [' ', h('span', { class: 'badge warn' }, t('patients.optOut'))] : null];
}

async function renderPatient(id) {
  const [detail, messages] = await Promise.all([api(`/api/patients/${encodeURIComponent(id)}`), patientMessages(id)]);
  const p = detail.patient ?? detail;
  // Daily points of the last 90 days (patient time zone), computed by the API.
  const series = Array.isArray(detail.adherenceSeries) ? detail.adherenceSeries : [];
  const upcoming = detail.upcoming ?? detail.upcomingReminders ?? [];
  const adherence = detail.adherence?.sinceEnrollment ?? detail.adherence ?? {};
  const openReports = detail.openReports ?? [];
  const openAlerts = detail.openAlerts ?? [];
  setView(
    h('p', {}, h('a', { href: '#/patients' }, `← ${t('patients.back')}`)),
    h('h1', {}, p.studyId, ' ', statusBadge(p)),
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel' },
        h('dl', { class: 'kv' },
          h('dt', {}, t('common.arm')), h('dd', {}, p.arm ?? '—'),
          h('dt', {}, t('patients.enrolledOn')), h('dd', {}, p.enrolledOn ?? ''),
          p.phone ? [h('dt', {}, t('patients.phone')), h('dd', {}, p.phone)] : null,
          h('dt', {}, t('patients.timeZone')), h('dd', {}, p.timeZone ?? ''),
          h('dt', {}, t('patients.language')), h('dd', {}, p.language ?? ''),
          h('dt', {}, t('patients.doseTimes')), h('dd', {}, p.doseTimes ? `${p.doseTimes.morning} / ${p.doseTimes.evening}` : ''),
          h('dt', {}, t('patients.discreet')), h('dd', {}, p.discreet ? t('common.yes') : t('common.no')),
          h('dt', {}, t('patients.adherence')), h('dd', {}, pct(adherence.rate ?? adherence.overall?.rate)),
          p.statusReason ? [h('dt', {}, t('common.reason')), h('dd', {}, p.statusReason)] : null)),
      h('section', { class: 'panel' }, h('h2', {}, t('patients.chart')), adherenceChart(series))),
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel' }, h('h2', {}, t('patients.upcoming')),
        upcoming.length === 0 ? h('p', { class: 'muted' }, t('common.none')) :
          h('table', {}, h('tbody', {}, upcoming.slice(0, 20).map((item) => h('tr', {},
            h('td', {}, `${item.localDate ?? ''} ${item.localTime ?? ''}`),
            h('td', {}, t(`kind.${item.kind}`)),
            h('td', {}, (item.doses ?? []).map((d) => `${d.drug} ${d.amount}${d.unit}`).join(', ') || item.visitKey || ''),
            h('td', {}, item.state ?? '')))))),
      h('section', { class: 'panel' }, h('h2', {}, t('patients.messages')), messageThread(messages))),
    openReports.length || openAlerts.length ? h('section', { class: 'panel' },
      h('h2', {}, `${t('patients.openReports')}: ${openReports.length} · ${t('patients.openAlerts')}: ${openAlerts.length}`),
      h('ul', {}, openAlerts.map((a) => h('li', {}, a.title ?? a.kind)), openReports.map((r) => h('li', {}, r.text ?? '')))) : null,
    h('div', { class: 'grid-2' }, randomizeForm(p), visitForm(p, detail.visits), statusForm(p)),
  );
}

/** The patient's SMS, both directions, newest first (the API reads one query on the patient's message index). */
async function patientMessages(id) {
  return itemsOf(await api(`/api/patients/${encodeURIComponent(id)}/messages?limit=100`));
}

/** Weekly adherence bars (inline SVG, built node by node). */
function adherenceChart(series) {
  const weeks = new Map();
  for (const point of series) {
    const date = point.date ?? point.localDate;
    if (!date) continue;
    const d = new Date(`${date}T00:00:00Z`);
    const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    const w = weeks.get(monday) ?? { due: 0, taken: 0 };
    w.due += (point.due ?? 0) - (point.pending ?? 0);
    w.taken += point.confirmed ?? point.taken ?? 0;
    weeks.set(monday, w);
  }
  const data = [...weeks.entries()].sort(([a], [b]) => a.localeCompare(b)).filter(([, w]) => w.due > 0);
  if (data.length === 0) return h('p', { class: 'muted' }, t('patients.noChart'));
  const width = 640, height = 180, left = 36, bottom = 24, top = 8;
  const barW = Math.max(2, Math.min(24, (width - left - 8) / data.length - 2));
  const y = (rate) => top + (1 - rate) * (height - top - bottom);
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': t('patients.chart') });
  for (const level of [0, 0.5, 0.8, 1]) {
    svg.append(s('line', { x1: left, x2: width - 4, y1: y(level), y2: y(level), stroke: level === 0.8 ? '#d9a400' : '#c9d0d7', 'stroke-dasharray': level === 0.8 ? '4 3' : '' }));
    svg.append(s('text', { x: 2, y: y(level) + 4, 'font-size': 11, fill: '#4a5561' }, `${level * 100}%`));
  }
  data.forEach(([monday, w], i) => {
    const rate = w.taken / w.due;
    const x = left + 4 + i * (barW + 2);
    const bar = s('rect', { x, y: y(rate), width: barW, height: Math.max(1, y(0) - y(rate)), fill: rate >= 0.8 ? '#17663a' : '#a4161a' });
    bar.append(s('title', {}, `${monday}: ${w.taken}/${w.due} (${pct(rate)})`));
    svg.append(bar);
  });
  svg.append(s('text', { x: left, y: height - 6, 'font-size': 11, fill: '#4a5561' }, data[0][0]));
  svg.append(s('text', { x: width - 90, y: height - 6, 'font-size': 11, fill: '#4a5561' }, data[data.length - 1][0]));
  return svg;
}

function messageThread(messages) {
  if (!messages?.length) return h('p', { class: 'muted' }, t('common.none'));
  const at = (m) => Date.parse(m.at ?? m.sentAt ?? m.receivedAt ?? '') || 0;
  const sorted = messages.map((m, i) => [m, i]).sort(([a, i], [b, j]) => at(a) - at(b) || i - j).map(([m]) => m);
  const thread = h('div', { class: 'thread', 'aria-label': t('patients.messages'), tabindex: 0 }, sorted.slice(-100).map((m) => {
    const inbound = m.direction === 'in';
    return h('div', { class: `bubble ${inbound ? 'in' : 'out'}` }, m.body ?? '',
      h('span', { class: 'meta' }, `${inbound ? '←' : '→'} ${fmtTime(m.at ?? m.sentAt ?? m.receivedAt)}${m.parts ? ` · ${t('phone.parts', { n: m.parts })}` : ''}${inbound && typeof m.interpretation?.intent === 'string' ? ` · ${m.interpretation.intent}` : ''}`));
  }));
  // Newest at the bottom, in view.
  window.requestAnimationFrame(() => { thread.scrollTop = thread.scrollHeight; });
  return thread;
}

// ---------------------------------------------------------------- forms with inline errors
function errorMessages(error) {
  if (error instanceof ApiError && Array.isArray(error.body?.errors)) return error.body.errors.map((e) => `${pathOf(e.path)}: ${e.message}`);
  return [error.message];
}

/** A field: label + control + an error slot bound by aria-describedby. */
function field(name, labelText, control, hint) {
  control.id ||= `f-${name.replace(/\W/g, '-')}`;
  control.name = name;
  const errorId = `${control.id}-error`;
  control.setAttribute('aria-describedby', errorId);
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: control.id }, labelText), control,
    hint ? h('div', { class: 'hint' }, hint) : null,
    h('div', { class: 'field-error', id: errorId }));
}

function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  form.querySelector('.form-errors')?.remove();
}

/** Puts each `errors: [{path, message}]` entry next to its field; the rest in a summary. */
function showErrors(form, error) {
  clearErrors(form);
  const entries = error instanceof ApiError && Array.isArray(error.body?.errors)
    ? error.body.errors
    : error instanceof ApiError && error.status === 409 && error.body?.field
      ? [{ path: error.body.field, message: error.body.message }]
      : [{ path: '', message: error.message }];
  const unplaced = [];
  let first = null;
  for (const entry of entries) {
    const path = pathOf(entry.path).replace(/^body\./, '');
    const slot = [...form.querySelectorAll('[data-field]')].find((f) => f.dataset.field === path || path.startsWith(`${f.dataset.field}.`) || f.dataset.field.startsWith(`${path}.`));
    if (!slot) { unplaced.push(path ? `${path}: ${entry.message}` : entry.message); continue; }
    const control = slot.querySelector('input, select, textarea');
    control.setAttribute('aria-invalid', 'true');
    const out = slot.querySelector('.field-error');
    out.textContent = out.textContent ? `${out.textContent} ${entry.message}` : entry.message;
    first ??= control;
  }
  const summary = h('div', { class: 'form-errors', role: 'alert' }, h('p', {}, t('enroll.fixErrors')), unplaced.length ? h('ul', {}, unplaced.map((m) => h('li', {}, m))) : null);
  form.prepend(summary);
  (first ?? summary).focus?.();
}

function randomizeForm(p) {
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
        render();
      } catch (error) { showErrors(form, error); }
    },
  }, h('h2', { id: 'rand-title' }, t('rand.title')), field('method', t('rand.mode'), mode), armField, h('button', { type: 'submit', disabled: Boolean(p.arm) }, t('rand.submit')));
  return form;
}

function visitForm(p, visits) {
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
        render();
      } catch (error) { showErrors(form, error); }
    },
  }, h('h2', { id: 'visit-title' }, t('visit.title')), field('kind', t('visit.kind'), kind), keyField, field('date', t('common.date'), date), completedFields, reasonField, h('button', { type: 'submit' }, t('visit.submit')));
  return form;
}

function statusForm(p) {
  const action = h('select', {}, ['pause', 'resume', 'withdraw'].map((a) => h('option', { value: a }, t(`action.${a}`))));
  const reason = h('input', { type: 'text', size: 30 });
  const form = h('form', {
    class: 'panel', 'aria-labelledby': 'status-title', novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        await api(`/api/patients/${encodeURIComponent(p.id)}/status`, { method: 'POST', body: { action: action.value, reason: reason.value.trim() } });
        flash(t('common.saved'));
        render();
      } catch (error) { showErrors(form, error); }
    },
  }, h('h2', { id: 'status-title' }, t('statusForm.title')), field('action', t('statusForm.action'), action), field('reason', t('common.reason'), reason), h('button', { type: 'submit', class: 'secondary' }, t('statusForm.submit')));
  return form;
}

function renderEnroll() {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: studyZone() }).format(state.clock?.now ? new Date(state.clock.now) : new Date());
  const controls = {
    studyId: h('input', { type: 'text', required: true, autocomplete: 'off', size: 16 }),
    phone: h('input', { type: 'tel', required: true, autocomplete: 'off', size: 20, placeholder: '+8613800138000' }),
    timeZone: h('input', { type: 'text', value: 'Asia/Shanghai', size: 20 }),
    language: h('select', {}, h('option', { value: 'zh-CN' }, '中文 (zh-CN)'), h('option', { value: 'en' }, 'English (en)')),
    enrolledOn: h('input', { type: 'date', value: today, required: true }),
    morning: h('input', { type: 'time', value: '08:00', required: true }),
    evening: h('input', { type: 'time', value: '20:00', required: true }),
    prednisoneStartMg: h('input', { type: 'number', value: '40', min: 0, step: 2.5 }),
    discreet: h('input', { type: 'checkbox' }),
  };
  const form = h('form', {
    class: 'panel', id: 'enroll-form', novalidate: true, 'aria-labelledby': 'enroll-title',
    onsubmit: async (event) => {
      event.preventDefault();
      const c = controls;
      const body = {
        studyId: c.studyId.value.trim(), phone: c.phone.value.trim().replace(/[\s-]/g, ''), timeZone: c.timeZone.value.trim(),
        language: c.language.value, enrolledOn: c.enrolledOn.value,
        doseTimes: { morning: c.morning.value, evening: c.evening.value },
        prednisoneStartMg: c.prednisoneStartMg.value === '' ? undefined : Number(c.prednisoneStartMg.value),
        discreet: c.discreet.checked,
      };
      try {
        const created = await api('/api/patients', { method: 'POST', body });
        clearErrors(form);
        const patient = created.patient ?? created;
        flash(t('enroll.done', { studyId: patient.studyId ?? body.studyId }));
        location.hash = `#/patients/${encodeURIComponent(patient.id)}`;
      } catch (error) { showErrors(form, error); }
    },
  },
  h('h1', { id: 'enroll-title' }, t('enroll.title')),
  h('div', { class: 'row' }, field('studyId', t('common.studyId'), controls.studyId), field('phone', t('enroll.phone'), controls.phone)),
  h('div', { class: 'row' }, field('timeZone', t('enroll.timeZone'), controls.timeZone), field('language', t('patients.language'), controls.language), field('enrolledOn', t('enroll.enrolledOn'), controls.enrolledOn)),
  h('div', { class: 'row' }, field('doseTimes.morning', t('enroll.morning'), controls.morning), field('doseTimes.evening', t('enroll.evening'), controls.evening), field('prednisoneStartMg', t('enroll.prednisone'), controls.prednisoneStartMg)),
  h('div', { class: 'field', dataset: { field: 'discreet' } }, h('label', {}, controls.discreet, ' ', t('enroll.discreet')), h('div', { class: 'field-error' })),
  h('button', { type: 'submit' }, t('enroll.submit')));
  setView(form);
}

// ---------------------------------------------------------------- digests and exports
async function renderDigests(hash) {
  const week = hash.split('/')[2];
  const page = await api('/api/digests');
  const digests = itemsOf(page).sort((a, b) => String(b.week).localeCompare(String(a.week)));
  const chosen = week ? await api(`/api/digests/${encodeURIComponent(decodeURIComponent(week))}`) : digests[0] ? await api(`/api/digests/${encodeURIComponent(digests[0].week)}`).catch(() => digests[0]) : null;
  const text = chosen ? (chosen.text?.[lang] ?? chosen.texts?.[lang] ?? chosen.text?.en ?? (typeof chosen.text === 'string' ? chosen.text : null) ?? JSON.stringify(chosen.digest ?? chosen, null, 2)) : null;
  setView(
    h('h1', {}, t('digests.title')),
    digests.length === 0 ? h('p', { class: 'empty' }, t('digests.empty')) :
      h('div', { class: 'row' },
        h('nav', { 'aria-label': t('digests.week'), class: 'panel' }, h('ul', {}, digests.map((d) => h('li', {}, h('a', { href: `#/digests/${encodeURIComponent(d.week)}`, 'aria-current': chosen?.week === d.week ? 'page' : null }, d.week))))),
        h('section', { class: 'panel grow' }, h('h2', {}, `${t('digests.week')} ${chosen?.week ?? ''}`), h('pre', { class: 'digest-text' }, text ?? ''))),
  );
}

const DATASETS = ['patients', 'doses', 'side-effects', 'visits', 'messages', 'audit'];
function renderExports() {
  setView(
    h('h1', {}, t('exports.title')),
    h('p', { class: 'muted' }, t('exports.help')),
    h('table', {}, h('tbody', {}, DATASETS.map((dataset) => h('tr', {},
      h('td', {}, t(`exports.${dataset}`)),
      h('td', {}, h('a', {
        href: `/api/exports/${dataset}.csv`, class: 'button secondary', download: `${dataset}.csv`,
        onclick: async (event) => {
          event.preventDefault();
          try {
            const res = await api(`/api/exports/${dataset}.csv`, { raw: true, headers: { accept: 'text/csv' } });
            const url = URL.createObjectURL(new Blob([await res.text()], { type: 'text/csv;charset=utf-8' }));
            const a = h('a', { href: url, download: `${dataset}.csv` });
            document.body.append(a);
            a.click();
            a.remove();
            setTimeout(() => URL.revokeObjectURL(url), 10_000);
          } catch (error) { flash(t('common.error', { msg: error.message }), 'error'); }
        },
      }, `${t('exports.download')} ${dataset}.csv`)))))),
  );
}

// ---------------------------------------------------------------- local: patient phone simulator and virtual clock
async function renderPhone() {
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

async function refreshClock() {
  const el = document.getElementById('clock');
  if (!state.config?.local) return;
  try {
    state.clock = await api('/local/clock');
  } catch {
    return;
  }
  if (!state.clock?.virtual) { el.hidden = true; return; }
  el.hidden = false;
  const advance = (minutes) => async () => {
    el.setAttribute('aria-busy', 'true');
    try {
      state.clock = await api('/local/clock', { method: 'POST', body: { advanceMinutes: minutes } });
    } catch (error) {
      flash(t('common.error', { msg: error.message }), 'error');
    }
    el.removeAttribute('aria-busy');
    await refreshClock();
    render();
  };
  el.replaceChildren(
    h('span', { id: 'virtual-time' }, `${t('clock.virtual')}: ${fmtTime(state.clock.now)}`),
    h('button', { type: 'button', class: 'secondary', onclick: advance(60) }, t('clock.hour')),
    h('button', { type: 'button', class: 'secondary', onclick: advance(1440) }, t('clock.day')),
  );
}

// ---------------------------------------------------------------- start
async function start() {
  state.config = await loadConfig();
  document.getElementById('lang-toggle').addEventListener('click', () => {
    lang = lang === 'en' ? 'zh-CN' : 'en';
    localStorage.setItem('trial.lang', lang);
    refreshClock();
    render();
  });
  if (state.config.auth === 'cognito') {
    const cfg = state.config.cognito;
    try {
      state.token = (await cognito.complete(cfg)) ?? cognito.stored();
    } catch {
      flash(t('auth.failed'), 'error');
    }
    if (!state.token) return cognito.begin(cfg);
    const signOut = document.getElementById('sign-out');
    signOut.hidden = false;
    signOut.addEventListener('click', () => cognito.signOut(cfg));
  } else {
    state.token = state.config.token ?? localStorage.getItem('trial.token');
  }
  window.addEventListener('hashchange', () => { render(); view().focus(); });
  await refreshClock();
  if (state.config.local) setInterval(refreshClock, 30_000);
  await render();
}

start().catch((error) => console.error(error));
