/* Coordinator console (no build step): formatting of times and rates in the study time zone.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { state } from './api.js';
import { getLang } from './i18n.js';

export const studyZone = () => state.config?.studyTimeZone ?? 'Asia/Shanghai';
export function fmtTime(iso, zone = studyZone()) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(getLang() === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hour12: false }).format(d);
}
export const pct = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${Math.round(x * 100)}%` : '—');
export const pathOf = (p) => (Array.isArray(p) ? p.join('.') : String(p ?? ''));
