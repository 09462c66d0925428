import {
  armSchema,
  intWithin,
  languageSchema,
  localDateSchema,
  localTimeSchema,
  nonEmptyText,
  positiveNumber,
  timeZoneSchema,
  type Protocol,
} from './protocol.ts';
import * as z from './zod.ts';

export const PATIENT_STATUSES = ['active', 'paused', 'withdrawn', 'completed'] as const;
export const patientStatusSchema = z.enum(PATIENT_STATUSES);
export type PatientStatus = z.infer<typeof patientStatusSchema>;

export const e164Schema = z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, e.g. +8613800138000'));

export const studyIdSchema = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$/, 'must be 2–32 letters, digits, - or _'));

export const doseTimesSchema = z.strictObject({ morning: localTimeSchema, evening: localTimeSchema });
export type DoseTimes = z.infer<typeof doseTimesSchema>;

/** Per-patient regimen parameters the protocol lets the investigator set. */
export const regimenParametersSchema = z.strictObject({
  prednisoneStartMg: positiveNumber,
  mmfInductionDoseG: positiveNumber,
  mmfMaintenanceDoseG: positiveNumber,
  lefDoseMg: positiveNumber,
});
export type RegimenParameters = z.infer<typeof regimenParametersSchema>;

export const patientSchema = z.strictObject({
  id: nonEmptyText,
  studyId: studyIdSchema,
  phone: e164Schema,
  timeZone: timeZoneSchema,
  language: languageSchema,
  enrolledOn: localDateSchema,
  doseTimes: doseTimesSchema,
  parameters: regimenParametersSchema,
  discreet: z.boolean(),
  status: patientStatusSchema,
  statusReason: z.optional(z.string()),
  smsOptOut: z.boolean(),
  arm: z.nullable(armSchema),
  randomizedOn: z.optional(localDateSchema),
  /** Actual appointment dates set by coordinators (visit key → date); they drive visit reminders. */
  appointments: z.record(z.string(), localDateSchema),
  pausedFrom: z.optional(z.string()),
  withdrawnAt: z.optional(z.string()),
  version: intWithin(1),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Patient = z.infer<typeof patientSchema>;

export interface ParameterProblem {
  path: string;
  message: string;
}

/** Checks per-patient parameters and dose times against the protocol's bounds. */
export function validatePatientAgainstProtocol(
  input: { parameters: RegimenParameters; doseTimes: DoseTimes },
  protocol: Protocol,
): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  const p = protocol.parameters;
  const { prednisoneStartMg, mmfInductionDoseG, mmfMaintenanceDoseG, lefDoseMg } = input.parameters;
  if (prednisoneStartMg < p.prednisoneStartMg.min || prednisoneStartMg > p.prednisoneStartMg.max) {
    problems.push({
      path: 'prednisoneStartMg',
      message: `must be between ${p.prednisoneStartMg.min} and ${p.prednisoneStartMg.max} mg`,
    });
  }
  const allowed = (name: 'mmfInductionDoseG' | 'mmfMaintenanceDoseG' | 'lefDoseMg', value: number) => {
    const spec = p[name];
    if (!spec.allowed.includes(value)) problems.push({ path: name, message: `must be one of ${spec.allowed.join(', ')}` });
  };
  allowed('mmfInductionDoseG', mmfInductionDoseG);
  allowed('mmfMaintenanceDoseG', mmfMaintenanceDoseG);
  allowed('lefDoseMg', lefDoseMg);
  const maint = p.mmfMaintenanceDoseG;
  const mmfSlots = protocol.regimens.maintenance.MMF.find((r) => r.drug === 'mmf')?.slots.length ?? 2;
  const daily = mmfMaintenanceDoseG * mmfSlots;
  if ((maint.dailyMinG !== undefined && daily < maint.dailyMinG - 1e-9) || (maint.dailyMaxG !== undefined && daily > maint.dailyMaxG + 1e-9)) {
    problems.push({ path: 'mmfMaintenanceDoseG', message: `daily MMF must be ${maint.dailyMinG}–${maint.dailyMaxG} g (is ${daily} g)` });
  }
  for (const slot of ['morning', 'evening'] as const) {
    if (isInQuietHours(input.doseTimes[slot], protocol.quietHours)) {
      problems.push({
        path: `doseTimes.${slot}`,
        message: `${input.doseTimes[slot]} is inside quiet hours (${protocol.quietHours.start}–${protocol.quietHours.end})`,
      });
    }
  }
  if (minutesOfDay(input.doseTimes.morning) >= minutesOfDay(input.doseTimes.evening)) {
    problems.push({ path: 'doseTimes.evening', message: 'evening dose must be later than the morning dose' });
  }
  return problems;
}

export function defaultParameters(protocol: Protocol): RegimenParameters {
  return {
    prednisoneStartMg: protocol.parameters.prednisoneStartMg.default,
    mmfInductionDoseG: protocol.parameters.mmfInductionDoseG.default,
    mmfMaintenanceDoseG: protocol.parameters.mmfMaintenanceDoseG.default,
    lefDoseMg: protocol.parameters.lefDoseMg.default,
  };
}

export function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Quiet hours may wrap midnight (21:30–07:30). The end minute itself is allowed. */
export function isInQuietHours(hhmm: string, quiet: { start: string; end: string }): boolean {
  const t = minutesOfDay(hhmm);
  const s = minutesOfDay(quiet.start);
  const e = minutesOfDay(quiet.end);
  if (s === e) return false;
  return s < e ? t >= s && t < e : t >= s || t < e;
}

/** Whether SMS may be sent to this patient at all (withdrawal, completion, pause and opt-out all stop SMS). */
export function canReceiveSms(patient: Pick<Patient, 'status' | 'smsOptOut'>): boolean {
  return patient.status === 'active' && !patient.smsOptOut;
}
