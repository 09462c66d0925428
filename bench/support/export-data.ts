import type { CoordinatorDeps } from '#app/coordinator/deps.ts';
import { defaultParameters, type Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { InboundMessage, OutboundMessage } from '#ports/messages.ts';

/**
 * A trial-sized message log without a database: `patients` fictitious patients, each with
 * `days` days of two reminders and two replies (what 60 patients over 18 months produce). The
 * messages are generated on each read, so the fixture itself holds almost nothing in memory and
 * whatever memory an export uses is the export's own.
 */
export interface ExportFixtureSize {
  patients: number;
  days: number;
}

const DAY = 86_400_000;
const REMINDER = '早上好，请按时服用吗替麦考酚酯 0.75g 和泼尼松 10mg。服用后回复 1，未服用回复 2。';
const REPLY = '1 已经吃了，今天感觉还可以，就是有点乏力，胃口一般，昨晚睡得不太好，谢谢';

function patientOf(protocol: Protocol, i: number): Patient {
  const n = String(i + 1).padStart(3, '0');
  return {
    id: `bench-patient-${n}`,
    studyId: `IGG4-${n}`,
    phone: `+86138${String(i).padStart(8, '0')}`,
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
    createdAt: '2027-01-03T01:00:00.000Z',
    updatedAt: '2027-01-03T01:00:00.000Z',
  };
}

type Listed = ({ direction: 'in' } & InboundMessage) | ({ direction: 'out' } & OutboundMessage);

function messagesOf(patient: Patient, days: number): Listed[] {
  const out: Listed[] = [];
  const start = Date.parse('2027-01-04T00:00:00Z');
  for (let d = 0; d < days; d++) {
    for (const hour of [0, 12]) {
      const sentAt = new Date(start + d * DAY + hour * 3_600_000).toISOString();
      const id = `${patient.id}-${d}-${hour}`;
      out.push({ direction: 'out', id: `out-${id}`, providerMessageId: `prov-${id}`, to: patient.phone, body: REMINDER, parts: 1, sentAt, patientId: patient.id, studyId: patient.studyId, purpose: 'reminder', reminderId: `rem-${id}` });
      const receivedAt = new Date(start + d * DAY + hour * 3_600_000 + 600_000).toISOString();
      out.push({ direction: 'in', inboundMessageId: `in-${id}`, from: patient.phone, to: '+8610000000', body: REPLY, receivedAt, patientId: patient.id, studyId: patient.studyId });
    }
  }
  return out.reverse(); // newest first, as the port lists them
}

const unused = (name: string) => () => {
  throw new Error(`the export fixture does not implement ${name}`);
};

/** Coordinator deps over the generated log: only what exports read is implemented. */
export function exportFixture(protocol: Protocol, size: ExportFixtureSize): CoordinatorDeps {
  const patients = Array.from({ length: size.patients }, (_, i) => patientOf(protocol, i));
  const deps = {
    protocol,
    patients: { listAll: async () => patients },
    messages: { listForPatient: async (id: string) => messagesOf(patients.find((p) => p.id === id)!, size.days) },
    reports: { listByStatus: async () => ({ items: [] }) },
    audit: { listBetween: async () => [] },
    visits: { listForPatient: async () => [] },
    reminders: new Proxy({}, { get: (_, name) => unused(`reminders.${String(name)}`) }),
    alerts: new Proxy({}, { get: (_, name) => unused(`alerts.${String(name)}`) }),
    allocations: new Proxy({}, { get: (_, name) => unused(`allocations.${String(name)}`) }),
    planner: { planPatient: unused('planner.planPatient') },
  };
  return deps as unknown as CoordinatorDeps;
}
