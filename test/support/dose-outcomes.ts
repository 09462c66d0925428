/** Dose outcomes and rule contexts for the missed-dose and silence rule tests (one patient, Shanghai unless told). */
import { DateTime } from 'luxon';
import type { DoseOutcome, DoseStatus } from '#domain/adherence.ts';
import type { MissedDoseContext, MissedDoseRules } from '#domain/missed-dose-rules.ts';

export const SH = 'Asia/Shanghai';

/** A dose check-in of patient p1 (IGG-007) due at a local date and time, with a 3-hour answer window. */
export function dose(localDate: string, localTime: string, status: DoseStatus, drugs: string[], zone = SH, extra: Partial<DoseOutcome> = {}): DoseOutcome {
  const due = DateTime.fromISO(`${localDate}T${localTime}`, { zone });
  return {
    checkInId: `ci-${localDate}-${localTime}`,
    patientId: 'p1',
    studyId: 'IGG-007',
    arm: null,
    phase: 'induction',
    localDate,
    localTime,
    dueAt: due.toUTC().toISO()!,
    windowEnd: due.plus({ hours: 3 }).toUTC().toISO()!,
    drugs,
    status,
    ...extra,
  };
}

/** A local wall-clock time as an ISO UTC instant. */
export const at = (local: string, zone = SH) => DateTime.fromISO(local, { zone }).toUTC().toISO()!;

export const ctx = (now: string, over: Partial<MissedDoseContext> = {}): MissedDoseContext => ({ now, timeZone: SH, taperActive: () => false, openEpisodes: [], ...over });

/** Every rule off but the ones given. */
export const only = (over: Partial<MissedDoseRules>): MissedDoseRules => ({
  consecutiveSameDrug: null,
  missedInDays: null,
  anyPrednisoneDuringTaper: false,
  noReplyDays: null,
  lowResponse: null,
  ...over,
});
