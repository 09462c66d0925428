/**
 * Independent oracles for local wall-clock questions in tests: built on Intl (not luxon, not the
 * production helpers) and on plain enumeration (not the comparison logic under test), so a bug in
 * shared/domain cannot also be in the oracle.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time of an instant in a time zone, per the platform's tz database (Intl). */
export function wallClock(instant: string | number, timeZone: string): { date: string; time: string } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/**
 * The start of the local day after `localDate` (UTC ms): local midnight, or 01:00 where a DST change
 * skips midnight. Every UTC offset lies in [-12 h, +14 h] and is a multiple of 15 minutes, so it is
 * the first 15-minute UTC mark in [D 10:00Z, D+1 12:00Z] whose wall-clock date is after D; the
 * wall-clock date only grows with time, so a binary search finds it.
 */
export function startOfNextLocalDay(localDate: string, timeZone: string): number {
  const step = 15 * 60_000;
  let lo = Date.parse(`${localDate}T10:00:00.000Z`) / step; // still on D (or before) everywhere
  let hi = lo + (26 * 60) / 15; // D+1 12:00Z: already after D everywhere
  if (wallClock(lo * step, timeZone).date > localDate || !(wallClock(hi * step, timeZone).date > localDate)) throw new Error(`oracle bounds do not hold for ${localDate} in ${timeZone}`);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClock(mid * step, timeZone).date > localDate) hi = mid;
    else lo = mid;
  }
  return hi * step;
}

/**
 * The quiet minutes of a day, by enumeration: from `start`, minute by minute (wrapping at 24:00),
 * up to but not including `end`. start === end means no quiet hours.
 */
export function quietMinutes(quiet: { start: string; end: string }): Set<number> {
  const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const minutes = new Set<number>();
  for (let m = toMin(quiet.start); m !== toMin(quiet.end); m = (m + 1) % 1440) minutes.add(m);
  return minutes;
}

const quietSets = new Map<string, Set<number>>();

export function isQuietOracle(hhmm: string, quiet: { start: string; end: string }): boolean {
  const key = `${quiet.start}-${quiet.end}`;
  let set = quietSets.get(key);
  if (!set) quietSets.set(key, (set = quietMinutes(quiet)));
  return set.has(Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)));
}

export const hhmmOf = (minute: number): string => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
