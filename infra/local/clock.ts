import type { Clock } from '#ports/clock.ts';

/**
 * The local stack's clock: the system clock, or a virtual one that moves only when told
 * (`--virtual-clock=<ISO>` then `POST /local/clock`). Every handler reads time through it.
 */
export interface LocalClock extends Clock {
  readonly virtual: boolean;
  /** Virtual clocks only: moves the instant (never backwards). */
  set(instant: string): void;
}

export function realClock(): LocalClock {
  return {
    virtual: false,
    now: () => new Date().toISOString(),
    set: () => {
      throw new Error('the system clock cannot be moved; start with --virtual-clock=<ISO instant>');
    },
  };
}

export function virtualClock(start: string): LocalClock {
  const parsed = Date.parse(start);
  if (Number.isNaN(parsed)) throw new Error(`--virtual-clock: not an ISO instant: ${start}`);
  let current = parsed;
  return {
    virtual: true,
    now: () => isoSeconds(current),
    set: (instant) => {
      const next = Date.parse(instant);
      if (Number.isNaN(next)) throw new Error(`not an ISO instant: ${instant}`);
      if (next < current) throw new Error('the virtual clock never moves backwards');
      current = next;
    },
  };
}

/**
 * Whole-second instants without milliseconds ("2027-01-04T00:00:00Z"), the form the schedule
 * engine gives `dueAt`: a run at exactly 08:00 then sorts after an item due at 08:00 in the
 * string-keyed queues (".000Z" would sort before "Z" and miss it by one minute).
 */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}
