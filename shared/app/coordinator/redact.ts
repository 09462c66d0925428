/** Field names that carry a phone number somewhere in the system's records. */
const PHONE_FIELDS = new Set(['phone', 'from', 'to', 'originationNumber', 'destinationNumber']);
const E164 = /\+[1-9]\d{6,14}/g;

/**
 * A deep copy without identifiers, for monitors: phone-number fields are dropped and anything
 * left that looks like an E.164 number is masked. Study IDs stay: they are the study's
 * pseudonyms.
 */
export function withoutIdentifiers<T>(value: T): T {
  return strip(value) as T;
}

function strip(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(E164, '[redacted]');
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (!PHONE_FIELDS.has(key)) out[key] = strip(inner);
    }
    return out;
  }
  return value;
}
