import * as z from 'zod';
import 'zod-openapi';
import { decodeCursor } from '#adapters/dynamo/keys.ts';
import { EXPORT_DATASETS } from '#app/coordinator/exports.ts';
import { doseTimesSchema, e164Schema, patientSchema, PATIENT_STATUSES, studyIdSchema } from '#domain/patient.ts';
import { armSchema, languageSchema, localDateSchema, timeZoneSchema } from '#domain/protocol.ts';
import { riWorksheetSchema } from '#domain/responder-index.ts';
// libphonenumber-js and its metadata are a side module (shared/lazy/): loaded on the first number checked.
import { checkMobileNumber } from '#lazy/phone';
import { ACK_OUTCOMES, ALERT_KINDS, ALERT_STATUSES } from '#ports/alerts.ts';
import { REVIEW_OUTCOMES } from '#ports/reports.ts';
import { VISIT_RESPONSES } from '#ports/visits.ts';

/**
 * The API's zod schemas: the same objects validate requests and generate /openapi.json.
 * Request bodies and query strings are strict: an unknown field is a 400 naming it.
 */

const note = (max: number) => z.string().trim().max(max);
const reason = z.string().trim().min(1, 'must not be empty').max(500).meta({ description: 'Why (kept in the audit trail).' });

// ---- path parameters (not strict: API Gateway may add its own, e.g. `proxy` on a greedy route) ----
export const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/, 'is not an id') });
export const weekParams = z.object({ week: z.string().regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, 'must be an ISO week such as 2027-W02') });
export const datasetParams = z.object({ dataset: z.enum(EXPORT_DATASETS) });

// ---- query strings ---------------------------------------------------------------------------
const cursor = z
  .string()
  .max(4096)
  .refine((c) => {
    try {
      decodeCursor(c);
      return true;
    } catch {
      return false;
    }
  }, 'is not a cursor from a previous page')
  .meta({ description: 'Opaque: the nextCursor of the previous page.' });
const limit = z.coerce.number().int().min(1).max(200).optional().meta({ description: 'Page size (default 50).' });
const pageQuery = { cursor: cursor.optional(), limit };

export const listPatientsQuery = z.strictObject({ status: z.enum(PATIENT_STATUSES).optional().meta({ description: 'With a status: one page by status; without: every patient.' }), ...pageQuery });
export const reportsQuery = z.strictObject({ status: z.enum(['open', 'reviewed']).default('open'), ...pageQuery });
export const alertsQuery = z.strictObject({ status: z.enum(['open', 'acknowledged']).default('open'), ...pageQuery });
export const digestsQuery = z.strictObject(pageQuery);
export const patientMessagesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional().meta({ description: 'The newest N messages (default 100, at most 500).' }),
});
const booleanText = z.enum(['true', 'false']).transform((v) => v === 'true');
export const exportQuery = z.strictObject({
  includeBodies: booleanText.optional().meta({ description: 'messages export only: include message bodies (coordinators only).' }),
  from: z.iso.datetime().optional().meta({ description: 'audit export: from this instant (UTC, inclusive).' }),
  to: z.iso.datetime().optional().meta({ description: 'audit export: to this instant (UTC, exclusive).' }),
});
export const auditQuery = z.strictObject({
  entity: z
    .string()
    .regex(/^[a-z]+:[A-Za-z0-9._:-]{1,200}$/, 'must be type:id, e.g. patient:7c0e…')
    .transform((value) => {
      const at = value.indexOf(':');
      return { type: value.slice(0, at), id: value.slice(at + 1) };
    }),
});

// ---- request bodies --------------------------------------------------------------------------
/**
 * A phone as people type it ("+86 138-0013-8000", "+86 (138) 0013 8000"): a valid mobile number of
 * its country (libphonenumber-js, max metadata; US/Canada FIXED_LINE_OR_MOBILE accepted), stored
 * in E.164. Anything else is a 400 naming the field: "+86 10 6915 6114 is a landline: …".
 */
const phoneInput = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const checked = checkMobileNumber(text);
    if (checked.ok) return checked.e164;
    ctx.addIssue({ code: 'custom', message: checked.message });
    return z.NEVER;
  })
  .pipe(e164Schema)
  .meta({ description: 'A mobile number with its country code, e.g. +86 138 0013 8000 (spaces, dashes and parentheses are ignored); stored in E.164. Landlines, toll-free and VoIP numbers are refused.' });

const regimen = {
  prednisoneStartMg: z.number().positive().optional(),
  mmfInductionDoseG: z.number().positive().optional(),
  mmfMaintenanceDoseG: z.number().positive().optional(),
  lefDoseMg: z.number().positive().optional(),
};

