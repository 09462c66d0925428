/** The only way anything reads the time: real on AWS, virtual in the local stack and tests. */
export interface Clock {
  /** Current instant as a UTC ISO string. */
  now(): string;
}

export const systemClock: Clock = { now: () => new Date().toISOString() };

export function fixedClock(instant: string): Clock & { set(next: string): void; advanceMinutes(m: number): void } {
  let current = new Date(instant).toISOString();
  return {
    now: () => current,
    set: (next) => {
      current = new Date(next).toISOString();
    },
    advanceMinutes: (m) => {
      current = new Date(new Date(current).getTime() + m * 60_000).toISOString();
    },
  };
}
