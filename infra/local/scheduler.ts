import { safeError } from '#adapters/observability.ts';
import { utcToZoned, wallClockToUtc } from '#domain/zoned-time.ts';
import { isoSeconds, type LocalClock } from './clock.ts';

/**
 * The in-process stand-in for EventBridge Scheduler: the same functions on the same cadence as
 * AWS (dispatch every minute, sweep every 15 minutes, planning daily, the digest weekly, each
 * in its time zone). On the real clock it ticks every minute; on a virtual clock it runs, in
 * order, every scheduled function that falls due while the clock is moved forward.
 *
 * Moving a virtual clock a month must stay fast, so a job may say when it next has work
 * (`workFrom`: the earliest due item in its queue): the scheduler then skips cadence instants
 * that would have found nothing, which is exactly what AWS's run would have done there.
 */

export interface Cadence {
  /** The first run instant strictly after `after` (UTC ms). */
  nextAfter(after: number): number;
  describe: string;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

export function everyMinutes(n: number): Cadence {
  return { describe: n === 1 ? 'every minute' : `every ${n} minutes`, nextAfter: (after) => (Math.floor(after / (n * MINUTE)) + 1) * n * MINUTE };
}

/**
 * The scheduler asks the same question many times between two runs: an instant in
 * [last asked, last answer) has the same answer, without recomputing it (time-zone
 * arithmetic is the costliest part of a long simulated run otherwise).
 */
function remembered(nextAfter: (after: number) => number): (after: number) => number {
  let from = Number.POSITIVE_INFINITY;
  let answer = Number.NEGATIVE_INFINITY;
  return (after) => {
    if (after >= from && after < answer) return answer;
    from = after;
    answer = nextAfter(after);
    return answer;
  };
}

/** Daily at a local time in a time zone (DST-correct through shared/domain/zoned-time.ts: a time in a gap runs when the clocks jump past it, an ambiguous one at its first occurrence). */
export function dailyAt(time: string, timeZone: string): Cadence {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const timeOfDay = (hour * 60 + minute) * MINUTE;
  return {
    describe: `daily ${time} ${timeZone}`,
    nextAfter: remembered((after) => {
      const today = utcToZoned(after, timeZone).epochDay;
      const candidate = wallClockToUtc(today * DAY + timeOfDay, timeZone);
      return candidate > after ? candidate : wallClockToUtc((today + 1) * DAY + timeOfDay, timeZone);
    }),
  };
}

/** Weekly on an ISO weekday (1 = Monday) at a local time. */
export function weeklyAt(weekday: number, time: string, timeZone: string): Cadence {
  const daily = dailyAt(time, timeZone);
  return {
    describe: `weekly day ${weekday} ${time} ${timeZone}`,
    nextAfter: remembered((after) => {
      let t = daily.nextAfter(after);
      while (utcToZoned(t, timeZone).weekday !== weekday) t = daily.nextAfter(t);
      return t;
    }),
  };
}

export interface ScheduledJob {
  name: string;
  cadence: Cadence;
  /** Earliest instant (UTC ISO) at which this job has anything to do, null when nothing is queued. Omit: always run. */
  workFrom?: () => Promise<string | null>;
  run: (now: string) => Promise<unknown>;
}

export interface JobRun {
  job: string;
  at: string;
  ok: boolean;
  error?: string;
}

export class LocalScheduler {
  private timer: NodeJS.Timeout | undefined;
  /** One run at a time: jobs, clock moves and ticks are serialised. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly history: JobRun[] = [];
  private stopped = false;

  constructor(
    private readonly clock: LocalClock,
    private readonly jobs: ScheduledJob[],
    private readonly onRun: (run: JobRun) => void = () => undefined,
  ) {}

  /** Runs `fn` after whatever is running now (no job overlaps another, or a clock move). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Runs one job now (the planner at start, or on request). */
  runNow(name: string): Promise<JobRun> {
    return this.exclusive(() => this.runJob(this.job(name), this.clock.now()));
  }

  /** Real clock: a tick at each minute boundary runs the jobs whose cadence falls on it. */
  startRealTime(): void {
    if (this.clock.virtual) throw new Error('a virtual clock moves only through advance()');
    const schedule = () => {
      if (this.stopped) return;
      const now = Date.now();
      const next = everyMinutes(1).nextAfter(now);
      this.timer = setTimeout(() => {
        void this.exclusive(async () => {
          for (const job of this.jobs) if (job.cadence.nextAfter(next - 1) === next) await this.runJob(job, isoSeconds(next));
        }).finally(schedule);
      }, next - now);
      this.timer.unref?.();
    };
    schedule();
  }

  /**
   * Virtual clock: moves to `target`, stopping at every instant where a job is due and has
   * work, setting the clock there and running those jobs in declaration order.
   */
  advanceTo(target: string, options: { stopWhen?: () => boolean } = {}): Promise<{ now: string; runs: JobRun[]; stopped: boolean }> {
    return this.exclusive(async () => {
      const end = Date.parse(target);
      if (Number.isNaN(end)) throw new Error(`not an ISO instant: ${target}`);
      if (end < Date.parse(this.clock.now())) throw new Error('the virtual clock never moves backwards');
      const runs: JobRun[] = [];
      for (;;) {
        const now = Date.parse(this.clock.now());
        const nextRuns = await Promise.all(this.jobs.map(async (job) => ({ job, at: await this.nextRun(job, now) })));
        const at = Math.min(...nextRuns.map((r) => r.at));
        if (!Number.isFinite(at) || at > end) break;
        this.clock.set(isoSeconds(at));
        for (const { job } of nextRuns.filter((r) => r.at === at)) runs.push(await this.runJob(job, this.clock.now()));
        // A caller reacting to what the jobs did (the simulator's patients) gets the clock back here.
        if (options.stopWhen?.()) return { now: this.clock.now(), runs, stopped: true };
      }
      this.clock.set(isoSeconds(end));
      return { now: this.clock.now(), runs, stopped: false };
    });
  }

  recentRuns(limit = 50): JobRun[] {
    return this.history.slice(-limit);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.queue;
  }

  private async nextRun(job: ScheduledJob, now: number): Promise<number> {
    const cadenceNext = job.cadence.nextAfter(now);
    if (!job.workFrom) return cadenceNext;
    const work = await job.workFrom();
    if (work === null) return Number.POSITIVE_INFINITY;
    const workAt = Date.parse(work);
    return workAt <= cadenceNext ? cadenceNext : job.cadence.nextAfter(workAt - 1);
  }

  private job(name: string): ScheduledJob {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no scheduled job ${name}`);
    return job;
  }

  private async runJob(job: ScheduledJob, at: string): Promise<JobRun> {
    let run: JobRun;
    try {
      await job.run(at);
      run = { job: job.name, at, ok: true };
    } catch (error) {
      // As on AWS, a failed run is retried by the next one; the error is kept without PHI.
      run = { job: job.name, at, ok: false, error: `${safeError(error).name}: ${safeError(error).message}` };
    }
    this.history.push(run);
    if (this.history.length > 500) this.history.splice(0, this.history.length - 500);
    this.onRun(run);
    return run;
  }
}
