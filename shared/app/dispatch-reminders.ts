import { canReceiveSms, isInQuietHours, type Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import { utcToLocal } from '#domain/schedule.ts';
import { countSmsParts, withSignature } from '#domain/sms-parts.ts';
import { renderReminderMessage, TemplateError, type RenderedSms } from '#domain/templates.ts';
import type { AlertKind } from '#ports/alerts.ts';
import type { Clock } from '#ports/clock.ts';
import type { MessageLog } from '#ports/messages.ts';
import type { PatientRepository } from '#ports/patients.ts';
import type { ReminderRepository, StoredReminder } from '#ports/schedule.ts';
import { SmsSendError, type SmsSender } from '#ports/sms.ts';
import { raiseAlert, type RaiseAlertDeps } from './alerts.ts';
import { forEachLimited } from './plan-schedule.ts';

export interface DispatchDeps {
  reminders: ReminderRepository;
  patients: Pick<PatientRepository, 'get' | 'reserveDailySms' | 'releaseDailySms'>;
  messages: Pick<MessageLog, 'recordOutbound' | 'getOutbound'>;
  sms: SmsSender;
  protocol: Protocol;
  alerting: RaiseAlertDeps;
  clock: Clock;
}

export interface DispatchOptions {
  /** Lease owner: unique per run (the Lambda request id). */
  owner: string;
  /** Must be ≥ the function timeout, so a live dispatcher never outlives its lease. */
  leaseSeconds: number;
  /** Catch-up bound: an item more than this late is expired even inside its validity. */
  catchUpMinutes: number;
  /** China signature (【…】), prepended before counting parts. */
  signature?: string;
  /** A lower reminder cap per patient and local day than the protocol's (the mainland provider's per-number limit less the replies' share). */
  dailyCap?: number;
  /** Patients processed in parallel (items of one patient always one after another). Default 8. */
  concurrency?: number;
  /** Time left in this invocation (Lambda `context.getRemainingTimeInMillis`). */
  remainingMs?: () => number;
  /** No new claim when less than this is left: room for one send's retries and the writes after it. Default 10 s. */
  reserveMs?: number;
  /** Queue entries read per round. Default 5000. */
  batchSize?: number;
  /** Told about each per-item error (the item is left for the next run); log the study ID, never the item. */
  onItemError?: (studyId: string, error: unknown) => void;
}

export interface DispatchResult {
  /** Queue entries looked at. */
  due: number;
  sent: number;
  /** SMS parts of what was sent (the cost). */
  parts: number;
  expired: number;
  cancelled: number;
  dailyCap: number;
  optedOut: number;
  failed: number;
  /** Sent but the `sent` write failed: left `sending`, recovered from the outbound log later. */
  unconfirmed: number;
  /** Transient send failures put back to `due`. */
  released: number;
  /** Inside the patient's quiet hours now: left due (they expire if quiet hours outlast them). */
  deferred: number;
  /** Held by another dispatcher's live lease, or claimed by another first. */
  skipped: number;
  /** `sending` with an expired lease and no outbound record: failed, alerted, never re-sent. */
  deliveryUnknown: number;
  /** `sending` with an expired lease whose outbound record shows it was sent: completed as sent. */
  recovered: number;
  /** Per-item errors (DynamoDB, alert store): the item is left for the next run. */
  errors: number;
  /** Stopped claiming because the time budget ran low. */
  stoppedEarly: boolean;
  /** Largest delay between a reminder's due time and its send in this run, in seconds (the lag alarm's metric). */
  maxLagSeconds: number;
}

const ACTOR = 'system:dispatch-reminders';

async function retryIdempotent(write: () => Promise<void>, attempts = 4): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}

export type SendWindowVerdict =
  | { action: 'send' }
  | { action: 'wait' }
  | { action: 'defer'; reason: 'quiet_hours' }
  | { action: 'expire'; reason: 'validity_passed' | 'catch_up_window_passed' };

