/* Coordinator console (no build step): CSV exports.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api } from '../lib/api.js';
import { flash, h, setView } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

const DATASETS = ['patients', 'doses', 'side-effects', 'visits', 'messages', 'audit'];
export function renderExports() {
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
