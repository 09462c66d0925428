/* Coordinator console (no build step): strings in both languages and the translate function.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */

/** Shared strings; each view may add its own with defineStrings (kept beside the view that uses them). */
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
    'exports.title': 'Exports (CSV)', 'exports.help': 'Each file is prepared with your sign-in and downloads through a link valid for 5 minutes; phone numbers are never included.',
    'exports.preparing': 'Preparing {file}…', 'exports.ready': '{file}: {rows} rows, downloading.',
    'enroll.phoneHint': 'A mobile number with its country code; a landline cannot receive SMS.',
    'enroll.phone.landline': '{number} is a landline: it cannot receive SMS; give the patient\'s mobile number.',
    'enroll.phone.notMobile': '{number} is not a mobile number: it cannot receive SMS; give the patient\'s mobile number.',
    'enroll.phone.invalid': '{number} is not a valid phone number: check the country code and the digits.',
    'enroll.phone.format': 'Give the mobile number in international (E.164) form: + and the country code, e.g. +86 138 0013 8000.',
    'exports.patients': 'Patients', 'exports.doses': 'Doses (adherence per dose)', 'exports.side-effects': 'Side effects (CTCAE term, grade)',
    'exports.visits': 'Visits and relapse', 'exports.messages': 'Message log', 'exports.audit': 'Audit trail', 'exports.download': 'Download',
    'phone.title': 'Patient phone simulator', 'phone.help': 'Text the study as a patient would. Messages go through the same inbound handler as SNS.',
    'phone.number': 'Patient phone number', 'phone.body': 'Message', 'phone.send': 'Send SMS', 'phone.pick': 'Patient',
    'phone.thread': 'Conversation', 'phone.sent': 'Sent. Understood as: {intent}.', 'phone.parts': '{n} part(s)',
    'thread.origin': 'Handling and origin', 'thread.notAnswered': 'Not answered', 'thread.attempts': 'Processing attempts',
    'thread.answersOurs': 'Linked by the provider to our message', 'thread.yes': 'yes', 'thread.no': 'no', 'thread.keyword': 'Keyword',
    'thread.snsMessageId': 'SNS message id', 'thread.providerTime': 'Provider time',
    'thread.withheld.repeat': 'same words as the previous text', 'thread.withheld.auto_reply': 'an automatic reply (e.g. "I\'m driving")',
    'thread.withheld.budget_spent': 'daily reply limit reached', 'thread.withheld.country_not_allowed': 'country not allowed',
    'thread.withheld.unknown_daily_cap': 'daily limit for unknown numbers reached', 'thread.withheld.unknown_answered_today': 'already answered today',
    'thread.withheld.short_code': 'short code (cannot be answered)',
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
    'review.grade': '{term}的分级', 'review.gradeUnknown': '未分级',
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
    'exports.title': '导出（CSV）', 'exports.help': '文件以您的登录身份生成，通过 5 分钟内有效的链接下载；不含手机号。',
    'exports.preparing': '正在生成 {file}…', 'exports.ready': '{file}：{rows} 行，正在下载。',
    'enroll.phoneHint': '带国家代码的手机号；固定电话无法接收短信。',
    'enroll.phone.landline': '{number} 是固定电话，无法接收短信；请填写患者的手机号。',
    'enroll.phone.notMobile': '{number} 不是手机号，无法接收短信；请填写患者的手机号。',
    'enroll.phone.invalid': '{number} 不是有效的电话号码：请检查国家代码和号码。',
    'enroll.phone.format': '请填写国际格式（E.164）的手机号：+ 加国家代码，例如 +86 138 0013 8000。',
    'exports.patients': '患者', 'exports.doses': '服药（每剂依从性）', 'exports.side-effects': '不良反应（CTCAE 术语与分级）',
    'exports.visits': '访视与复发', 'exports.messages': '短信记录', 'exports.audit': '审计记录', 'exports.download': '下载',
    'phone.title': '患者手机模拟器', 'phone.help': '以患者身份发短信，经过与 SNS 相同的接收处理。',
    'phone.number': '患者手机号', 'phone.body': '短信内容', 'phone.send': '发送短信', 'phone.pick': '患者',
    'phone.thread': '对话', 'phone.sent': '已发送，系统理解为：{intent}。', 'phone.parts': '{n} 条计费',
    'thread.origin': '处理情况与来源', 'thread.notAnswered': '未回复', 'thread.attempts': '处理次数',
    'thread.answersOurs': '运营商关联到我们发出的短信', 'thread.yes': '是', 'thread.no': '否', 'thread.keyword': '关键词',
    'thread.snsMessageId': 'SNS 消息编号', 'thread.providerTime': '运营商时间',
    'thread.withheld.repeat': '与上一条内容相同', 'thread.withheld.auto_reply': '自动回复（如“正在开车”）',
    'thread.withheld.budget_spent': '已达今日回复上限', 'thread.withheld.country_not_allowed': '号码所属国家不在允许范围',
    'thread.withheld.unknown_daily_cap': '已达今日陌生号码回复上限', 'thread.withheld.unknown_answered_today': '今日已回复过',
    'thread.withheld.short_code': '短号码（无法回复）',
  },
};

let lang = localStorage.getItem('trial.lang') ?? (navigator.language?.startsWith('zh') ? 'zh-CN' : 'en');

export const getLang = () => lang;
export function setLang(next) {
  lang = next;
  localStorage.setItem('trial.lang', lang);
}

/** Adds a view's strings: `{ en: {...}, 'zh-CN': {...} }`. Every key must exist in both languages. */
export function defineStrings(table) {
  for (const [language, entries] of Object.entries(table)) Object.assign((STRINGS[language] ??= {}), entries);
}

/** True when a key has a translation (lets views fall back to a raw code only when none exists). */
export const hasString = (key) => key in STRINGS.en;

export function t(key, vars = {}) {
  const text = STRINGS[lang]?.[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}
