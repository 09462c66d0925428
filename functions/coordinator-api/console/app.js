/* Coordinator console: vanilla ES modules, no build step, no framework.
 * This file is the shell: routes, navigation, language, sign-in and start. Each view is a module
 * in views/, shared pieces in lib/. Rule: every piece of data (above all, patient text) reaches the
 * page through text nodes (textContent / createTextNode); no module assigns innerHTML. */
import { api, ApiError, itemsOf, loadConfig, state } from './lib/api.js';
import { cognito, showTokenForm } from './lib/auth.js';
import { refreshClock } from './lib/clock.js';
import { flash, h, setView, view } from './lib/dom.js';
import { getLang, setLang, t } from './lib/i18n.js';
import { ROUTES } from './views/index.js';

function renderNav(current) {
  const nav = document.getElementById('nav');
  nav.replaceChildren(
    ...ROUTES.filter((r) => !r.hidden && (!r.localOnly || state.config?.local)).map((r) =>
      h('a', { href: r.hash, 'aria-current': current === r.hash ? 'page' : null, id: `nav-${r.hash.slice(2)}` }, t(r.key)),
    ),
  );
}

function applyLanguage() {
  const lang = getLang();
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
  const hash = location.hash || ROUTES[0].hash;
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
      if (!link) return;
      link.querySelector('.badge')?.remove();
      if (n > 0) link.append(h('span', { class: 'badge' }, `${n}${more ? '+' : ''}`));
    };
    mark('nav-review', itemsOf(reports).length, reports?.nextCursor);
    mark('nav-today', itemsOf(alerts).length, alerts?.nextCursor);
  } catch {
    /* counts are a convenience */
  }
}

async function start() {
  state.config = await loadConfig();
  document.getElementById('lang-toggle').addEventListener('click', () => {
    setLang(getLang() === 'en' ? 'zh-CN' : 'en');
    refreshClock();
    render();
  });
  document.addEventListener('console:render', () => render());
  document.addEventListener('console:counts', () => refreshCounts());
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
