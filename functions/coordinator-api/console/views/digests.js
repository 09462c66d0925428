/* Coordinator console (no build step): the weekly safety digests.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api, itemsOf } from '../lib/api.js';
import { h, setView } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { getLang } from '../lib/i18n.js';

export async function renderDigests(hash) {
  const week = hash.split('/')[2];
  const page = await api('/api/digests');
  const digests = itemsOf(page).sort((a, b) => String(b.week).localeCompare(String(a.week)));
  const chosen = week ? await api(`/api/digests/${encodeURIComponent(decodeURIComponent(week))}`) : digests[0] ? await api(`/api/digests/${encodeURIComponent(digests[0].week)}`).catch(() => digests[0]) : null;
  const text = chosen ? (chosen.text?.[getLang()] ?? chosen.texts?.[getLang()] ?? chosen.text?.en ?? (typeof chosen.text === 'string' ? chosen.text : null) ?? JSON.stringify(chosen.digest ?? chosen, null, 2)) : null;
  setView(
    h('h1', {}, t('digests.title')),
    digests.length === 0 ? h('p', { class: 'empty' }, t('digests.empty')) :
      h('div', { class: 'row' },
        h('nav', { 'aria-label': t('digests.week'), class: 'panel' }, h('ul', {}, digests.map((d) => h('li', {}, h('a', { href: `#/digests/${encodeURIComponent(d.week)}`, 'aria-current': chosen?.week === d.week ? 'page' : null }, d.week))))),
        h('section', { class: 'panel grow' }, h('h2', {}, `${t('digests.week')} ${chosen?.week ?? ''}`), h('pre', { class: 'digest-text' }, text ?? ''))),
  );
}
