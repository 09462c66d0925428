/**
 * Prints the scheduled items of one patient over the whole study, per arm, phase and kind:
 * `npm run schedule:counts` (optionally `-- --enrolled=2027-01-04 --tz=Asia/Shanghai`).
 */
import { parseArgs } from 'node:util';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { addDays, computeSchedule } from '#domain/schedule.ts';
import { defaultParameters, type Patient } from '#domain/patient.ts';
import { ARMS } from '#domain/protocol.ts';

const { values } = parseArgs({ options: { enrolled: { type: 'string', default: '2027-01-04' }, tz: { type: 'string', default: 'Asia/Shanghai' }, protocol: { type: 'string' } } });
const protocol = loadProtocolFile(values.protocol);
const enrolledOn = values.enrolled;

const rows: string[][] = [['arm', 'phase', 'dose', 'checkin', 'visit', 'lab', 'total']];
for (const arm of ARMS) {
  const patient: Patient = {
    id: 'count',
    studyId: 'COUNT-1',
    phone: '+15555550100',
    timeZone: values.tz,
    language: 'zh-CN',
    enrolledOn,
    doseTimes: { ...protocol.defaultDoseTimes },
    parameters: defaultParameters(protocol),
    discreet: false,
    status: 'active',
    smsOptOut: false,
    arm,
    randomizedOn: addDays(enrolledOn, protocol.randomization.targetDay),
    appointments: {},
    version: 1,
    createdAt: `${enrolledOn}T00:00:00Z`,
    updatedAt: `${enrolledOn}T00:00:00Z`,
  };
  const items = computeSchedule(patient, protocol, { from: `${addDays(enrolledOn, -2)}T00:00:00Z`, to: `${addDays(enrolledOn, protocol.endOfStudyDay + 2)}T00:00:00Z` });
  for (const phase of ['induction', 'maintenance', 'all'] as const) {
    const inPhase = items.filter((i) => phase === 'all' || i.phase === phase);
    const n = (kind: string) => String(inPhase.filter((i) => i.kind === kind).length);
    rows.push([arm, phase, n('dose'), n('checkin'), n('visit'), n('lab'), String(inPhase.length)]);
  }
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
console.log(`\nprotocol ${protocol.protocolId} v${protocol.version}; enrolled ${enrolledOn} (${values.tz}); randomized on day ${protocol.randomization.targetDay}; one SMS per item.`);
