import { defaultParameters, type Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';

/** A fictitious patient for tests; override what the test is about. */
export function makePatient(protocol: Protocol, overrides: Partial<Patient> = {}): Patient {
  return {
    id: 'pat-0001',
    studyId: 'IGG4-001',
    phone: '+15555550101',
    timeZone: 'Asia/Shanghai',
    language: 'zh-CN',
    enrolledOn: '2027-01-04',
    doseTimes: { ...protocol.defaultDoseTimes },
    parameters: defaultParameters(protocol),
    discreet: false,
    status: 'active',
    smsOptOut: false,
    arm: null,
    appointments: {},
    version: 1,
    createdAt: '2027-01-04T01:00:00.000Z',
    updatedAt: '2027-01-04T01:00:00.000Z',
    ...overrides,
  };
}

/** Patient number `n` (pat-000n, IGG4-000n, +1555555000n): for tests that enrol several. */
export function numberedPatient(protocol: Protocol, n: number, overrides: Partial<Patient> = {}): Patient {
  const id = String(n).padStart(4, '0');
  return makePatient(protocol, { id: `pat-${id}`, studyId: `IGG4-${id}`, phone: `+1555555${id}`, ...overrides });
}
