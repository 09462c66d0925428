/**
 * A bounded load test of the local stack's coordinator API on 127.0.0.1 (autocannon): the stack
 * runs as `npm start` runs it (its own process, dynalite on disk in a temp dir, a virtual clock so
 * no scheduled job runs meanwhile). 10 s of GET /api/reports?status=open (the review queue, 30
 * open reports), then 10 s of POST /api/patients with a unique study ID and phone per request.
 * Afterwards every patient is listed: the count must equal the 201 responses (no lost writes).
 *
 *   npm run bench -- load-api          (BENCH_LOAD_SECONDS=5 for a quick run)
 */
import { createRequire } from 'node:module';
import { spawnStack, type SpawnedStack } from '../test/e2e/spawn-stack.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  floor?: number;
  note?: string;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count: number | string }>;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
  onResponse?: (status: number, body: string) => void;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  requests?: AutocannonRequest[];
  method?: string;
}) => Promise<AutocannonResult>;

// autocannon ships no types; its programmatic API is used as documented in its README.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const VIRTUAL_NOW = '2027-01-05T02:00:00Z';
const CONNECTIONS = 10;
const OPEN_REPORTS = 30;

function statusCounts(result: AutocannonResult): Record<string, number> {
  return Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)]));
}

async function seedQueue(stack: SpawnedStack): Promise<void> {
  for (let i = 0; i < OPEN_REPORTS; i++) {
    const phone = `+8613700${String(i).padStart(6, '0')}`;
    const enrolled = await stack.call('POST', '/api/patients', { studyId: `LOAD-Q${i}`, phone, enrolledOn: '2027-01-04' });
    if (enrolled.status !== 201) throw new Error(`seed enroll failed: ${enrolled.status}`);
    const texted = await stack.call('POST', '/local/sms/inbound', { from: phone, body: i % 2 ? '有点恶心' : 'mild rash and tired' });
    if (texted.status !== 200) throw new Error(`seed inbound failed: ${texted.status}`);
  }
  const queue = await stack.call('GET', '/api/reports?status=open&limit=200');
  if (queue.body?.items?.length !== OPEN_REPORTS) throw new Error(`expected ${OPEN_REPORTS} open reports, got ${queue.body?.items?.length}`);
}

async function studyIds(stack: SpawnedStack): Promise<Set<string>> {
  const answer = await stack.call('GET', '/api/patients');
  if (answer.status !== 200) throw new Error(`listing patients failed: ${answer.status}`);
  return new Set((answer.body.items as { studyId: string }[]).map((p) => p.studyId));
}

export async function run(): Promise<BenchRow[]> {
  const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
  const stack = await spawnStack({ args: [`--virtual-clock=${VIRTUAL_NOW}`] });
  try {
    await seedQueue(stack);
    const auth = { authorization: `Bearer ${stack.token}` };

    const queue = await autocannon({ url: `${stack.url}/api/reports?status=open&limit=50`, connections: CONNECTIONS, duration: seconds, headers: auth });

    const before = await studyIds(stack);
    const answered201 = new Set<string>();
    let sequence = 0;
    const enroll = await autocannon({
      url: stack.url,
      connections: CONNECTIONS,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/api/patients',
          headers: { ...auth, 'content-type': 'application/json' },
          setupRequest: (request) => {
            const n = ++sequence;
            return { ...request, body: JSON.stringify({ studyId: `LOAD-${n}`, phone: `+86139${String(n).padStart(8, '0')}`, enrolledOn: '2027-01-04', language: n % 3 ? 'zh-CN' : 'en' }) };
          },
          onResponse: (status, body) => {
            if (status === 201) answered201.add((JSON.parse(body) as { studyId: string }).studyId);
          },
        },
      ],
    });
    const after = await studyIds(stack);

    const queueCodes = statusCounts(queue);
    const enrollCodes = statusCounts(enroll);
    const created = enrollCodes['201'] ?? 0;
    const queueUnexpected = queue.non2xx + queue.errors + queue.timeouts;
    const enrollUnexpected = Object.entries(enrollCodes).filter(([code]) => code !== '201').reduce((n, [, c]) => n + c, 0) + enroll.errors + enroll.timeouts;
    // A write is lost when it was answered 201 and is not stored. Requests still in flight when the
    // 10 s end are stored without their answer being counted: at most one per connection.
    const lost = [...answered201].filter((id) => !after.has(id)).length;
    const added = after.size - before.size;
    const unanswered = added - answered201.size;
    const problems = [
      queueUnexpected > 0 ? `review queue: ${queueUnexpected} non-2xx/errors ${JSON.stringify(queueCodes)}` : '',
      enrollUnexpected > 0 ? `enroll: ${enrollUnexpected} non-201/errors ${JSON.stringify(enrollCodes)}` : '',
      lost !== 0 ? `enroll: ${lost} of ${created} patients answered 201 are not stored` : '',
      unanswered < 0 || unanswered > CONNECTIONS ? `enroll: ${added} patients added for ${created} answered 201` : '',
      answered201.size !== created ? `enroll: ${created} 201 answers for ${answered201.size} study IDs` : '',
    ].filter(Boolean);
    if (problems.length > 0) throw new Error(problems.join('; '));

    const note = `${CONNECTIONS} connections, ${seconds} s, local stack in its own process (dynalite on disk)`;
    return [
      { name: 'load GET /api/reports?status=open: throughput', value: Math.round(queue.requests.average), unit: 'req/s', note: `${queue.requests.total} requests, ${OPEN_REPORTS} open reports per page; ${note}` },
      { name: 'load GET /api/reports?status=open: latency p99', value: queue.latency.p99, unit: 'ms', note: `p50 ${queue.latency.p50} ms, max ${queue.latency.max} ms; non-2xx 0, errors 0` },
      { name: 'load POST /api/patients: throughput', value: Math.round(enroll.requests.average), unit: 'req/s', note: `${enroll.requests.total} requests (each enrolls and plans 3 days of reminders); ${note}` },
      { name: 'load POST /api/patients: latency p99', value: enroll.latency.p99, unit: 'ms', note: `p50 ${enroll.latency.p50} ms, max ${enroll.latency.max} ms; non-201 0, errors 0` },
      { name: 'load POST /api/patients: lost writes', value: lost, unit: 'patients', floor: 0, note: `${created} answered 201, every one stored; patients ${before.size} → ${after.size} (${unanswered} more stored whose answer came after the ${seconds} s cut-off)` },
    ];
  } finally {
    await stack.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
}
