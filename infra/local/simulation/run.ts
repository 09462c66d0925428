import { weeklyAt } from '../scheduler.ts';
import { startLocalStack } from '../stack.ts';
import { DAY, MINUTE, MONTH_DAYS } from './behaviour.ts';
import { ActionQueue, drive } from './clock-driver.ts';
import { scheduleCoordinators } from './coordinators.ts';
import { summarize, type SimulationSummary } from './metrics.ts';
import { createCohort } from './patients.ts';
import type { SimulationOptions, SimulationRun } from './types.ts';

/**
 * `npm run simulate`: the trial, accelerated, on a virtual clock through the same handlers and
 * use cases as on AWS (the local stack), with the calibrated behaviour model (behaviour.ts):
 * patients enrolled over some weeks, each followed for months, coordinators working the lists.
 * Deterministic per seed: every patient draws from their own seeded stream, ids are counters.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  let idCounter = 0;
  let inboundCounter = 0;
  const failedJobs: string[] = [];
  const stack = await startLocalStack({
    dataDir: options.dataDir ?? null,
    store: options.store ?? 'memory',
    ...(options.protocolPath ? { protocolPath: options.protocolPath } : {}),
    virtualClock: options.start,
    listen: false,
    token: `sim-token-${options.seed}-0123456789`,
    newId: () => `sim-p${String(++idCounter).padStart(4, '0')}`,
    newInboundId: () => `sim-in-${String(++inboundCounter).padStart(7, '0')}`,
    allocationSeed: `simulation-allocation-${options.seed}`,
    smsCostPerPartUsd: options.costPerPartUsd,
    onJobRun: (job) => {
      if (!job.ok) failedJobs.push(`${job.job}@${job.at}: ${job.error}`);
    },
  });
  const run: SimulationRun = { patients: [], texted: [], optOuts: [], outbox: [], failedJobs: 0, apiErrors: [], rounds: 0 };
  try {
    const zone = stack.protocol.studyTimeZone;
    const startMs = Date.parse(options.start);
    // Activity runs to the end of follow-up, then on to the next Monday 08:00 so the last digest covers a lived week.
    const followUpEnd = startMs + (options.enrollDays + options.months * MONTH_DAYS) * DAY;
    const endMs = weeklyAt(1, '08:00', zone).nextAfter(followUpEnd) + MINUTE;
    const api = async (method: string, path: string, body?: unknown) => {
      const answer = await stack.callApi(method, path, body);
      if (answer.status >= 400) run.apiErrors.push(`${method} ${path.replace(/sim-p\d+/, '{id}')} → ${answer.status} ${JSON.stringify((answer.body as { detail?: string })?.detail ?? '')}`);
      return answer;
    };
    const queue = new ActionQueue();
    createCohort(stack, queue, run, options, api);
    scheduleCoordinators(stack, queue, run, options, api, endMs);
    await drive(stack, queue, { startMs, endMs }, options.progress ?? (() => undefined), () => `sms ${stack.gateway.list().length}  texts ${run.texted.length}`);
    run.outbox = stack.gateway.list();
    run.failedJobs = failedJobs.length;
    const summary = await summarize(stack, run, options, { startMs, endMs, followUpEnd }, Date.now() - started, process.cpuUsage(cpu0));
    if (failedJobs.length) options.progress?.(`failed scheduled runs (first 5):\n  ${failedJobs.slice(0, 5).join('\n  ')}`, true);
    if (run.apiErrors.length) options.progress?.(`API errors (first 5):\n  ${run.apiErrors.slice(0, 5).join('\n  ')}`, true);
    await options.inspect?.(stack, run);
    return summary;
  } finally {
    await stack.close();
  }
}
