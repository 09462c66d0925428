/* Coordinator console (no build step): the patient list.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api, itemsOf, state } from '../lib/api.js';
import { h, setView } from '../lib/dom.js';
import { pct } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { renderPatient } from './patient.js';
import { renderPatientHistory } from './patient-history.js';

export async function listPatients() {
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

export async function renderPatients(hash) {
  const [, , id, tab] = hash.split('/');
  if (id && tab === 'history') return renderPatientHistory(decodeURIComponent(id));
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

export function statusBadge(p) {
  const cls = p.status === 'active' ? 'ok' : p.status === 'withdrawn' ? 'red' : 'warn';
  return [h('span', { class: `badge ${cls}` }, p.status ?? '—'), p.smsOptOut ? [' ', h('span', { class: 'badge warn' }, t('patients.optOut'))] : null];
}
