/* Coordinator console (no build step): one patient: details, adherence, schedule, messages and the forms.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api, itemsOf } from '../lib/api.js';
import { h, setView } from '../lib/dom.js';
import { pct } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { adherenceChart, messageThread } from '../lib/widgets.js';
import { statusBadge } from './patients.js';
import { patientTabs } from './patient-history.js';
import { randomizeForm } from './patient-randomize.js';
import { statusForm } from './patient-status.js';
import { visitForm } from './patient-visit.js';

export async function renderPatient(id) {
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
    patientTabs(id, 'overview'),
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
export async function patientMessages(id) {
  return itemsOf(await api(`/api/patients/${encodeURIComponent(id)}/messages?limit=100`));
}