export const enrollBody = z
  .strictObject({
    studyId: studyIdSchema,
    phone: phoneInput,
    timeZone: z.optional(timeZoneSchema).meta({ description: 'IANA zone; default: the study time zone (Asia/Shanghai).' }),
    language: z.optional(languageSchema).meta({ description: 'default zh-CN' }),
    enrolledOn: localDateSchema,
    doseTimes: z.optional(doseTimesSchema).meta({ description: "default: the protocol's dose times" }),
    discreet: z.boolean().optional().meta({ description: 'No drug names in SMS (default false).' }),
    ...regimen,
  })
  .meta({
    id: 'EnrollPatient',
    description: 'Regimen parameters default to the protocol and must lie within its bounds.',
    example: {
      studyId: 'IGG4-001',
      phone: '+8613800138000',
      timeZone: 'Asia/Shanghai',
      language: 'zh-CN',
      enrolledOn: '2027-01-04',
      doseTimes: { morning: '08:00', evening: '20:00' },
      prednisoneStartMg: 40,
      discreet: false,
    },
  });

export const patchPatientBody = z
  .strictObject({
    phone: phoneInput.optional(),
    timeZone: z.optional(timeZoneSchema),
    language: z.optional(languageSchema),
    doseTimes: z.optional(doseTimesSchema),
    discreet: z.boolean().optional(),
    ...regimen,
    reason: reason.optional(),
  })
  .refine((body) => Object.keys(body).some((k) => k !== 'reason'), { message: 'nothing to change' })
  .meta({ id: 'PatchPatient' });

export const statusBody = z.strictObject({ action: z.enum(['pause', 'resume', 'withdraw']), reason }).meta({ id: 'ChangeStatus' });

export const randomizationBody = z
  .discriminatedUnion('method', [
    z.strictObject({ method: z.literal('draw'), reason: reason.optional() }).meta({ description: 'Draw the next allocation of the concealed list.' }),
    z.strictObject({ method: z.literal('external'), arm: armSchema, reason: reason.optional() }).meta({ description: 'Record an arm allocated elsewhere.' }),
  ])
  .meta({ id: 'Randomize' });

const visitKey = z.string().regex(/^[a-z0-9_]{1,64}$/, 'must be a visit key such as m6');
export const visitBody = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('appointment'), visitKey, date: localDateSchema, reason: reason.optional() }),
    z.strictObject({ kind: z.literal('unscheduled'), date: localDateSchema, reason }),
    z.strictObject({
      kind: z.literal('completed'),
      visitKey,
      date: localDateSchema,
      worksheet: z.optional(z.nullable(riWorksheetSchema)).meta({ description: 'IgG4-RD Responder Index worksheet: sites scored above 0 (0-3, urgent doubles) and the serum IgG4 item. The total is computed from it.' }),
      riTotal: z.never({ error: 'the RI total is computed from the worksheet: send `worksheet`, not a total' }).optional(),
      response: z.enum(VISIT_RESPONSES).nullable().optional(),
      relapse: z
        .strictObject({
          decision: z.boolean(),
          organs: z.array(z.string().trim().min(1).max(80)).max(20).optional(),
          reason: z.string().trim().min(1).max(1000).optional().meta({ description: 'Required when the decision differs from the computed relapse criterion (an audited overrule).' }),
        })
        .meta({ description: "The physician's decision." }),
      note: note(2000).optional(),
    }),
  ])
  .meta({ id: 'RecordVisit' });

const ctcaeItem = z.strictObject({ term: z.string().trim().min(1).max(200), grade: z.number().int().min(1).max(5).nullable() });
export const reviewBody = z
  .strictObject({
    outcome: z.enum(REVIEW_OUTCOMES),
    note: note(2000).default(''),
    confirmedItems: z.array(ctcaeItem).max(30).default([]).meta({ description: 'CTCAE terms and grades as confirmed or corrected.' }),
  })
  .meta({ id: 'ReviewReport' });

export const acknowledgeBody = z
  .strictObject({
    note: z.string().trim().min(1, 'must not be empty').max(2000),
    outcome: z.enum(ACK_OUTCOMES).optional().meta({ description: 'What was done: called / no_answer / visit_scheduled / no_action_needed.' }),
  })
  .meta({ id: 'AcknowledgeAlert' });
export const snoozeBody = z
  .strictObject({ until: z.nullable(localDateSchema).meta({ description: 'Study-local date the item returns on (after today); null brings it back now.' }) })
  .meta({ id: 'SnoozeAlert' });
export const worklistQuery = z.strictObject({ includeSnoozed: booleanText.optional() });

