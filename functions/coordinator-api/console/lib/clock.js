/* Coordinator console (no build step): the local stack's virtual clock in the top bar.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { api, state } from './api.js';
import { flash, h, rerender } from './dom.js';
import { fmtTime } from './format.js';
import { t } from './i18n.js';

export async function refreshClock() {
  const el = document.getElementById('clock');
  if (!state.config?.local) return;
  try {
    state.clock = await api('/local/clock');
  } catch {
    return;
  }
  if (!state.clock?.virtual) { el.hidden = true; return; }
  el.hidden = false;
  const advance = (minutes) => async () => {
    el.setAttribute('aria-busy', 'true');
    try {
      state.clock = await api('/local/clock', { method: 'POST', body: { advanceMinutes: minutes } });
    } catch (error) {
      flash(t('common.error', { msg: error.message }), 'error');
    }
    el.removeAttribute('aria-busy');
    await refreshClock();
    rerender();
  };
  el.replaceChildren(
    h('span', { id: 'virtual-time' }, `${t('clock.virtual')}: ${fmtTime(state.clock.now)}`),
    h('button', { type: 'button', class: 'secondary', onclick: advance(60) }, t('clock.hour')),
    h('button', { type: 'button', class: 'secondary', onclick: advance(1440) }, t('clock.day')),
  );
}
