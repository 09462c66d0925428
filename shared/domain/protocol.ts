import * as z from 'zod';
import { IANAZone } from 'luxon';
import { ALERT_KINDS } from './alert-kinds.ts';

/**
 * The trial protocol as data. Nothing clinical is hard-coded: phases, regimens, visits,
 * templates and alert rules all live in the protocol file and are validated here at load.
 */

export const LANGUAGES = ['zh-CN', 'en'] as const;
export const languageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof languageSchema>;

export const ARMS = ['MMF', 'LEF'] as const;
export const armSchema = z.enum(ARMS);
export type Arm = z.infer<typeof armSchema>;

export const DOSE_SLOTS = ['morning', 'evening'] as const;
export const doseSlotSchema = z.enum(DOSE_SLOTS);
export type DoseSlot = z.infer<typeof doseSlotSchema>;

export const DRUGS = ['prednisone', 'mmf', 'lef'] as const;
export const drugSchema = z.enum(DRUGS);
export type Drug = z.infer<typeof drugSchema>;

export const localTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:mm (00:00–23:59)');
export const localDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a real calendar date');
export const timeZoneSchema = z.string().refine((tz) => IANAZone.isValidZone(tz), 'must be an IANA time zone such as Asia/Shanghai');

const localized = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) }).strict();
const dayNumber = z.number().int().min(0).max(3650);

const doseSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('taper') }).strict(),
  z.object({ kind: z.literal('parameter'), parameter: z.enum(['mmfInductionDoseG', 'mmfMaintenanceDoseG', 'lefDoseMg']) }).strict(),
]);

const regimenEntrySchema = z
  .object({ drug: drugSchema, slots: z.array(doseSlotSchema).min(1), dose: doseSpecSchema })
  .strict();

const allowedParameterSchema = z
  .object({
    allowed: z.array(z.number().positive()).min(1),
    default: z.number().positive(),
    perDose: z.boolean(),
    dailyMinG: z.number().positive().optional(),
    dailyMaxG: z.number().positive().optional(),
  })
  .strict()
  .refine((p) => p.allowed.includes(p.default), { message: 'default must be one of the allowed values', path: ['default'] });

export const TEMPLATE_KEYS = [
  'dose.reminder',
  'dose.reminder.discreet',
  'visit.reminder',
  'visit.reminder.discreet',
  'lab.reminder',
  'checkin.screen',
  'checkin.items_menu',
  'checkin.severity_question',
  'checkin.screen_retry',
  'checkin.items_retry',
  'checkin.severity_retry',
  'checkin.closed_unreadable',
  'checkin.thanks',
  'checkin.thanks_urgent',
  'reply.urgent',
  'reply.stop_confirm',
  'reply.start_confirm',
  'reply.help',
  'reply.unknown_number',
  'reply.unclear',
  'reply.dose_missed',
  'slot.morning',
  'slot.evening',
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

const templateSetSchema = z
  .record(z.string(), z.string().min(1))
  .superRefine((set, ctx) => {
    for (const key of TEMPLATE_KEYS) {
      if (!(key in set)) ctx.addIssue({ code: 'custom', message: `template "${key}" is missing`, path: [key] });
    }
  });

const minutes = z.number().int().min(0).max(7 * 24 * 60);

/**
 * Mainland China (Alibaba Cloud SMS): the provider sends only approved templates under a
 * registered signature. Per language and template key: the template code the provider assigned
 * and which placeholders travel as provider variables (placeholder → variable name). A
 * placeholder not listed is a protocol constant (study phone, check-in menu) written into the
 * approved text itself. Checked in depth by validateMainlandSms (npm run protocol:check).
 */
const providerVariableName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,29}$/, 'provider variable names are letters, digits and _ (at most 30)');
export const mainlandTemplateSchema = z
  .object({
    code: z.string().regex(/^SMS_\d{1,20}$/, 'an Alibaba Cloud template code looks like SMS_123456789'),
    variables: z.record(z.string(), providerVariableName),
  })
  .strict();