// ---- responses -------------------------------------------------------------------------------
export const problemSchema = z
  .object({
    status: z.number().int(),
    title: z.string(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Problem', description: 'application/problem+json; 400 lists each bad field in errors.' });

// The shared schema is zod/mini (the handlers' bundles); this classic wrapper over its very fields carries the OpenAPI metadata.
export const patientResponse = z.strictObject(patientSchema.shape).meta({ id: 'Patient' });
const interpretedItem = z.object({ term: z.string(), grade: z.number().int().nullable() });
export const reportResponse = z
  .looseObject({
    id: z.string(),
    patientId: z.string().nullable(),
    studyId: z.string().nullable(),
    receivedAt: z.string(),
    text: z.string().optional().meta({ description: 'The patient’s text (coordinators only).' }),
    interpretation: z.looseObject({ intent: z.string(), items: z.array(interpretedItem), redFlag: z.boolean(), relapseSignal: z.boolean() }),
    status: z.enum(['open', 'reviewed']),
    review: z
      .object({ outcome: z.enum(REVIEW_OUTCOMES), note: z.string(), confirmedItems: z.array(interpretedItem), reviewedBy: z.string(), reviewedAt: z.string() })
      .optional(),
  })
  .meta({ id: 'Report' });
export const alertResponse = z
  .looseObject({
    id: z.string(),
    kind: z.enum(ALERT_KINDS),
    urgent: z.boolean(),
    status: z.enum(ALERT_STATUSES),
    ackOutcome: z.enum(ACK_OUTCOMES).optional(),
    itemId: z.string().optional(),
    snoozedUntil: z.string().optional(),
    patientId: z.string().nullable(),
    studyId: z.string().nullable(),
    title: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Alert' });
export const digestResponse = z
  .looseObject({ week: z.string(), language: z.string(), subject: z.string(), text: z.string(), digest: z.record(z.string(), z.unknown()), createdAt: z.string() })
  .meta({ id: 'Digest' });
export const auditEntryResponse = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    reason: z.string().optional(),
    kind: z.enum(['write', 'read', 'anchor']).optional().meta({ description: 'write (a change), read (who viewed patient data), anchor (the daily chain anchor).' }),
    seq: z.number().int().optional().meta({ description: "Position in the entity's hash chain." }),
    prevHash: z.string().optional(),
    hash: z.string().optional().meta({ description: 'SHA-256 of the previous hash and this entry (docs/security.md).' }),
  })
  .meta({ id: 'AuditEntry' });
const relapseCriterionResponse = z
  .object({
    met: z.boolean(),
    total: z.number(),
    referenceRule: z.enum(['lowest_since_remission', 'previous_visit']),
    reference: z.object({ visitKey: z.string(), date: z.string(), total: z.number() }).nullable(),
    rise: z.number().nullable(),
    minRise: z.number(),
    newOrgans: z.array(z.string()),
    recurrentOrgans: z.array(z.string()),
    baselineOrgans: z.array(z.string()),
    text: z.object({ en: z.string(), 'zh-CN': z.string() }),
  })
  .meta({ id: 'RelapseCriterion' });
export const criterionPreviewBody = z
  .strictObject({ visitKey, date: localDateSchema, worksheet: riWorksheetSchema, response: z.enum(VISIT_RESPONSES).nullable().optional() })
  .meta({ id: 'RelapseCriterionPreview' });
export const criterionPreviewResponse = relapseCriterionResponse;
export const auditVerificationResponse = z
  .object({
    chains: z.number().int(),
    entries: z.number().int(),
    anchors: z.number().int(),
    anchoredHeads: z.number().int(),
    breaks: z.array(
      z.object({
        entity: z.string(),
        seq: z.number().int(),
        entryId: z.string().nullable(),
        problem: z.enum(['edited', 'removed', 'reordered', 'forked', 'truncated', 'misplaced']),
        detail: z.string(),
      }),
    ),
  })
  .meta({ id: 'AuditVerification' });
const visitRecordResponse = z
  .object({
    visitKey: z.string(),
    scheduled: z.boolean(),
    date: z.string(),
    riTotal: z.number().nullable(),
    worksheet: z.optional(riWorksheetSchema),
    riInstrument: z.string().optional(),
    criterion: relapseCriterionResponse.optional(),
    response: z.enum(VISIT_RESPONSES).nullable(),
    relapse: z.boolean(),
    relapseOrgans: z.array(z.string()),
    overruleReason: z.string().optional(),
    note: z.string().optional(),
    recordedBy: z.string(),
    recordedAt: z.string(),
    version: z.number(),
  })
  .meta({ id: 'VisitRecord' });
const adherence = z.looseObject({ due: z.number(), confirmed: z.number(), reportedMissed: z.number(), unanswered: z.number(), pending: z.number(), rate: z.number().nullable() });
const adherencePoint = z
  .object({
    localDate: z.string().meta({ description: 'YYYY-MM-DD in the patient’s time zone.' }),
    due: z.number().int(),
    confirmed: z.number().int(),
    reportedMissed: z.number().int(),
    unanswered: z.number().int(),
    pending: z.number().int().meta({ description: 'Window still open: left out of the rate.' }),
    rate: z.number().nullable().meta({ description: 'confirmed ÷ (due − pending); null when nothing is known.' }),
  })
  .meta({ id: 'AdherencePoint' });
export const patientDetailResponse = z
  .object({
    patient: patientResponse,
    upcomingReminders: z.array(z.looseObject({ id: z.string(), kind: z.string(), dueAt: z.string(), localDate: z.string(), localTime: z.string() })),
    adherence: z.object({ sinceEnrollment: adherence, last14Days: adherence, last28Days: adherence, last90Days: adherence }),
    adherenceSeries: z.array(adherencePoint).meta({
      description: 'One point per local day (patient time zone) of the sent dose check-ins due in the last 90 days, first to last day with a dose.',
    }),
    visits: z.array(z.object({ key: z.string(), date: z.string(), scheduled: z.boolean(), record: visitRecordResponse.nullable() })),
    openReports: z.array(reportResponse),
    openAlerts: z.array(alertResponse),
    responderIndex: z
      .looseObject({
        instrument: z.string(),
        urgentMultiplier: z.number(),
        serumIgG4: z.boolean(),
        sites: z.array(z.object({ key: z.string(), label: z.object({ en: z.string(), 'zh-CN': z.string() }), organ: z.boolean() })),
      })
      .meta({ description: "The protocol's RI instrument: the worksheet's site rows, the urgent weight and whether serum IgG4 is scored." }),
  })
  .meta({ id: 'PatientDetail' });
export const patientWriteResponse = patientResponse;
export const threadMessageResponse = z
  .object({
    id: z.string(),
    direction: z.enum(['in', 'out']),
    at: z.string().meta({ description: 'Received (in) or sent (out), ISO UTC.' }),
    body: z.string().meta({ description: 'The SMS text (coordinators only).' }),
    parts: z.number().int().optional().meta({ description: 'Billed SMS parts (out).' }),
    purpose: z.enum(['reminder', 'reply', 'conversation']).optional().meta({ description: 'Why it was sent (out).' }),
    interpretation: z.looseObject({}).optional().meta({ description: 'How the reply was read (in, once processed).' }),
  })
  .meta({ id: 'ThreadMessage', description: 'One SMS of the thread; never a phone number.' });
export const patientMessagesResponse = z.object({ items: z.array(threadMessageResponse).meta({ description: 'Newest first.' }) }).meta({ id: 'PatientMessages' });
export const statusResponse = z.object({ patient: patientResponse, cancelledReminders: z.number().int() }).meta({ id: 'StatusChanged' });
export const visitResponse = z.object({ patient: patientResponse, visitKey: z.string(), record: visitRecordResponse.nullable() }).meta({ id: 'VisitRecorded' });

export const pageOf = <T extends z.ZodType>(item: T, id: string) => z.object({ items: z.array(item), nextCursor: z.string().optional() }).meta({ id });
export const patientList = pageOf(patientResponse, 'PatientPage');
export const reportPage = pageOf(reportResponse, 'ReportPage');
export const alertPage = pageOf(alertResponse, 'AlertPage');
export const worklistResponse = z
  .object({
    items: z.array(
      z.looseObject({
        id: z.string(),
        urgent: z.boolean(),
        kind: z.enum(ALERT_KINDS),
        kinds: z.array(z.enum(ALERT_KINDS)),
        studyId: z.string().nullable(),
        patientId: z.string().nullable(),
        since: z.string(),
        latestAt: z.string(),
        events: z.array(z.looseObject({ alertId: z.string(), kind: z.enum(ALERT_KINDS), title: z.string(), at: z.string() })),
        workingDaysOpen: z.number(),
        overdue: z.boolean(),
        lastReplyAt: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'Worklist' });
export const digestPage = pageOf(digestResponse, 'DigestPage');
export const auditList = z.object({ items: z.array(auditEntryResponse) }).meta({ id: 'AuditList' });
export const exportLink = z
  .object({
    dataset: z.enum(EXPORT_DATASETS),
    filename: z.string(),
    url: z.url().meta({ description: 'Downloads the RFC 4180 CSV (header row first) without any other credential, until expiresAt. On AWS a presigned S3 GET.' }),
    expiresAt: z.iso.datetime(),
    rows: z.number().int().min(0).meta({ description: 'Data rows (the header not counted).' }),
    bytes: z.number().int().min(0),
  })
  .meta({ id: 'ExportLink' });