/**
 * Whether a due item may be sent now: not before its time; never after its validity or more
 * than `catchUpMinutes` late (a dispatcher that was down sends what is recent, not a burst of
 * stale reminders); never inside the quiet hours of the item's time zone (it waits, and expires
 * if quiet hours outlast its validity).
 */
export function sendWindowVerdict(
  item: Pick<StoredReminder, 'dueAt' | 'expiresAt' | 'timeZone'>,
  now: string,
  rules: { catchUpMinutes: number; quietHours: { start: string; end: string } },
): SendWindowVerdict {
  const at = Date.parse(now);
  if (at < Date.parse(item.dueAt)) return { action: 'wait' };
  if (at > Date.parse(item.expiresAt)) return { action: 'expire', reason: 'validity_passed' };
  if (at > Date.parse(item.dueAt) + rules.catchUpMinutes * 60_000) return { action: 'expire', reason: 'catch_up_window_passed' };
  if (isInQuietHours(utcToLocal(now, item.timeZone).localTime, rules.quietHours)) return { action: 'defer', reason: 'quiet_hours' };
  return { action: 'send' };
}

/** The outbound message of a reminder has a deterministic id: the crash-recovery path looks it up. */
export function outboundIdFor(reminderId: string): string {
  return `reminder:${reminderId}`;
}

function emptyResult(): DispatchResult {
  return { due: 0, sent: 0, parts: 0, expired: 0, cancelled: 0, dailyCap: 0, optedOut: 0, failed: 0, unconfirmed: 0, released: 0, deferred: 0, skipped: 0, deliveryUnknown: 0, recovered: 0, errors: 0, stoppedEarly: false, maxLagSeconds: 0 };
}

/**
 * The dispatcher: sends what is due now, exactly once each.
 * Steps per run: read the due queue up to now (every shard) → group by patient → per patient,
 * oldest first: expired lease → recover (sent per the outbound log) or fail + alert, never
 * re-send; past validity or catch-up bound → expired; patient may not get SMS → cancelled; quiet
 * hours → left due; read the patient and take one of its SMS of the local day in one request
 * (the daily cap, kept on the patient item; cap reached → cancelled); provider opt-out (checked
 * before the first send of the patient's local day) → cancelled + alert; render; claim (due →
 * sending + lease); send; record the outbound message (deterministic id, findable by provider id);
 * mark sent — 4 requests per reminder sent. A slot of an SMS not sent is given back. See docs/reminders.md.
 */
export async function dispatchReminders(deps: DispatchDeps, options: DispatchOptions): Promise<DispatchResult> {
  const result = emptyResult();
  const batchSize = options.batchSize ?? 5000;
  const seen = new Set<string>();
  for (let round = 0; round < 50 && !result.stoppedEarly; round++) {
    const listed = await deps.reminders.listDue(deps.clock.now(), batchSize);
    const fresh = listed.filter((item) => !seen.has(item.id));
    if (fresh.length === 0) break;
    for (const item of fresh) seen.add(item.id);
    result.due += fresh.length;
    const byPatient = new Map<string, StoredReminder[]>();
    for (const item of fresh) {
      const items = byPatient.get(item.patientId);
      if (items) items.push(item);
      else byPatient.set(item.patientId, [item]);
    }
    await forEachLimited([...byPatient.values()], options.concurrency ?? 8, (items) => new PatientRun(deps, options, result, items).run());
    if (listed.length < batchSize) break;
  }
  return result;
}

/** One patient's due items in one run, one after another (so the cap and the opt-out check hold). */
class PatientRun {
  private patient: Patient | null | undefined;
  private optOutChecked = false;
  private providerOptedOut = false;

  constructor(
    private readonly deps: DispatchDeps,
    private readonly options: DispatchOptions,
    private readonly result: DispatchResult,
    private readonly items: StoredReminder[],
  ) {}

  async run(): Promise<void> {
    for (const item of this.items) {
      if (this.result.stoppedEarly) return;
      try {
        await this.handle(item);
      } catch (error) {
        this.result.errors++;
        this.options.onItemError?.(item.studyId, error);
      }
    }
  }

