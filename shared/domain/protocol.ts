import { ALERT_KINDS } from './alert-kinds.ts';
import * as z from './zod.ts';
import { isValidTimeZone } from './zoned-time.ts';

/**
 * The trial protocol as data. Nothing clinical is hard-coded: phases, regimens, visits,
 * templates and alert rules all live in the protocol file and are validated here at load.
 * The schemas are zod/mini (./zod.ts): each is the classic chain it replaced, check for check
 * in the same order, so the messages and paths are the same.
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

/** A non-empty string (classic `z.string().min(1)`). */
export const nonEmptyText = z.string().check(z.minLength(1));
/** An integer within bounds (classic `z.number().int().min(min)` or `….min(min).max(max)`). */
export function intWithin(min: number, max?: number): z.ZodMiniNumber<number> {
  return max === undefined ? z.number().check(z.int(), z.minimum(min)) : z.number().check(z.int(), z.minimum(min), z.maximum(max));
}
/** A positive number (classic `z.number().positive()`). */
export const positiveNumber = z.number().check(z.positive());

export const localTimeSchema = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:mm (00:00–23:59)'));
export const localDateSchema = z
  .string()
  .check(
    z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
    z.refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a real calendar date'),
  );
export const timeZoneSchema = z.string().check(z.refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Shanghai'));

const localized = z.strictObject({ 'zh-CN': nonEmptyText, en: nonEmptyText });
const dayNumber = intWithin(0, 3650);

const doseSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('taper') }),
  z.strictObject({ kind: z.literal('parameter'), parameter: z.enum(['mmfInductionDoseG', 'mmfMaintenanceDoseG', 'lefDoseMg']) }),
]);

const regimenEntrySchema = z.strictObject({ drug: drugSchema, slots: z.array(doseSlotSchema).check(z.minLength(1)), dose: doseSpecSchema });

const allowedParameterSchema = z
  .strictObject({
    allowed: z.array(positiveNumber).check(z.minLength(1)),
    default: positiveNumber,
    perDose: z.boolean(),
    dailyMinG: z.optional(positiveNumber),
    dailyMaxG: z.optional(positiveNumber),
  })
  .check(z.refine((p) => p.allowed.includes(p.default), { message: 'default must be one of the allowed values', path: ['default'] }));

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

const templateSetSchema = z.record(z.string(), nonEmptyText).check(
  z.superRefine((set, ctx) => {
    for (const key of TEMPLATE_KEYS) {
      if (!(key in set)) ctx.addIssue({ code: 'custom', message: `template "${key}" is missing`, path: [key] });
    }
  }),
);

const minutes = intWithin(0, 7 * 24 * 60);

/**
 * Mainland China (Alibaba Cloud SMS): the provider sends only approved templates under a
 * registered signature. Per language and template key: the template code the provider assigned
 * and which placeholders travel as provider variables (placeholder → variable name). A
 * placeholder not listed is a protocol constant (study phone, check-in menu) written into the
 * approved text itself. Checked in depth by validateMainlandSms (npm run protocol:check).
 */
const providerVariableName = z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,29}$/, 'provider variable names are letters, digits and _ (at most 30)'));
export const mainlandTemplateSchema = z.strictObject({
  code: z.string().check(z.regex(/^SMS_\d{1,20}$/, 'an Alibaba Cloud template code looks like SMS_123456789')),
  variables: z.record(z.string(), providerVariableName),
});
export const mainlandSmsSchema = z.strictObject({
  $comment: z.optional(z.string()),
  provider: z.literal('aliyun'),
  /** The registered signature without its brackets; the provider prints it as 【signName】. */
  signName: z.string().check(z.regex(/^[^【】[\]\s]{2,12}$/u, '2–12 characters, no brackets or spaces')),
  /** Characters of one SMS part, signature included (mainland providers count every character as one). */
  maxChars: intWithin(10, 500),
  /** Longest value one variable may carry (Alibaba notification templates: 35). */
  maxVariableLength: intWithin(1, 500),
  limits: z
    .strictObject({
      /** The provider's cap of SMS to one number in 24 h (Alibaba notifications: 50 per signature and template). */
      perNumberPerDay: intWithin(1, 1000),
      /** Of those, kept free for replies and check-in questions: reminders stop earlier. */
      reservedForReplies: intWithin(0, 1000),
    })
    .check(z.refine((l) => l.reservedForReplies < l.perNumberPerDay, { message: 'reservedForReplies must leave room for reminders', path: ['reservedForReplies'] })),
  templates: z.partialRecord(languageSchema, z.record(z.string(), mainlandTemplateSchema)),
});
export type MainlandSms = z.infer<typeof mainlandSmsSchema>;
export type MainlandTemplate = z.infer<typeof mainlandTemplateSchema>;