export const mainlandSmsSchema = z
  .object({
    $comment: z.string().optional(),
    provider: z.literal('aliyun'),
    /** The registered signature without its brackets; the provider prints it as 【signName】. */
    signName: z.string().regex(/^[^【】[\]\s]{2,12}$/u, '2–12 characters, no brackets or spaces'),
    /** Characters of one SMS part, signature included (mainland providers count every character as one). */
    maxChars: z.number().int().min(10).max(500),
    /** Longest value one variable may carry (Alibaba notification templates: 35). */
    maxVariableLength: z.number().int().min(1).max(500),
    limits: z
      .object({
        /** The provider's cap of SMS to one number in 24 h (Alibaba notifications: 50 per signature and template). */
        perNumberPerDay: z.number().int().min(1).max(1000),
        /** Of those, kept free for replies and check-in questions: reminders stop earlier. */
        reservedForReplies: z.number().int().min(0).max(1000),
      })
      .strict()
      .refine((l) => l.reservedForReplies < l.perNumberPerDay, { message: 'reservedForReplies must leave room for reminders', path: ['reservedForReplies'] }),
    templates: z.partialRecord(languageSchema, z.record(z.string(), mainlandTemplateSchema)),
  })
  .strict();
export type MainlandSms = z.infer<typeof mainlandSmsSchema>;
export type MainlandTemplate = z.infer<typeof mainlandTemplateSchema>;


