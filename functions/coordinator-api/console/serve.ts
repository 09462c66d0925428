// The files themselves are a side module (shared/lazy/): in the Lambda they are loaded on the first
// page request, not at cold start; their paths (asset-paths.ts) are known without them.
import { consoleAssets } from '#lazy/console-assets';
import { CONSOLE_ASSET_PATHS } from './asset-paths.ts';

/**
 * The coordinator console's static page, served by the coordinator API on AWS and by the local
 * server (same origin as the API, so no CORS). `GET /`, `/index.html`, `/app.js`, `/styles.css` and the
 * ES modules under `/lib/` and `/views/`
 * need no token; `GET /config.json` tells the page how to sign in.
 */
export interface ConsoleHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** What the page reads from `GET /config.json`. */
export interface ConsoleConfig {
  auth: 'cognito' | 'oidc' | 'local-token';
  /** Cognito hosted sign-in (authorization code + PKCE). `domain` is the full https origin of the hosted UI. */
  cognito?: { domain: string; clientId: string; scopes?: string[]; tokenUse?: 'access' | 'id' };
  /** Any OpenID Connect provider (China): the page reads <issuer>/.well-known/openid-configuration, then code + PKCE. */
  oidc?: { issuer: string; clientId: string; scopes: string[] };
  studyTimeZone?: string;
  /** Local stack only: shows the phone simulator and the virtual clock. */
  local?: boolean;
  /** Local stack only: the local API token, so the page needs no paste. Never set on AWS. */
  token?: string;
}

const SERVED: ReadonlySet<string> = new Set(CONSOLE_ASSET_PATHS);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function securityHeaders(cognitoDomain?: string): Record<string, string> {
  const connect = ["'self'", ...(cognitoDomain ? [cognitoDomain.replace(/\/$/, '')] : [])].join(' ');
  return {
    'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${connect}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
}

/** The console file for a request path, or null when the path is not part of the console. */
export function consoleResponse(path: string, options: { cognitoDomain?: string } = {}): ConsoleHttpResponse | null {
  const name = path === '/' || path === '/index.html' ? '/index.html' : path;
  if (!SERVED.has(name)) return null;
  const body = consoleAssets()[name];
  if (body === undefined) throw new Error(`console asset ${name} is listed in asset-paths.ts but not in assets.ts: regenerate both (generate-assets.ts)`);
  const type = TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
  return { statusCode: 200, headers: { 'content-type': type, ...securityHeaders(options.cognitoDomain) }, body };
}

/** Every path the console serves (the page, its script, styles and modules). */
export function consolePaths(): string[] {
  return ['/', ...CONSOLE_ASSET_PATHS];
}

export function isConsolePath(path: string): boolean {
  return path === '/' || path === '/index.html' || path === '/config.json' || SERVED.has(path);
}

/** `GET /config.json`: no secrets on AWS (client id and hosted-UI domain are public by design). */
export function consoleConfigResponse(config: ConsoleConfig): ConsoleHttpResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
    body: JSON.stringify(config),
  };
}