export const protocolSchema = z
  .strictObject({
    $comment: z.optional(z.string()),
    protocolId: nonEmptyText,
    version: nonEmptyText,
    title: localized,
    toConfirm: z.array(z.strictObject({ path: nonEmptyText, note: nonEmptyText })),
    studyTimeZone: timeZoneSchema,
    endOfStudyDay: dayNumber.check(z.minimum(1)),
    phases: z.strictObject({
      induction: z.strictObject({ fromDay: dayNumber, toDay: dayNumber }),
      maintenance: z.strictObject({ fromDay: dayNumber, toDay: dayNumber }),
    }),
    randomization: z.strictObject({
      targetDay: dayNumber,
      windowDaysBefore: intWithin(0, 90),
      windowDaysAfter: intWithin(0, 90),
      arms: z.tuple([armSchema, armSchema]),
      blockSizes: z.array(z.number().check(z.int(), z.positive(), z.multipleOf(2, 'block sizes must be even for 1:1 allocation'))).check(z.minLength(1)),
    }),
    arms: z.strictObject({ MMF: z.strictObject({ label: localized }), LEF: z.strictObject({ label: localized }) }),
    drugs: z.record(drugSchema, z.strictObject({ name: localized, unit: z.enum(['mg', 'g']) })),
    parameters: z.strictObject({
      prednisoneStartMg: z
        .strictObject({ min: positiveNumber, max: positiveNumber, default: positiveNumber })
        .check(z.refine((p) => p.min <= p.default && p.default <= p.max, { message: 'default must lie within min..max', path: ['default'] })),
      mmfInductionDoseG: allowedParameterSchema,
      mmfMaintenanceDoseG: allowedParameterSchema,
      lefDoseMg: allowedParameterSchema,
    }),
    taper: z.strictObject({
      referenceStartMg: positiveNumber,
      roundToMg: positiveNumber,
      steps: z.array(z.strictObject({ fromDay: dayNumber, toDay: dayNumber, mg: z.number().check(z.minimum(0)) })).check(z.minLength(1)),
    }),
    regimens: z.strictObject({
      induction: z.array(regimenEntrySchema),
      maintenance: z.strictObject({ MMF: z.array(regimenEntrySchema), LEF: z.array(regimenEntrySchema) }),
    }),
    defaultDoseTimes: z.strictObject({ morning: localTimeSchema, evening: localTimeSchema }),
    quietHours: z.strictObject({ start: localTimeSchema, end: localTimeSchema }),
    reminders: z.strictObject({
      doseValidityMinutes: minutes.check(z.minimum(1)),
      doseAnswerWindowMinutes: minutes.check(z.minimum(1)),
      answerGraceAfterMidnightMinutes: minutes,
      visitLeadDays: z.array(intWithin(1, 60)).check(z.minLength(1)),
      visitReminderTime: localTimeSchema,
      dailyCapPerPatient: intWithin(1, 20),
      otherValidityMinutes: minutes.check(z.minimum(1)),
    }),
    visits: z
      .array(
        z.strictObject({
          key: z.string().check(z.regex(/^[a-z0-9_]+$/, 'visit keys are lower-case letters, digits and _')),
          label: localized,
          targetDay: dayNumber,
          windowBefore: intWithin(0, 90),
          windowAfter: intWithin(0, 90),
          remind: z.boolean(),
        }),
      )
      .check(z.minLength(1)),
    /**
     * The IgG4-RD Responder Index as scored at visits (shared/domain/responder-index.ts): the
     * organ/site list of the instrument the study uses, the urgent weight, the serum IgG4 item and
     * the relapse criterion's rule (docs/responder-index.md).
     */
    responderIndex: z.strictObject({
      $comment: z.optional(z.string()),
      instrument: nonEmptyText,
      urgentMultiplier: intWithin(1, 4),
      serumIgG4: z.boolean(),
      sites: z
        .array(
          z.strictObject({
            key: z.string().check(z.regex(/^[a-z0-9_]{1,40}$/, 'RI site keys are lower-case letters, digits and _')),
            label: localized,
            /** false for the constitutional-symptoms domain: scored, but not an organ for "new organ". */
            organ: z.boolean(),
          }),
        )
        .check(z.minLength(1)),
      relapse: z.strictObject({
        minRise: intWithin(1, 20),
        reference: z.enum(['lowest_since_remission', 'previous_visit']),
        remissionMaxTotal: intWithin(0, 20),
      }),
    }),
    labMonitoring: z.strictObject({
      LEF: z.optional(
        z.strictObject({
          firstAfterRandomizationDays: dayNumber,
          everyDays: intWithin(1),
          intensivePeriodDays: dayNumber,
          thenEveryDays: intWithin(1),
          reminderLeadDays: intWithin(0, 14),
          reminderTime: localTimeSchema,
        }),
      ),
      MMF: z.optional(z.undefined()),
    }),
    checkIns: z.strictObject({
      weekday: intWithin(1, 7),
      time: localTimeSchema,
      firstAfterDays: dayNumber,
      stepTimeoutMinutes: minutes.check(z.minimum(5)),
      proItems: z
        .array(
          z.strictObject({
            key: z.string().check(z.regex(/^[a-z0-9_]+$/)),
            term: nonEmptyText,
            label: localized,
            /** 'presence' items (fever, jaundice …) are yes/no: no severity question follows. */
            attribute: z.optional(z.enum(['severity', 'presence'])),
          }),
        )
        .check(z.minLength(1), z.maxLength(9 * 2)),
    }),
    sideEffects: z.strictObject({
      redFlagGradeAtLeast: intWithin(1, 5),
      sameDayAlertTerms: z.array(nonEmptyText),
      allowFreeTextExcerptsInDigest: z.boolean(),
    }),
    /** Rules on REPORTED misses only ("no reply" is silence, see silenceRules). */
    missedDoseRules: z.strictObject({
      /** A missed-dose item when this many reported misses of the same drug follow each other (unanswered check-ins in between neither break nor extend the run). */
      consecutiveSameDrug: intWithin(1),
      /** A missed-dose item when `count` reported misses fall within the last `days` local days. */
      missedInDays: z.strictObject({ count: intWithin(1), days: intWithin(1) }),
      /** Reported missed prednisone doses in a row on taper days raise a steroid_withdrawal item (urgent lane by default). */
      anyPrednisoneDuringTaper: z.boolean(),
      /** How many in a row (default 2): one missed dose is a slip for the routine rules; two in a row is a stop. */
      taperConsecutiveMisses: z._default(intWithin(1), 2),
    }),
    /** Sustained silence: its own items (no_reply, low_response), never counted as missed doses. */
    silenceRules: z.strictObject({
      /** A no_reply item when no check-in has been answered on this many consecutive local days with check-ins. */
      noReplyDays: intWithin(1),
      /**
       * A low_response item when under `share` of the check-ins of the last `days` days were answered (at least `minCheckIns` known).
       * It ends only once `resolveShare` (≥ share; default = share) is answered again: hysteresis, so a patient hovering around the threshold is one item.
       */
      lowResponse: z
        .strictObject({
          share: z.number().check(z.gt(0), z.maximum(1)),
          days: intWithin(1),
          minCheckIns: intWithin(1),
          resolveShare: z.optional(z.number().check(z.gt(0), z.maximum(1))),
        })
        .check(z.refine((r) => r.resolveShare === undefined || r.resolveShare >= r.share, { message: 'resolveShare must be at least share', path: ['resolveShare'] })),
    }),
    alerts: z.strictObject({
      /** An unacknowledged URGENT item is re-sent to the escalation topic (investigator) after this many minutes, then again. */
      urgentAckMinutes: minutes.check(z.minimum(1)),
      /** How many times an unacknowledged urgent item is re-sent to the escalation topic. */
      maxEscalations: intWithin(0, 10),
      workingHours: z.strictObject({ start: localTimeSchema, end: localTimeSchema, weekdays: z.array(intWithin(1, 7)).check(z.minLength(1)) }),
      /** Study-site calendar: public holidays (no summary, not working days) and weekend days that are working days (China's make-up days). */
      calendar: z.strictObject({ holidays: z.array(localDateSchema), workingWeekendDays: z.array(localDateSchema) }),
      /** Which kinds are pushed at once (urgent lane); every other kind goes to the worklist (routine lane). */
      lanes: z.strictObject({ urgent: z.array(z.enum(ALERT_KINDS)) }),
      worklist: z.strictObject({
        /** An open routine item older than this many working days is marked overdue in the daily summary. */
        overdueAfterWorkingDays: intWithin(1, 30),
      }),
      /** The one routine push per working day. */
      dailySummary: z.strictObject({
        /** Study-time-zone local time of the summary (working days only). */
        time: localTimeSchema,
        /** Send a summary even when nothing is open ("nothing open today"). */
        sendWhenEmpty: z.boolean(),
      }),
      /** A supply problem (ran out, no refill) with one of these drugs during the taper is a steroid_withdrawal item, not a routine supply item. */
      supply: z.strictObject({ urgentDuringTaper: z.array(drugSchema) }),
    }),
    contacts: z.strictObject({ studyPhone: z.string().check(z.minLength(3)), urgentPhone: z.string().check(z.minLength(3)) }),
    /** Inbound texts: automatic-reply budgets, unknown senders, retention, retries (docs/replies.md). */
    inbound: z._default(
      z.strictObject({
        /** Automatic replies per sender number per local day (STOP/START confirmations and the urgent-contact text are outside it). */
        autoReplyBudgetPerNumberPerDay: intWithin(0, 20),
        unknownSenders: z.strictObject({
          /** Replies to all unknown numbers together per local day (each number gets at most one a day anyway). */
          maxRepliesPerDay: intWithin(0, 1000),
          /** Country calling codes ("86", "1") whose numbers may be answered; absent: those of the enrolled patients' phones. */
          allowedCallingCodes: z.optional(z.array(z.string().check(z.regex(/^[1-9][0-9]{0,2}$/, 'a country calling code without "+"'))).check(z.minLength(1))),
          /** Texts from unknown numbers and their reports are deleted (DynamoDB TTL) this many days after receipt. */
          retentionDays: intWithin(1, 3650),
        }),
        /** A stored text not processed this many minutes after receipt (or after a failed attempt) is retried (inbound-sms's scheduled task runs at this period; pull-sms after each pull). */
        retryAfterMinutes: intWithin(1, 24 * 60),
        /** After this many failed processing attempts a routine `inbound_unprocessed` item names the message (retries go on). */
        attemptsBeforeAlert: intWithin(1, 50),
        /** An acknowledgement ("收到", "好的", "ok", 👍) answering a dose reminder counts as taken; false: it is unclear and the patient is asked again (docs/replies.md). */
        acknowledgementIsTaken: z._default(z.boolean(), true),
      }),
      { autoReplyBudgetPerNumberPerDay: 3, unknownSenders: { maxRepliesPerDay: 20, retentionDays: 90 }, retryAfterMinutes: 5, attemptsBeforeAlert: 3, acknowledgementIsTaken: true },
    ),
    templates: z.strictObject({ 'zh-CN': templateSetSchema, en: templateSetSchema }),
    mainlandSms: z.optional(mainlandSmsSchema),
  })
  .check(
    z.superRefine((p, ctx) => {
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
    }),
  );

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