export const protocolSchema = z
  .object({
    $comment: z.string().optional(),
    protocolId: z.string().min(1),
    version: z.string().min(1),
    title: localized,
    toConfirm: z.array(z.object({ path: z.string().min(1), note: z.string().min(1) }).strict()),
    studyTimeZone: timeZoneSchema,
    endOfStudyDay: dayNumber.min(1),
    phases: z
      .object({
        induction: z.object({ fromDay: dayNumber, toDay: dayNumber }).strict(),
        maintenance: z.object({ fromDay: dayNumber, toDay: dayNumber }).strict(),
      })
      .strict(),
    randomization: z
      .object({
        targetDay: dayNumber,
        windowDaysBefore: z.number().int().min(0).max(90),
        windowDaysAfter: z.number().int().min(0).max(90),
        arms: z.tuple([armSchema, armSchema]),
        blockSizes: z.array(z.number().int().positive().multipleOf(2, 'block sizes must be even for 1:1 allocation')).min(1),
      })
      .strict(),
    arms: z.object({ MMF: z.object({ label: localized }).strict(), LEF: z.object({ label: localized }).strict() }).strict(),
    drugs: z.record(drugSchema, z.object({ name: localized, unit: z.enum(['mg', 'g']) }).strict()),
    parameters: z
      .object({
        prednisoneStartMg: z
          .object({ min: z.number().positive(), max: z.number().positive(), default: z.number().positive() })
          .strict()
          .refine((p) => p.min <= p.default && p.default <= p.max, { message: 'default must lie within min..max', path: ['default'] }),
        mmfInductionDoseG: allowedParameterSchema,
        mmfMaintenanceDoseG: allowedParameterSchema,
        lefDoseMg: allowedParameterSchema,
      })
      .strict(),
    taper: z
      .object({
        referenceStartMg: z.number().positive(),
        roundToMg: z.number().positive(),
        steps: z.array(z.object({ fromDay: dayNumber, toDay: dayNumber, mg: z.number().min(0) }).strict()).min(1),
      })
      .strict(),
    regimens: z
      .object({
        induction: z.array(regimenEntrySchema),
        maintenance: z.object({ MMF: z.array(regimenEntrySchema), LEF: z.array(regimenEntrySchema) }).strict(),
      })
      .strict(),
    defaultDoseTimes: z.object({ morning: localTimeSchema, evening: localTimeSchema }).strict(),
    quietHours: z.object({ start: localTimeSchema, end: localTimeSchema }).strict(),
    reminders: z
      .object({
        doseValidityMinutes: minutes.min(1),
        doseAnswerWindowMinutes: minutes.min(1),
        answerGraceAfterMidnightMinutes: minutes,
        visitLeadDays: z.array(z.number().int().min(1).max(60)).min(1),
        visitReminderTime: localTimeSchema,
        dailyCapPerPatient: z.number().int().min(1).max(20),
        otherValidityMinutes: minutes.min(1),
      })
      .strict(),
    visits: z
      .array(
        z
          .object({
            key: z.string().regex(/^[a-z0-9_]+$/, 'visit keys are lower-case letters, digits and _'),
            label: localized,
            targetDay: dayNumber,
            windowBefore: z.number().int().min(0).max(90),
            windowAfter: z.number().int().min(0).max(90),
            remind: z.boolean(),
          })
          .strict(),
      )
      .min(1),
    /**
     * The IgG4-RD Responder Index as scored at visits (shared/domain/responder-index.ts): the
     * organ/site list of the instrument the study uses, the urgent weight, the serum IgG4 item and
     * the relapse criterion's rule (docs/responder-index.md).
     */
    responderIndex: z
      .object({
        $comment: z.string().optional(),
        instrument: z.string().min(1),
        urgentMultiplier: z.number().int().min(1).max(4),
        serumIgG4: z.boolean(),
        sites: z
          .array(
            z
              .object({
                key: z.string().regex(/^[a-z0-9_]{1,40}$/, 'RI site keys are lower-case letters, digits and _'),
                label: localized,
                /** false for the constitutional-symptoms domain: scored, but not an organ for "new organ". */
                organ: z.boolean(),
              })
              .strict(),
          )
          .min(1),
        relapse: z
          .object({
            minRise: z.number().int().min(1).max(20),
            reference: z.enum(['lowest_since_remission', 'previous_visit']),
            remissionMaxTotal: z.number().int().min(0).max(20),
          })
          .strict(),
      })
      .strict(),
    labMonitoring: z
      .object({
        LEF: z
          .object({
            firstAfterRandomizationDays: dayNumber,
            everyDays: z.number().int().min(1),
            intensivePeriodDays: dayNumber,
            thenEveryDays: z.number().int().min(1),
            reminderLeadDays: z.number().int().min(0).max(14),
            reminderTime: localTimeSchema,
          })
          .strict()
          .optional(),
        MMF: z.undefined().optional(),
      })
      .strict(),
    checkIns: z
      .object({
        weekday: z.number().int().min(1).max(7),
        time: localTimeSchema,
        firstAfterDays: dayNumber,
        stepTimeoutMinutes: minutes.min(5),
        proItems: z
          .array(
            z
              .object({
                key: z.string().regex(/^[a-z0-9_]+$/),
                term: z.string().min(1),
                label: localized,
                /** 'presence' items (fever, jaundice …) are yes/no: no severity question follows. */
                attribute: z.enum(['severity', 'presence']).optional(),
              })
              .strict(),
          )
          .min(1)
          .max(9 * 2),
      })
      .strict(),
    sideEffects: z
      .object({
        redFlagGradeAtLeast: z.number().int().min(1).max(5),
        sameDayAlertTerms: z.array(z.string().min(1)),
        allowFreeTextExcerptsInDigest: z.boolean(),
      })
      .strict(),
    /** Rules on REPORTED misses only ("no reply" is silence, see silenceRules). */
    missedDoseRules: z
      .object({
        /** A missed-dose item when this many reported misses of the same drug follow each other (unanswered check-ins in between neither break nor extend the run). */
        consecutiveSameDrug: z.number().int().min(1),
        /** A missed-dose item when `count` reported misses fall within the last `days` local days. */
        missedInDays: z.object({ count: z.number().int().min(1), days: z.number().int().min(1) }).strict(),
        /** Reported missed prednisone doses in a row on taper days raise a steroid_withdrawal item (urgent lane by default). */
        anyPrednisoneDuringTaper: z.boolean(),
        /** How many in a row (default 2): one missed dose is a slip for the routine rules; two in a row is a stop. */
        taperConsecutiveMisses: z.number().int().min(1).default(2),
      })
      .strict(),
    /** Sustained silence: its own items (no_reply, low_response), never counted as missed doses. */
    silenceRules: z
      .object({
        /** A no_reply item when no check-in has been answered on this many consecutive local days with check-ins. */
        noReplyDays: z.number().int().min(1),
        /**
         * A low_response item when under `share` of the check-ins of the last `days` days were answered (at least `minCheckIns` known).
         * It ends only once `resolveShare` (≥ share; default = share) is answered again: hysteresis, so a patient hovering around the threshold is one item.
         */
        lowResponse: z
          .object({
            share: z.number().gt(0).max(1),
            days: z.number().int().min(1),
            minCheckIns: z.number().int().min(1),
            resolveShare: z.number().gt(0).max(1).optional(),
          })
          .strict()
          .refine((r) => r.resolveShare === undefined || r.resolveShare >= r.share, { message: 'resolveShare must be at least share', path: ['resolveShare'] }),
      })
      .strict(),
    alerts: z
      .object({
        /** An unacknowledged URGENT item is re-sent to the escalation topic (investigator) after this many minutes, then again. */
        urgentAckMinutes: minutes.min(1),
        /** How many times an unacknowledged urgent item is re-sent to the escalation topic. */
        maxEscalations: z.number().int().min(0).max(10),
        workingHours: z
          .object({ start: localTimeSchema, end: localTimeSchema, weekdays: z.array(z.number().int().min(1).max(7)).min(1) })
          .strict(),
        /** Study-site calendar: public holidays (no summary, not working days) and weekend days that are working days (China's make-up days). */
        calendar: z
          .object({ holidays: z.array(localDateSchema), workingWeekendDays: z.array(localDateSchema) })
          .strict(),
        /** Which kinds are pushed at once (urgent lane); every other kind goes to the worklist (routine lane). */
        lanes: z.object({ urgent: z.array(z.enum(ALERT_KINDS)) }).strict(),
        worklist: z
          .object({
            /** An open routine item older than this many working days is marked overdue in the daily summary. */
            overdueAfterWorkingDays: z.number().int().min(1).max(30),
          })
          .strict(),
        /** The one routine push per working day. */
        dailySummary: z
          .object({
            /** Study-time-zone local time of the summary (working days only). */
            time: localTimeSchema,
            /** Send a summary even when nothing is open ("nothing open today"). */
            sendWhenEmpty: z.boolean(),
          })
          .strict(),
        /** A supply problem (ran out, no refill) with one of these drugs during the taper is a steroid_withdrawal item, not a routine supply item. */
        supply: z.object({ urgentDuringTaper: z.array(drugSchema) }).strict(),
      })
      .strict(),
    contacts: z.object({ studyPhone: z.string().min(3), urgentPhone: z.string().min(3) }).strict(),
    /** Inbound texts: automatic-reply budgets, unknown senders, retention, retries (docs/replies.md). */
    inbound: z
      .object({
        /** Automatic replies per sender number per local day (STOP/START confirmations and the urgent-contact text are outside it). */
        autoReplyBudgetPerNumberPerDay: z.number().int().min(0).max(20),
        unknownSenders: z
          .object({
            /** Replies to all unknown numbers together per local day (each number gets at most one a day anyway). */
            maxRepliesPerDay: z.number().int().min(0).max(1000),
            /** Country calling codes ("86", "1") whose numbers may be answered; absent: those of the enrolled patients' phones. */
            allowedCallingCodes: z.array(z.string().regex(/^[1-9][0-9]{0,2}$/, 'a country calling code without "+"')).min(1).optional(),
            /** Texts from unknown numbers and their reports are deleted (DynamoDB TTL) this many days after receipt. */
            retentionDays: z.number().int().min(1).max(3650),
          })
          .strict(),
        /** A stored text not processed this many minutes after receipt (or after a failed attempt) is retried by the sweep. */
        retryAfterMinutes: z.number().int().min(1).max(24 * 60),
        /** After this many failed processing attempts a routine `inbound_unprocessed` item names the message (retries go on). */
        attemptsBeforeAlert: z.number().int().min(1).max(50),
      })
      .strict()
      .default({ autoReplyBudgetPerNumberPerDay: 3, unknownSenders: { maxRepliesPerDay: 20, retentionDays: 90 }, retryAfterMinutes: 5, attemptsBeforeAlert: 3 }),
    templates: z.object({ 'zh-CN': templateSetSchema, en: templateSetSchema }).strict(),
    mainlandSms: mainlandSmsSchema.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const { induction, maintenance } = p.phases;
    if (induction.fromDay !== 0) ctx.addIssue({ code: 'custom', path: ['phases', 'induction', 'fromDay'], message: 'induction starts at enrollment (day 0)' });
    if (induction.toDay < induction.fromDay) ctx.addIssue({ code: 'custom', path: ['phases', 'induction', 'toDay'], message: 'must not be before fromDay' });
    if (maintenance.fromDay !== induction.toDay + 1)
      ctx.addIssue({ code: 'custom', path: ['phases', 'maintenance', 'fromDay'], message: `must be the day after induction ends (${induction.toDay + 1})` });
    if (maintenance.toDay !== p.endOfStudyDay)
      ctx.addIssue({ code: 'custom', path: ['phases', 'maintenance', 'toDay'], message: `must equal endOfStudyDay (${p.endOfStudyDay})` });
    let previousEnd = -1;
    p.taper.steps.forEach((step, i) => {
      if (step.toDay < step.fromDay) ctx.addIssue({ code: 'custom', path: ['taper', 'steps', i, 'toDay'], message: 'must not be before fromDay' });
      if (step.fromDay !== previousEnd + 1)
        ctx.addIssue({ code: 'custom', path: ['taper', 'steps', i, 'fromDay'], message: `taper steps must be contiguous: expected day ${previousEnd + 1}` });
      if (step.toDay > induction.toDay) ctx.addIssue({ code: 'custom', path: ['taper', 'steps', i, 'toDay'], message: 'the taper must end within induction' });
      previousEnd = step.toDay;
    });
    for (const drug of DRUGS) {
      if (!p.drugs[drug]) ctx.addIssue({ code: 'custom', path: ['drugs', drug], message: `drug "${drug}" needs a name in every language` });
    }
    const keys = new Set<string>();
    const riSites = new Set<string>();
    p.responderIndex.sites.forEach((site, i) => {
      if (riSites.has(site.key)) ctx.addIssue({ code: 'custom', path: ['responderIndex', 'sites', i, 'key'], message: `duplicate RI site "${site.key}"` });
      riSites.add(site.key);
    });
    p.visits.forEach((v, i) => {
      if (keys.has(v.key)) ctx.addIssue({ code: 'custom', path: ['visits', i, 'key'], message: `duplicate visit key "${v.key}"` });
      keys.add(v.key);
      if (v.targetDay > p.endOfStudyDay) ctx.addIssue({ code: 'custom', path: ['visits', i, 'targetDay'], message: 'visit after endOfStudyDay' });
    });
    const r = p.randomization;
    if (r.arms[0] === r.arms[1]) ctx.addIssue({ code: 'custom', path: ['randomization', 'arms'], message: 'the two arms must differ' });
    if (r.targetDay + r.windowDaysAfter > p.endOfStudyDay) ctx.addIssue({ code: 'custom', path: ['randomization', 'targetDay'], message: 'randomization window ends after the study' });
  });

