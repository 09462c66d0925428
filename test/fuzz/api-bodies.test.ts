import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { acknowledgeBody, enrollBody, patchPatientBody, randomizationBody, reviewBody, snoozeBody, statusBody, visitBody } from '#functions/coordinator-api/schemas.ts';
import { ENROLL_BODY, useApi } from '../support/api-harness.ts';

/**
 * Every API body schema through the real coordinator-api handler (middy, router, zod) on dynalite:
 * random invalid bodies — a field of the wrong type or value, a missing field, an unknown field, a
 * body that is not an object, text that is not JSON — get 400 with errors naming the field, never
 * a 500, and write nothing (the table is byte-for-byte the same afterwards; a Scan in a test).
 */
const api = useApi();

interface BodyRoute {
  name: string;
  method: 'POST' | 'PATCH';
  path: (ids: { patientId: string }) => string;
  schema: z.ZodType;
  valid: Record<string, unknown>;
  /** Fields whose change can switch the schema branch (discriminators): their errors may name other fields. */
  discriminators?: string[];
}

const ROUTES: BodyRoute[] = [
  { name: 'enroll', method: 'POST', path: () => '/api/patients', schema: enrollBody, valid: { ...ENROLL_BODY, studyId: 'IGG4-777', phone: '+8613800138777' } },
  { name: 'patch patient', method: 'PATCH', path: ({ patientId }) => `/api/patients/${patientId}`, schema: patchPatientBody, valid: { language: 'en', doseTimes: { morning: '07:30', evening: '19:30' }, reason: 'patient asked' } },
  { name: 'status', method: 'POST', path: ({ patientId }) => `/api/patients/${patientId}/status`, schema: statusBody, valid: { action: 'pause', reason: 'travelling' } },
  { name: 'randomization', method: 'POST', path: ({ patientId }) => `/api/patients/${patientId}/randomization`, schema: randomizationBody, valid: { method: 'external', arm: 'MMF', reason: 'allocated by phone' }, discriminators: ['method'] },
  { name: 'visit', method: 'POST', path: ({ patientId }) => `/api/patients/${patientId}/visits`, schema: visitBody, valid: { kind: 'appointment', visitKey: 'm6', date: '2027-07-05', reason: 'booked' }, discriminators: ['kind'] },
  { name: 'review report', method: 'POST', path: () => '/api/reports/rpt-0000000000000000/review', schema: reviewBody, valid: { outcome: 'no_action', note: 'ok', confirmedItems: [{ term: 'Nausea', grade: 1 }] } },
  { name: 'acknowledge alert', method: 'POST', path: () => '/api/alerts/alert-0000000000000000/acknowledge', schema: acknowledgeBody, valid: { note: 'called the patient', outcome: 'called' } },
  { name: 'snooze alert', method: 'POST', path: () => '/api/alerts/alert-0000000000000000/snooze', schema: snoozeBody, valid: { until: '2099-01-05' } },
];

type Mutation =
  | { kind: 'replace'; field: string; value: unknown }
  | { kind: 'delete'; field: string }
  | { kind: 'unknown'; field: string; value: unknown }
  | { kind: 'whole'; value: unknown }
  | { kind: 'not_json'; text: string };

const wrongValue = fc.oneof(fc.jsonValue(), fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom(null, '', ' ', -1, 0, 1e308, true, [], {}, '2027-02-30', '25:00', '+86', 'x'.repeat(5000)));

function mutations(route: BodyRoute): fc.Arbitrary<Mutation> {
  const fields = Object.keys(route.valid);
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), field: fc.constantFrom(...fields), value: wrongValue }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), field: fc.constantFrom(...fields) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('unknown' as const), field: fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !fields.includes(k) && k !== '__proto__'), value: fc.jsonValue() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('whole' as const), value: fc.jsonValue() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('not_json' as const), text: fc.string({ minLength: 1 }).filter((t) => !isJson(t)) }) },
  );
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

describe('every API body schema: invalid input is a 400 naming the field, never a 500, never a write', () => {
  for (const route of ROUTES) {
    it(`${route.method} ${route.name}`, async () => {
      const s = await api.setup();
      const patient = await s.enroll();
      const snapshot = async () => JSON.stringify(((await s.doc.send(new ScanCommand({ TableName: s.table, ConsistentRead: true }))).Items ?? []).sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`)));
      const before = await snapshot();
      const path = route.path({ patientId: patient.id });

      await fc.assert(
        fc.asyncProperty(mutations(route), async (mutation) => {
          const { body, raw } = apply(route.valid, mutation);
          // Only invalid input is the point here; a mutation the schema accepts is skipped.
          if (raw === undefined) fc.pre(!route.schema.safeParse(body).success);
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
        }),
        { numRuns: 60, seed: 20_270_104 },
      );

      expect(await snapshot()).toBe(before);
    });
  }
});