  private async handle(item: StoredReminder): Promise<void> {
    const { deps, options, result } = this;
    const now = deps.clock.now();

    if (item.state === 'sending') {
      if (item.leaseUntil && Date.parse(item.leaseUntil) > Date.parse(now)) {
        result.skipped++;
        return;
      }
      await this.recoverExpiredLease(item, now);
      return;
    }

    const verdict = sendWindowVerdict(item, now, { catchUpMinutes: options.catchUpMinutes, quietHours: deps.protocol.quietHours });
    if (verdict.action === 'expire') return this.finish(item, 'expired', verdict.reason, now, 'expired');
    if (verdict.action === 'wait') return;

    if (verdict.action === 'defer') {
      // Nothing is sent now: no slot of the day is taken, the patient is only read (once per run).
      const patient = await this.loadPatient();
      if (!patient) return this.finish(item, 'cancelled', 'patient_not_found', now, 'cancelled');
      if (!canReceiveSms(patient)) return this.finish(item, 'cancelled', patient.status !== 'active' ? `patient_${patient.status}` : 'sms_opt_out', now, 'cancelled');
      result.deferred++;
      return;
    }

    // Reading the patient and taking one of its SMS of the day (the daily cap) is one request; every
    // way out below that sends nothing gives the slot back.
    const slot = await this.reserveSlot(item, now);
    if (!slot) return this.finish(item, 'cancelled', 'patient_not_found', now, 'cancelled');
    const { patient, localDate } = slot;
    const unsent = () => (slot.granted ? this.releaseSlot(patient.id, localDate) : Promise.resolve());
    if (!canReceiveSms(patient)) {
      await unsent();
      return this.finish(item, 'cancelled', patient.status !== 'active' ? `patient_${patient.status}` : 'sms_opt_out', now, 'cancelled');
    }
    if (!slot.granted) return this.finish(item, 'cancelled', 'daily_cap', now, 'dailyCap');
    if (slot.count === 1 && (await this.optedOutAtProvider(patient, now))) {
      await unsent();
      return this.finish(item, 'cancelled', 'provider_opted_out', now, 'optedOut');
    }

    let body: string;
    let rendered: RenderedSms;
    try {
      rendered = renderReminderMessage(item, patient, deps.protocol);
      body = withSignature(rendered.text, options.signature);
    } catch (error) {
      await unsent();
      if (!(error instanceof TemplateError)) throw error;
      // A protocol template problem: report it once per patient and day instead of retrying every minute.
      await this.alert(item, 'sms_failure', 'template_error', now, patient);
      return this.finish(item, 'failed', 'template_error', now, 'failed');
    }
    const parts = countSmsParts(body).parts;

    if ((options.remainingMs?.() ?? Infinity) < (options.reserveMs ?? 10_000)) {
      await unsent();
      result.stoppedEarly = true;
      return;
    }
    let claimed: boolean;
    try {
      claimed = await this.claim(item, now);
    } catch (error) {
      await unsent();
      throw error;
    }
    if (!claimed) {
      await unsent();
      result.skipped++;
      return;
    }

    let messageId: string;
    try {
      ({ messageId } = await deps.sms.send({ to: patient.phone, body, template: rendered.template }));
    } catch (error) {
      // Not sent (a transient or a permanent refusal): the slot is given back; "delivery unknown" may have been sent, so it keeps it.
      if (error instanceof SmsSendError && error.reason !== 'delivery_unknown') await unsent();
      await this.sendFailed(item, patient, error);
      return;
    }

    // Order matters: the outbound record (deterministic id) first, then `sent`. A crash between
    // the two leaves the item `sending`; the lease-expiry path finds the record and completes it.
    const sentAt = deps.clock.now();
    try {
      const record = () =>
        deps.messages.recordOutbound({
          id: outboundIdFor(item.id),
          providerMessageId: messageId,
          to: patient.phone,
          body,
          parts,
          sentAt,
          patientId: patient.id,
          studyId: patient.studyId,
          purpose: 'reminder',
          reminderId: item.id,
          reminderDueAt: item.dueAt,
        });
      // The record proves the send: a throttled or lost write is retried (it is idempotent) so a
      // DynamoDB hiccup does not turn a delivered reminder into "delivery unknown".
      await retryIdempotent(record);
      await deps.reminders.markSent(item, options.owner, { messageId, parts, sentAt });
    } catch {
      // The SMS went out: never release it. It stays `sending` until its lease expires.
      result.unconfirmed++;
    }
    result.sent++;
    result.parts += parts;
    result.maxLagSeconds = Math.max(result.maxLagSeconds, Math.max(0, Math.round((Date.parse(sentAt) - Date.parse(item.dueAt)) / 1000)));
  }

