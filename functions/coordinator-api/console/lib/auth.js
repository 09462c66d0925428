/* Coordinator console (no build step): sign-in (Cognito hosted UI: authorization code + PKCE; or the local token).
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { h, setView, rerender } from './dom.js';
import { t } from './i18n.js';
import { state } from './api.js';

function b64url(bytes) {
  let text = '';
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return window.btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Cognito hosted sign-in: authorization code + PKCE (S256); tokens kept for the tab only. */
export const cognito = {
  redirectUri: () => `${location.origin}/`,
  async begin(cfg) {
    const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    const stateValue = b64url(crypto.getRandomValues(new Uint8Array(16)));
    sessionStorage.setItem('trial.pkce', JSON.stringify({ verifier, state: stateValue, hash: location.hash }));
    const params = new URLSearchParams({
      response_type: 'code', client_id: cfg.clientId, redirect_uri: cognito.redirectUri(),
      scope: (cfg.scopes ?? ['openid', 'email', 'profile']).join(' '), state: stateValue,
      code_challenge: challenge, code_challenge_method: 'S256',
    });
    location.assign(`${cfg.domain.replace(/\/$/, '')}/oauth2/authorize?${params}`);
  },
  async complete(cfg) {
    const params = new URLSearchParams(location.search);
    const code = params.get('code');
    if (!code) return null;
    const saved = JSON.parse(sessionStorage.getItem('trial.pkce') ?? 'null');
    sessionStorage.removeItem('trial.pkce');
    history.replaceState(null, '', `/${saved?.hash ?? ''}`);
    if (!saved || saved.state !== params.get('state')) throw new Error('state mismatch');
    const res = await fetch(`${cfg.domain.replace(/\/$/, '')}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: cfg.clientId, code, redirect_uri: cognito.redirectUri(), code_verifier: saved.verifier }),
    });
    if (!res.ok) throw new Error(`token endpoint ${res.status}`);
    const tokens = await res.json();
    const token = cfg.tokenUse === 'id' ? tokens.id_token : tokens.access_token;
    sessionStorage.setItem('trial.token', JSON.stringify({ token, expiresAt: Date.now() + (tokens.expires_in ?? 3600) * 1000 }));
    return token;
  },
  stored() {
    const saved = JSON.parse(sessionStorage.getItem('trial.token') ?? 'null');
    return saved && saved.expiresAt > Date.now() + 30_000 ? saved.token : null;
  },
  signOut(cfg) {
    sessionStorage.removeItem('trial.token');
    const params = new URLSearchParams({ client_id: cfg.clientId, logout_uri: cognito.redirectUri() });
    location.assign(`${cfg.domain.replace(/\/$/, '')}/logout?${params}`);
  },
};

export function showTokenForm(message) {
  const input = h('input', { id: 'token-input', type: 'password', autocomplete: 'off', required: true, size: 40 });
  setView(
    h('section', { class: 'panel', 'aria-labelledby': 'token-title' },
      h('h1', { id: 'token-title' }, t('auth.tokenTitle')),
      message ? h('p', { class: 'form-errors', role: 'alert' }, message) : null,
      h('p', { class: 'muted' }, t('auth.tokenHelp')),
      h('form', {
        onsubmit: (event) => {
          event.preventDefault();
          localStorage.setItem('trial.token', input.value.trim());
          state.token = input.value.trim();
          rerender();
        },
      }, h('div', { class: 'field' }, h('label', { for: 'token-input' }, t('auth.tokenLabel')), input), h('button', { type: 'submit' }, t('auth.save')))),
  );
}
