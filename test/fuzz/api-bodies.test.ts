import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENROLL_BODY, useApi } from '../support/api-harness.ts';

/**
 * Every API body through the real coordinator-api handler (middy, router, zod) on dynalite:
 * invalid bodies — a field of the wrong JSON type, a value the API contract (docs/api.md) rules
 * out, a missing required field, an unknown field, a body that is not an object, text that is not
 * JSON — get 400 with errors naming the field, never a 500, and write nothing (the table is
 * byte-for-byte the same afterwards; a Scan in a test).
 *
 * Which bodies are invalid is decided here, independently of the zod schemas under test: each
 * route's contract below lists its fields, their JSON types, which are required, and values the
 * contract forbids. No generated body is filtered through the schema, so a schema that wrongly
 * accepts one of them fails the test.
 */
const api = useApi();

type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array';
interface FieldContract {
  type: JsonType;
  required?: boolean;
  /** Values of the right JSON type that the contract still forbids. */
  invalid?: unknown[];
}

interface BodyRoute {
  name: string;
  method: 'POST' | 'PATCH';
  path: (ids: { patientId: string }) => string;
  valid: Record<string, unknown>;
  fields: Record<string, FieldContract>;
  /** Fields whose change switches the body's variant (discriminators): their errors may name other fields. */
  discriminators?: string[];
}

const date = { type: 'string', invalid: ['2027-02-30', '2027-13-01', '04/01/2027', '2027-1-4', '', 'tomorrow'] } as const satisfies FieldContract;
const reason = { type: 'string', invalid: ['', '   ', 'x'.repeat(501)] } as const satisfies FieldContract;
const doseTimes = { type: 'object', invalid: [{ morning: '25:00', evening: '20:00' }, { morning: '08:00', evening: '8pm' }, { morning: 8, evening: 20 }, { morning: '08:00', evening: '20:00', noon: '12:00' }] } as const satisfies FieldContract;
const phone = { type: 'string', invalid: ['+86', '12345', 'call me', '', '+1555'] } as const satisfies FieldContract;
const timeZone = { type: 'string', invalid: ['Mars/Olympus_Mons', 'GMT+25', ''] } as const satisfies FieldContract;
const language = { type: 'string', invalid: ['fr', 'klingon', ''] } as const satisfies FieldContract;
const positiveMg = { type: 'number', invalid: [0, -1, -40] } as const satisfies FieldContract;

const ROUTES: BodyRoute[] = [
  {
    name: 'enroll',
    method: 'POST',
    path: () => '/api/patients',
    valid: { ...ENROLL_BODY, studyId: 'IGG4-777', phone: '+8613800138777' },
    fields: {
      studyId: { type: 'string', required: true, invalid: ['', 'x', 'has space', 'ä-umlaut', 'x'.repeat(33)] },
      phone: { ...phone, required: true },
      timeZone,
      language,
      enrolledOn: { ...date, required: true },
      doseTimes,
      prednisoneStartMg: positiveMg,
      discreet: { type: 'boolean' },
    },
  },
  {
    name: 'patch patient',
    method: 'PATCH',
    path: ({ patientId }) => `/api/patients/${patientId}`,
    valid: { language: 'en', doseTimes: { morning: '07:30', evening: '19:30' }, reason: 'patient asked' },
    fields: { language, doseTimes, reason },
  },
  {
    name: 'status',
    method: 'POST',
    path: ({ patientId }) => `/api/patients/${patientId}/status`,
    valid: { action: 'pause', reason: 'travelling' },
    fields: { action: { type: 'string', required: true, invalid: ['delete', 'PAUSE', ''] }, reason: { ...reason, required: true } },
  },
  {
    name: 'randomization',
    method: 'POST',
    path: ({ patientId }) => `/api/patients/${patientId}/randomization`,
    valid: { method: 'external', arm: 'MMF', reason: 'allocated by phone' },
    fields: { method: { type: 'string', required: true, invalid: ['guess', ''] }, arm: { type: 'string', required: true, invalid: ['placebo', 'mmf', ''] }, reason },
    discriminators: ['method'],
  },
  {
    name: 'visit',
    method: 'POST',
    path: ({ patientId }) => `/api/patients/${patientId}/visits`,
    valid: { kind: 'appointment', visitKey: 'm6', date: '2027-07-05', reason: 'booked' },
    fields: { kind: { type: 'string', required: true, invalid: ['party', ''] }, visitKey: { type: 'string', required: true, invalid: ['M6 visit', '', 'x'.repeat(65)] }, date: { ...date, required: true }, reason },
    discriminators: ['kind'],
  },
  {
    name: 'review report',
    method: 'POST',
    path: () => '/api/reports/rpt-0000000000000000/review',
    valid: { outcome: 'no_action', note: 'ok', confirmedItems: [{ term: 'Nausea', grade: 1 }] },
    fields: {
      outcome: { type: 'string', required: true, invalid: ['ignored', ''] },
      note: { type: 'string', invalid: ['x'.repeat(2001)] },
      confirmedItems: { type: 'array', invalid: [[{ term: 'Nausea', grade: 7 }], [{ term: '', grade: 1 }], [{ grade: 1 }], [{ term: 'Nausea', grade: 1.5 }], ['Nausea']] },
    },
  },
  {
    name: 'acknowledge alert',
    method: 'POST',
    path: () => '/api/alerts/alert-0000000000000000/acknowledge',
    valid: { note: 'called the patient' },
    fields: { note: { type: 'string', required: true, invalid: ['', '   ', 'x'.repeat(2001)] } },
  },
];

