import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { patientSchema, PATIENT_STATUSES, type Patient, type PatientStatus } from '#domain/patient.ts';
import { addDays } from '#domain/schedule.ts';
import { ConflictError, StaleWriteError, type DailySmsReservation, type Page, type PatientRepository } from '#ports/patients.ts';
import type { PendingAudit } from '#ports/audit.ts';
import { pendingItemAttributes } from './audit/outbox.ts';
import { decodeCursor, encodeCursor, isConditionalFailure, keys, stripKeys } from './keys.ts';

const ORPHAN_CLAIM_MS = 5 * 60_000;

/**
 * The daily cap lives on the patient item: `smsDay#<localDate>` counts the reminder SMS taken that
 * day (one attribute per day, so one UpdateItem can start a day or add to it with if_not_exists;
 * each reservation removes the week before it), and `smsSeq` changes with every reservation, so a
 * profile update that read the item before a reservation cannot write back a stale count.
 */
const SMS_DAY_PREFIX = 'smsDay#';
const SMS_SEQ = 'smsSeq';
const SMS_DAYS_PRUNED = 7;

function smsCounterAttributes(item: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item ?? {}).filter(([name]) => name.startsWith(SMS_DAY_PREFIX) || name === SMS_SEQ));
}

export class DynamoPatientRepository implements PatientRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(patient: Patient, audit?: PendingAudit): Promise<void> {
    await this.claim(keys.phoneClaim(patient.phone), patient.id, patient.createdAt, 'phone', 'a patient with this phone number is already enrolled');
    try {
      await this.claim(keys.studyIdClaim(patient.studyId), patient.id, patient.createdAt, 'studyId', `study ID ${patient.studyId} is already enrolled`);
    } catch (error) {
      await this.unclaim(keys.phoneClaim(patient.phone), patient.id);
      throw error;
    }
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...this.toItem(patient), ...pendingItemAttributes(audit) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<Patient | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.patient(id), ConsistentRead: true }));
    return Item ? this.fromItem(Item) : null;
  }

  async findByPhone(phone: string): Promise<Patient | null> {
    return this.followClaim(keys.phoneClaim(phone), (p) => p.phone === phone);
  }

  async findByStudyId(studyId: string): Promise<Patient | null> {
    return this.followClaim(keys.studyIdClaim(studyId), (p) => p.studyId.toUpperCase() === studyId.toUpperCase());
  }

  async listByStatus(status: PatientStatus, cursor?: string, limit = 100): Promise<Page<Patient>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.patientsByStatus(status) },
        ExclusiveStartKey: decodeCursor(cursor),
        Limit: limit,
      }),
    );
    return { items: (out.Items ?? []).map((i) => this.fromItem(i)), nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }

  async listAll(): Promise<Patient[]> {
    const all: Patient[] = [];
    for (const status of PATIENT_STATUSES) {
      let cursor: string | undefined;
      do {
        const page = await this.listByStatus(status, cursor, 500);
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
    }
    return all.sort((a, b) => a.studyId.localeCompare(b.studyId));
  }

  async update(next: Patient, expectedVersion: number, audit?: PendingAudit): Promise<Patient> {
    const { Item: raw } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.patient(next.id), ConsistentRead: true }));
    const current = raw ? this.fromItem(raw) : null;
    if (!current || current.version !== expectedVersion) throw new StaleWriteError(`patient ${next.id} changed meanwhile`);
    // A write that carries no audit entry of its own keeps the one a crashed write left (the outbox must not lose it).
    const carried = audit ?? (raw?.auditPending as PendingAudit | undefined);
    const phoneChanged = current.phone !== next.phone;
    if (phoneChanged) await this.claim(keys.phoneClaim(next.phone), next.id, next.updatedAt, 'phone', 'a patient with this phone number is already enrolled');
    const stored: Patient = { ...next, version: expectedVersion + 1 };
    // The whole item is replaced: the daily SMS counts are carried over, on condition that no reservation came in between.
    const counters = smsCounterAttributes(raw);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.toItem(stored), ...pendingItemAttributes(carried), ...counters },
          ConditionExpression: counters[SMS_SEQ] === undefined ? 'version = :v AND attribute_not_exists(#seq)' : 'version = :v AND #seq = :seq',
          ExpressionAttributeNames: { '#seq': SMS_SEQ },
          ExpressionAttributeValues: { ':v': expectedVersion, ...(counters[SMS_SEQ] === undefined ? {} : { ':seq': counters[SMS_SEQ] }) },
        }),
      );
    } catch (error) {
      if (phoneChanged) await this.unclaim(keys.phoneClaim(next.phone), next.id);
      if (isConditionalFailure(error)) throw new StaleWriteError(`patient ${next.id} changed meanwhile`);
      throw error;
    }
    if (phoneChanged) await this.unclaim(keys.phoneClaim(current.phone), next.id);
    return stored;
  }

  async reserveDailySms(patientId: string, localDate: string, cap: number): Promise<DailySmsReservation> {
    const pruned = Array.from({ length: SMS_DAYS_PRUNED }, (_, i) => `${SMS_DAY_PREFIX}${addDays(localDate, -(i + 1))}`);
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.patient(patientId),
          UpdateExpression: `SET #day = if_not_exists(#day, :zero) + :one ADD #seq :one REMOVE ${pruned.map((_, i) => `#old${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#day) OR #day < :cap)',
          ExpressionAttributeNames: { '#day': `${SMS_DAY_PREFIX}${localDate}`, '#seq': SMS_SEQ, ...Object.fromEntries(pruned.map((name, i) => [`#old${i}`, name])) },
          ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':cap': cap },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { patient: this.fromItem(Attributes!), granted: true, count: Number(Attributes![`${SMS_DAY_PREFIX}${localDate}`]) };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    // No patient, or the day's slots are taken: one read tells which (rare: the cap is a safety net).
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.patient(patientId), ConsistentRead: true }));
    if (!Item) return { patient: null, granted: false, count: 0 };
    return { patient: this.fromItem(Item), granted: false, count: Number(Item[`${SMS_DAY_PREFIX}${localDate}`] ?? 0) };
  }

  async releaseDailySms(patientId: string, localDate: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.patient(patientId),
          UpdateExpression: 'SET #day = #day - :one ADD #seq :one',
          ConditionExpression: 'attribute_exists(pk) AND #day > :zero',
          ExpressionAttributeNames: { '#day': `${SMS_DAY_PREFIX}${localDate}`, '#seq': SMS_SEQ },
          ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  /**
   * Unique claim by conditional put. A claim left by a crashed enrollment (no patient behind it
   * after ORPHAN_CLAIM_MS) is taken over; a younger one belongs to an enrollment still in flight.
   */
  private async claim(key: { pk: string; sk: string }, patientId: string, now: string, field: string, message: string): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: { ...key, patientId, claimedAt: now }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    const owner = Item?.patientId as string | undefined;
    if (owner === patientId) return;
    const claimedAt = Date.parse(String(Item?.claimedAt ?? ''));
    const orphanAge = Date.parse(now) - (Number.isNaN(claimedAt) ? 0 : claimedAt);
    if (owner && orphanAge > ORPHAN_CLAIM_MS && !(await this.get(owner))) {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, patientId, claimedAt: now },
            ConditionExpression: 'patientId = :old',
            ExpressionAttributeValues: { ':old': owner },
          }),
        );
        return;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
    throw new ConflictError(field, message);
  }

  private async unclaim(key: { pk: string; sk: string }, patientId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({ TableName: this.tableName, Key: key, ConditionExpression: 'patientId = :id', ExpressionAttributeValues: { ':id': patientId } }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  private async followClaim(key: { pk: string; sk: string }, matches: (p: Patient) => boolean): Promise<Patient | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key }));
    if (!Item?.patientId) return null;
    const patient = await this.get(String(Item.patientId));
    return patient && matches(patient) ? patient : null;
  }

  private toItem(patient: Patient): Record<string, unknown> {
    return {
      ...keys.patient(patient.id),
      gsi1pk: keys.patientsByStatus(patient.status),
      gsi1sk: patient.studyId,
      entity: 'patient',
      ...patient,
    };
  }

  private fromItem(item: Record<string, unknown>): Patient {
    const { entity: _e, ...rest } = stripKeys(item);
    for (const name of Object.keys(smsCounterAttributes(rest))) delete (rest as Record<string, unknown>)[name];
    return patientSchema.parse(rest);
  }
}
