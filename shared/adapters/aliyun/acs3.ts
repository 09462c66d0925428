import { createHash, createHmac } from 'node:crypto';

/**
 * Alibaba Cloud's "V3 request structure and signature" (ACS3-HMAC-SHA256), written from the
 * published algorithm (help.aliyun.com/document_detail/2593177, alibabacloud.com "Request syntax
 * and signature method V3"):
 *
 *   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedRequestPayload
 *   StringToSign     = "ACS3-HMAC-SHA256" \n hex(SHA-256(CanonicalRequest))
 *   Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))
 *   Authorization    = ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<names>,Signature=<signature>
 *
 * Pure functions only (no I/O): the client (client.ts) and the provider fake (infra/local) use them,
 * and test/contract/aliyun-signature.test.ts holds them to the official SDK's signer.
 */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** RFC 3986 percent-encoding, UTF-8: only A–Z a–z 0–9 - _ . ~ stay as they are (a space is %20, never +). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parameters sorted by name (code-unit order), name and value percent-encoded, joined as k=v&k=v. Also the query string that is sent. */
export function canonicalQueryString(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .map((name) => [percentEncode(name), percentEncode(query[name] as string)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** The path, each segment percent-encoded; "/" for RPC-style APIs. */
export function canonicalUri(path: string): string {
  return path.split('/').map(percentEncode).join('/') || '/';
}

/** Signed: host, content-type and every x-acs-* header; names lower-cased and sorted, values trimmed. */
export function signedHeaderNames(headers: Readonly<Record<string, string>>): string[] {
  return Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
    .sort();
}

export function sha256Hex(payload: string | Uint8Array): string {
  return createHash('sha256').update(payload).digest('hex');
}

export interface CanonicalInput {
  method: string;
  path: string;
  query: Readonly<Record<string, string>>;
  /** Every header to sign, and possibly others (ignored); names in any case, each name once. */
  headers: Readonly<Record<string, string>>;
  hashedPayload: string;
}

export function canonicalRequest(input: CanonicalInput): { text: string; signedHeaders: string } {
  const byName = new Map(Object.entries(input.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const names = signedHeaderNames(input.headers);
  if (new Set(names).size !== names.length) throw new Error('a header to sign is given twice (names differ only in case)');
  const canonicalHeaders = names.map((name) => `${name}:${(byName.get(name) as string).trim()}\n`).join('');
  const signedHeaders = names.join(';');
  return {
    text: [input.method.toUpperCase(), canonicalUri(input.path), canonicalQueryString(input.query), canonicalHeaders, signedHeaders, input.hashedPayload].join('\n'),
    signedHeaders,
  };
}

export function acs3Signature(accessKeySecret: string, canonicalRequestText: string): string {
  const stringToSign = `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequestText)}`;
  return createHmac('sha256', accessKeySecret).update(stringToSign, 'utf8').digest('hex');
}

export function authorization(credentials: { accessKeyId: string; accessKeySecret: string }, input: CanonicalInput): string {
  const { text, signedHeaders } = canonicalRequest(input);
  return `${ACS3_ALGORITHM} Credential=${credentials.accessKeyId},SignedHeaders=${signedHeaders},Signature=${acs3Signature(credentials.accessKeySecret, text)}`;
}

/** x-acs-date: ISO 8601 UTC to the second, e.g. 2026-12-05T13:04:20Z. */
export function acsDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface RpcCall {
  /** host[:port], as the Host header carries it. */
  host: string;
  action: string;
  version: string;
  /** RPC parameters, sent in the query string (the body stays empty). */
  query: Readonly<Record<string, string>>;
  /** Epoch ms of the request (x-acs-date). */
  at: number;
  /** x-acs-signature-nonce: unique per request. */
  nonce: string;
}

/** The signed headers of one RPC-style POST with an empty body (what SendSms and QueryTokenForMnsQueue take). */
export function signRpcCall(credentials: { accessKeyId: string; accessKeySecret: string }, call: RpcCall): Record<string, string> {
  const headers: Record<string, string> = {
    host: call.host,
    'x-acs-action': call.action,
    'x-acs-version': call.version,
    'x-acs-date': acsDate(call.at),
    'x-acs-signature-nonce': call.nonce,
    'x-acs-content-sha256': sha256Hex(''),
  };
  headers['authorization'] = authorization(credentials, { method: 'POST', path: '/', query: call.query, headers, hashedPayload: headers['x-acs-content-sha256'] as string });
  return headers;
}
