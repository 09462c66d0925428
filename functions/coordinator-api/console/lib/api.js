/* Coordinator console (no build step): the session state and the coordinator API client.
 * Rule: data reaches the page through text nodes only; no innerHTML anywhere. */
import { cognito } from './auth.js';

export const state = { config: null, token: null, clock: null, patientsCache: null };

export async function loadConfig() {
  try {
    const res = await fetch('/config.json', { headers: { accept: 'application/json' } });
    if (res.ok) return await res.json();
  } catch {
    /* fall back to pasted local token */
  }
  return { auth: 'local-token' };
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail ?? body?.title ?? body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export async function api(path, options = {}) {
  const headers = { accept: 'application/json', ...(options.headers ?? {}) };
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  let body = options.body;
  if (body !== undefined && typeof body !== 'string') {
    body = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(path, { method: options.method ?? 'GET', headers, body });
  if (res.status === 401 && state.config?.auth === 'cognito') {
    sessionStorage.removeItem('trial.token');
    await cognito.begin(state.config.cognito);
  }
  if (options.raw) {
    if (!res.ok) throw new ApiError(res.status, null);
    return res;
  }
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/** Lists come back as `{ items, nextCursor }` (or a bare array). */
export const itemsOf = (page) => (Array.isArray(page) ? page : (page?.items ?? []));
