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
            // The API writes the file to the export store and answers with a short-lived link
            // (S3 presigned on AWS, signed local URL locally): the browser downloads from there.
            flash(t('exports.preparing', { file: `${dataset}.csv` }));
            const link = await api(`/api/exports/${dataset}.csv`);
            const a = h('a', { href: link.url, download: link.filename, rel: 'noopener' });
            document.body.append(a);
            a.click();
            a.remove();
            flash(t('exports.ready', { file: link.filename, rows: link.rows }));
          } catch (error) { flash(t('common.error', { msg: error.message }), 'error'); }
        },
      }, `${t('exports.download')} ${dataset}.csv`)))))),
  );
}