type Mutation =
  | { kind: 'replace'; field: string; value: unknown }
  | { kind: 'delete'; field: string }
  | { kind: 'unknown'; field: string; value: unknown }
  | { kind: 'whole'; value: unknown }
  | { kind: 'not_json'; text: string };

function jsonType(value: unknown): JsonType | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonType;
}

/** A JSON value whose type is not `type` (null included): invalid for that field by construction. */
const ofOtherType = (type: JsonType) => fc.jsonValue().filter((v) => jsonType(v) !== type);

function mutations(route: BodyRoute): fc.Arbitrary<Mutation> {
  const fields = Object.keys(route.fields);
  const required = fields.filter((f) => route.fields[f]!.required);
  const withInvalid = fields.filter((f) => (route.fields[f]!.invalid ?? []).length > 0);
  const options: fc.WeightedArbitrary<Mutation>[] = [
    { weight: 4, arbitrary: fc.constantFrom(...fields).chain((field) => ofOtherType(route.fields[field]!.type).map((value): Mutation => ({ kind: 'replace', field, value }))) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('unknown' as const), field: fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !fields.includes(k) && k !== '__proto__'), value: fc.jsonValue() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('whole' as const), value: fc.jsonValue().filter((v) => jsonType(v) !== 'object') }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('not_json' as const), text: fc.string({ minLength: 1 }).filter((t) => !isJson(t)) }) },
  ];
  if (withInvalid.length > 0) {
    options.push({ weight: 4, arbitrary: fc.constantFrom(...withInvalid).chain((field) => fc.constantFrom(...route.fields[field]!.invalid!).map((value): Mutation => ({ kind: 'replace', field, value }))) });
  }
  if (required.length > 0) options.push({ weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), field: fc.constantFrom(...required) }) });
  return fc.oneof(...options);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function apply(valid: Record<string, unknown>, m: Mutation): { body?: unknown; raw?: string } {
  switch (m.kind) {
    case 'replace':
      return { body: { ...valid, [m.field]: m.value } };
    case 'delete': {
      const { [m.field]: _dropped, ...rest } = valid;
      return { body: rest };
    }
    case 'unknown':
      return { body: { ...valid, [m.field]: m.value } };
    case 'whole':
      return { body: m.value };
    case 'not_json':
      return { raw: m.text };
  }
}

describe('every API body: invalid input (by the contract, not the schema) is a 400 naming the field, never a 500, never a write', () => {
  for (const route of ROUTES) {
    it(`${route.method} ${route.name}`, async () => {
      const s = await api.setup();
      const patient = await s.enroll();
      const snapshot = async () => JSON.stringify(((await s.doc.send(new ScanCommand({ TableName: s.table, ConsistentRead: true }))).Items ?? []).sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`)));
      const before = await snapshot();
      const path = route.path({ patientId: patient.id });

      const check = async (mutation: Mutation) => {
        const { body, raw } = apply(route.valid, mutation);
        const res = await s.call(route.method, path, raw !== undefined ? { rawBody: raw, headers: { 'Content-Type': 'application/json' } } : { body: body ?? null });
        expect(res.status, `${JSON.stringify(mutation).slice(0, 200)} → ${res.text.slice(0, 300)}`).toBe(400);
        const errors = res.json?.errors as { path: string; message: string }[] | undefined;
        expect(errors?.length, res.text).toBeGreaterThan(0);
        for (const error of errors!) {
          expect(typeof error.path).toBe('string');
          expect(error.message.length).toBeGreaterThan(0);
        }
        const paths = errors!.map((e) => e.path);
        if (mutation.kind === 'not_json') expect(paths).toEqual(['body']);
        if (mutation.kind === 'unknown') expect(paths).toContain(mutation.field);
        if ((mutation.kind === 'replace' || mutation.kind === 'delete') && !route.discriminators?.includes(mutation.field)) {
          expect(paths.some((p) => p === mutation.field || p.startsWith(`${mutation.field}.`)), `${JSON.stringify(paths)} names ${mutation.field}`).toBe(true);
        }
      };

      // Every value the contract forbids and every required field missing, once each…
      for (const [field, contract] of Object.entries(route.fields)) {
        for (const value of contract.invalid ?? []) await check({ kind: 'replace', field, value });
        if (contract.required) await check({ kind: 'delete', field });
      }
      // …then random ones: wrong JSON types, unknown fields, non-objects, non-JSON.
      await fc.assert(fc.asyncProperty(mutations(route), check), { numRuns: 60, seed: 20_270_104 });

      expect(await snapshot()).toBe(before);
    });
  }
});