  /**
   * due → sending under our lease. A claim whose answer was lost (timeout after the write) may
   * have been applied: read the item back, and if we hold its lease, go on — nothing was sent
   * yet, so sending now is the first send. Left alone, it would sit leased until the lease
   * expired and then be written off as "delivery unknown" without ever having been sent.
   */
  private async claim(item: StoredReminder, now: string): Promise<boolean> {
    const { deps, options } = this;
    try {
      return await deps.reminders.claim(item, options.owner, now, options.leaseSeconds);
    } catch (error) {
      const reads: (StoredReminder | null)[] = [];
      try {
        await retryIdempotent(async () => void reads.push(await deps.reminders.get(item.patientId, item.id, item.dueAt))); // consistent read
      } catch {
        throw error;
      }
      const current = reads.at(-1);
      if (current?.state === 'sending' && current.leaseOwner === options.owner) return true;
      if (current?.state === 'due') throw error; // not applied: the next run claims it
      return false; // someone else's, or already settled
    }
  }

  /** A claimed item whose lease passed: its dispatcher died. Sent (outbound record exists) or unknown — never sent again. */
  private async recoverExpiredLease(item: StoredReminder, now: string): Promise<void> {
    const logged = await this.deps.messages.getOutbound(outboundIdFor(item.id));
    if (logged && item.leaseOwner) {
      await this.deps.reminders.markSent(item, item.leaseOwner, { messageId: logged.providerMessageId, parts: logged.parts, sentAt: logged.sentAt });
      this.result.recovered++;
      return;
    }
    // Alert before finishing: if the alert cannot be stored, the item stays as it is and the next run tries again.
    await this.alert(item, 'delivery_unknown', 'lease_expired_delivery_unknown', now);
    if (await this.deps.reminders.finish(item, 'failed', 'lease_expired_delivery_unknown', now)) this.result.deliveryUnknown++;
  }

  private async sendFailed(item: StoredReminder, patient: Patient, error: unknown): Promise<void> {
    const { deps, options, result } = this;
    const now = deps.clock.now();
    if (error instanceof SmsSendError && error.kind === 'transient') {
      // Not sent: hand it back for the next run. Idempotent (conditional on our lease), so a
      // throttled or lost write is retried rather than left to expire as "delivery unknown".
      await retryIdempotent(() => deps.reminders.release(item, options.owner, now));
      result.released++;
      return;
    }
    // Permanent, or an error we cannot read: was it sent? Only 'delivery_unknown' says "maybe".
    const reason = error instanceof SmsSendError ? error.reason : 'delivery_unknown';
    const kind: AlertKind = reason === 'delivery_unknown' ? 'delivery_unknown' : 'sms_failure';
    await this.alert(item, kind, reason, now, patient);
    await deps.reminders.finish(item, 'failed', reason, now, options.owner);
    if (reason === 'delivery_unknown') result.deliveryUnknown++;
    else result.failed++;
  }

  private async finish(item: StoredReminder, state: 'expired' | 'cancelled' | 'failed', reason: string, now: string, counter: 'expired' | 'cancelled' | 'dailyCap' | 'optedOut' | 'failed'): Promise<void> {
    if (await this.deps.reminders.finish(item, state, reason, now)) this.result[counter]++;
    else this.result.skipped++;
  }

