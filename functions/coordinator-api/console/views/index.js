/* Coordinator console: the routes, one view module each. The first route is the start page.
 * To add a view: write views/<name>.js exporting its render(hash) function and add one line here. */
import { renderDigests } from './digests.js';
import { renderEnroll } from './enroll.js';
import { renderExports } from './exports.js';
import { renderPatients } from './patients.js';
import { renderPhone } from './phone.js';
import { renderReview } from './review.js';
import { renderToday } from './today.js';

export const ROUTES = [
  { hash: '#/today', key: 'nav.today', render: renderToday },
  { hash: '#/review', key: 'nav.review', render: renderReview },
  // The old alerts page (and the links in pushed notifications, #/alerts/<id>) open Today.
  { hash: '#/alerts', key: 'nav.alerts', render: renderToday, hidden: true },
  { hash: '#/patients', key: 'nav.patients', render: renderPatients },
  { hash: '#/enroll', key: 'nav.enroll', render: renderEnroll },
  { hash: '#/digests', key: 'nav.digests', render: renderDigests },
  { hash: '#/exports', key: 'nav.exports', render: renderExports },
  { hash: '#/phone', key: 'nav.phone', render: renderPhone, localOnly: true },
];