export type Protocol = z.infer<typeof protocolSchema>;
export type RegimenEntry = z.infer<typeof regimenEntrySchema>;
export type ProItem = Protocol['checkIns']['proItems'][number];
export type VisitDefinition = Protocol['visits'][number];

/** Field path in dotted form, as the protocol author writes it ("taper.steps.2.mg"). */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

export class ProtocolError extends Error {
  constructor(
    readonly source: string,
    readonly problems: { path: string; message: string }[],
  ) {
    super(`Invalid protocol ${source}:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'ProtocolError';
  }
}

/** Validates an already-parsed protocol document; throws ProtocolError naming each bad field. */
export function parseProtocol(document: unknown, source = '(protocol)'): Protocol {
  const result = protocolSchema.safeParse(document);
  if (!result.success) {
    throw new ProtocolError(
      source,
      result.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message })),
    );
  }
  return result.data;
}

/** Which phase a study day belongs to, or null before enrollment / after end of study. */
export function phaseOfDay(protocol: Protocol, studyDay: number): 'induction' | 'maintenance' | null {
  if (studyDay < 0 || studyDay > protocol.endOfStudyDay) return null;
  return studyDay <= protocol.phases.induction.toDay ? 'induction' : 'maintenance';
}

/** Today's prednisone dose for a patient's start dose, scaled from the reference taper and rounded. */
export function prednisoneDoseMg(protocol: Protocol, startMg: number, studyDay: number): number {
  const step = protocol.taper.steps.find((s) => studyDay >= s.fromDay && studyDay <= s.toDay);
  if (!step) return 0;
  const scaled = (step.mg * startMg) / protocol.taper.referenceStartMg;
  const unit = protocol.taper.roundToMg;
  return Math.round(scaled / unit) * unit;
}

/** The last study day with a non-zero prednisone dose (taper active on days 0..that). */
export function taperEndDay(protocol: Protocol): number {
  return protocol.taper.steps.filter((s) => s.mg > 0).reduce((end, s) => Math.max(end, s.toDay), -1);
}