  private async loadPatient(): Promise<Patient | null> {
    if (this.patient === undefined) this.patient = await this.deps.patients.get(this.items[0]!.patientId);
    return this.patient;
  }

  /**
   * One of the patient's reminder SMS of its local day, taken atomically on the patient item
   * (PatientRepository.reserveDailySms), which also reads the patient. The day is the item's time
   * zone's; should the patient's zone say another day, the slot moves to that day.
   */
  private async reserveSlot(item: StoredReminder, now: string): Promise<{ patient: Patient; granted: boolean; count: number; localDate: string } | null> {
    const cap = Math.min(this.deps.protocol.reminders.dailyCapPerPatient, this.options.dailyCap ?? Infinity);
    let localDate = utcToLocal(now, item.timeZone).localDate;
    let taken = await this.deps.patients.reserveDailySms(item.patientId, localDate, cap);
    if (!taken.patient) return null;
    const patientDate = utcToLocal(now, taken.patient.timeZone).localDate;
    if (patientDate !== localDate) {
      if (taken.granted) await this.releaseSlot(item.patientId, localDate);
      localDate = patientDate;
      taken = await this.deps.patients.reserveDailySms(item.patientId, localDate, cap);
      if (!taken.patient) return null;
    }
    this.patient = taken.patient;
    return { patient: taken.patient, granted: taken.granted, count: taken.count, localDate };
  }

  /** A slot of an SMS that was not sent goes back. A failed release only leaves the day counted one too high: fewer SMS, never more. */
  private async releaseSlot(patientId: string, localDate: string): Promise<void> {
    try {
      await this.deps.patients.releaseDailySms(patientId, localDate);
    } catch {
      // over-counted by one for the rest of the day (the safe side of a cap)
    }
  }

  /**
   * The provider's opt-out list, checked once per patient per run and only before the patient's
   * first SMS of the local day: a STOP we never received (keyword handled by the carrier or
   * SNS) stops the day's reminders and tells the coordinators. A failed check does not block.
   */
  private async optedOutAtProvider(patient: Patient, now: string): Promise<boolean> {
    if (!this.optOutChecked) {
      this.optOutChecked = true;
      try {
        this.providerOptedOut = await this.deps.sms.isOptedOut(patient.phone);
      } catch {
        this.providerOptedOut = false;
      }
      if (this.providerOptedOut) {
        await raiseAlert(this.deps.alerting, {
          kind: 'opt_out',
          urgent: false,
          episodeKey: `provider_opt_out:${patient.id}:${utcToLocal(now, patient.timeZone).localDate}`,
          patientId: patient.id,
          studyId: patient.studyId,
          title: `${patient.studyId}: phone number is on the SMS provider's opt-out list; reminders stopped`,
          details: { reason: 'provider_opted_out' },
          now,
          actor: ACTOR,
        });
      }
    }
    return this.providerOptedOut;
  }

  private async alert(item: StoredReminder, kind: AlertKind, reason: string, now: string, patient?: Patient): Promise<void> {
    const studyId = patient?.studyId ?? item.studyId;
    await raiseAlert(this.deps.alerting, {
      kind,
      urgent: false,
      // One alert per reminder for an unknown delivery; one per patient and day for send failures (a wrong number fails every reminder).
      episodeKey: kind === 'delivery_unknown' ? `delivery_unknown:${item.id}` : `sms_failure:${item.patientId}:${item.localDate}`,
      patientId: item.patientId,
      studyId,
      title: kind === 'delivery_unknown' ? `${studyId}: a ${item.kind} reminder may or may not have been delivered` : `${studyId}: SMS could not be sent (${reason})`,
      details: { reminderId: item.id, kind: item.kind, dueAt: item.dueAt, reason },
      sourceId: item.id,
      now,
      actor: ACTOR,
    });
  }
}
