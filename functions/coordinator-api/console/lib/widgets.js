/* Coordinator console (no build step): shared widgets: the adherence chart and the message thread.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { h, s } from './dom.js';
import { fmtTime, pct } from './format.js';
import { t } from './i18n.js';

/** Weekly adherence bars (inline SVG, built node by node). */
export function adherenceChart(series) {
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

export function messageThread(messages) {
  if (!messages?.length) return h('p', { class: 'muted' }, t('common.none'));
  const at = (m) => Date.parse(m.at ?? m.sentAt ?? m.receivedAt ?? '') || 0;
  const sorted = messages.map((m, i) => [m, i]).sort(([a, i], [b, j]) => at(a) - at(b) || i - j).map(([m]) => m);
  const thread = h('div', { class: 'thread', 'aria-label': t('patients.messages'), tabindex: 0 }, sorted.slice(-100).map((m) => {
    const inbound = m.direction === 'in';
    return h('div', { class: `bubble ${inbound ? 'in' : 'out'}` }, m.body ?? '',
      h('span', { class: 'meta' }, `${inbound ? '←' : '→'} ${fmtTime(m.at ?? m.sentAt ?? m.receivedAt)}${m.parts ? ` · ${t('phone.parts', { n: m.parts })}` : ''}${inbound && typeof m.interpretation?.intent === 'string' ? ` · ${m.interpretation.intent}` : ''}`),
      inbound ? inboundFacts(m) : null);
  }));
  // Newest at the bottom, in view.
  window.requestAnimationFrame(() => { thread.scrollTop = thread.scrollHeight; });
  return thread;
}

/** How an inbound text was handled and what the provider said about its origin (a spoofed sender is judged from these). */
function inboundFacts(m) {
  const withheld = Array.isArray(m.withheldReplies) ? m.withheldReplies : [];
  const provider = m.provider && typeof m.provider === 'object' ? m.provider : null;
  if (!provider && withheld.length === 0 && !(m.attempts > 1)) return null;
  const rows = [];
  for (const w of withheld) rows.push([t('thread.notAnswered'), t(`thread.withheld.${w.reason}`) === `thread.withheld.${w.reason}` ? String(w.reason) : t(`thread.withheld.${w.reason}`)]);
  if (m.attempts > 1) rows.push([t('thread.attempts'), String(m.attempts)]);
  if (provider) {
    rows.push([t('thread.answersOurs'), provider.previousPublishedMessageId ? t('thread.yes') : t('thread.no')]);
    if (provider.messageKeyword) rows.push([t('thread.keyword'), String(provider.messageKeyword)]);
    if (provider.snsMessageId) rows.push([t('thread.snsMessageId'), String(provider.snsMessageId)]);
    if (provider.snsTimestamp) rows.push([t('thread.providerTime'), fmtTime(provider.snsTimestamp)]);
    for (const [k, v] of Object.entries(provider.extra ?? {})) rows.push([k, String(v)]);
  }
  return h('details', { class: 'meta' }, h('summary', {}, t('thread.origin')), h('dl', { class: 'kv' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
}
