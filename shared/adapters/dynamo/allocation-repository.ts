import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Allocation, Arm } from '#domain/randomization.ts';
import type { AllocationListSetup, AllocationRepository, PatientRandomization } from '#ports/allocations.ts';
import { ConflictError } from '#ports/patients.ts';
import { isConditionalFailure } from './keys.ts';

const LIST_PK = 'RANDLIST';
const META = { pk: LIST_PK, sk: 'META' };
const NEXT = { pk: LIST_PK, sk: 'NEXT' };
const slotKey = (sequence: number) => ({ pk: LIST_PK, sk: `SEQ#${String(sequence).padStart(6, '0')}` });
const patientKey = (patientId: string) => ({ pk: `PATIENT#${patientId}`, sk: 'RANDOMIZATION' });
/** A patient claim with no slot after this long belongs to a crashed draw and may be taken over. */
const STALE_CLAIM_MS = 60_000;

/**
 * The concealed permuted-block list: RANDLIST/META (setup, secret seed), RANDLIST/SEQ#nnnnnn
 * (one slot each), RANDLIST/NEXT (the counter). A patient's draw: claim PATIENT#id/RANDOMIZATION
 * → take the next number from the counter (conditional increment: two draws never get the same
 * number) → record the number on the claim → bind the slot to the patient → record the arm.
 * Nothing reads a slot that has not been drawn, and no method lists slots.
 */
export class DynamoAllocationRepository implements AllocationRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async setupOnce(setup: AllocationListSetup): Promise<AllocationListSetup> {
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: { ...META, entity: 'allocationList', ...setup }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return setup;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: META, ConsistentRead: true }));
    if (!Item) throw new Error('allocation list setup vanished');
    return {
      seed: String(Item.seed),
      length: Number(Item.length),
      arms: Item.arms as [Arm, Arm],
      blockSizes: Item.blockSizes as number[],
      createdAt: String(Item.createdAt),
    };
  }

  async storeList(list: Allocation[], now: string): Promise<void> {
    for (let i = 0; i < list.length; i += 25) {
      await Promise.all(
        list.slice(i, i + 25).map(async (slot) => {
          try {
            await this.doc.send(
              new PutCommand({
                TableName: this.tableName,
                Item: { ...slotKey(slot.sequence), entity: 'allocationSlot', ...slot, createdAt: now },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
          } catch (error) {
            if (!isConditionalFailure(error)) throw error;
          }
        }),
      );
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...NEXT, entity: 'allocationCounter', nextSeq: 1, listLength: list.length },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  async isReady(): Promise<boolean> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: NEXT, ConsistentRead: true }));
    return Boolean(Item);
  }

  async drawnCount(): Promise<number> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: NEXT, ConsistentRead: true }));
    return Item ? Number(Item.nextSeq) - 1 : 0;
  }

  async getForPatient(patientId: string): Promise<PatientRandomization | null> {
    const item = await this.claimOf(patientId);
    return item?.state === 'done' ? toRecord(item) : null;
  }

  async recordExternal(patientId: string, arm: Arm, now: string): Promise<PatientRandomization> {
    const record: PatientRandomization = { patientId, method: 'external', arm, at: now };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...patientKey(patientId), entity: 'randomization', state: 'done', claimedAt: now, ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return record;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      throw new ConflictError('arm', 'the patient is already randomized');
    }
  }

  async draw(patientId: string, now: string): Promise<PatientRandomization | null> {
    let claim = await this.claimPatient(patientId, now);
    if (claim.state === 'done') {
      if (claim.method !== 'drawn') throw new ConflictError('arm', 'the patient is already randomized');
      return toRecord(claim);
    }
    if (claim.sequence === undefined) {
      const sequence = await this.takeNextNumber();
      if (sequence === null) {
        await this.doc.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: patientKey(patientId),
            ConditionExpression: 'claimedAt = :mine AND attribute_not_exists(#seq)',
            ExpressionAttributeNames: { '#seq': 'sequence' },
            ExpressionAttributeValues: { ':mine': claim.claimedAt },
          }),
        );
        return null;
      }
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: patientKey(patientId),
            UpdateExpression: 'SET #seq = :seq',
            ConditionExpression: 'claimedAt = :mine AND attribute_not_exists(#seq)',
            ExpressionAttributeNames: { '#seq': 'sequence' },
            ExpressionAttributeValues: { ':seq': sequence, ':mine': claim.claimedAt },
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        throw new ConflictError('arm', 'a randomization for this patient is in progress');
      }
      claim = { ...claim, sequence };
    }
    const sequence = claim.sequence!;
    let slot: Record<string, unknown> | undefined;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: slotKey(sequence),
          UpdateExpression: 'SET patientId = :p, drawnAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(patientId) OR patientId = :p)',
          ExpressionAttributeValues: { ':p': patientId, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      slot = out.Attributes;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      throw new Error(`allocation slot ${sequence} is missing or bound to another patient`, { cause: error });
    }
    const arm = slot?.arm as Arm;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: patientKey(patientId),
        UpdateExpression: 'SET arm = :arm, #state = :done, #at = :now',
        ConditionExpression: '#seq = :seq',
        ExpressionAttributeNames: { '#seq': 'sequence', '#state': 'state', '#at': 'at' },
        ExpressionAttributeValues: { ':arm': arm, ':done': 'done', ':now': now, ':seq': sequence },
      }),
    );
    return { patientId, method: 'drawn', arm, sequence, at: now };
  }

  /** Claims the patient for a draw, or returns the existing claim (resume / already done). */
  private async claimPatient(patientId: string, now: string): Promise<ClaimItem> {
    const fresh: ClaimItem = { patientId, method: 'drawn', state: 'drawing', claimedAt: now };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...patientKey(patientId), entity: 'randomization', ...fresh },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return fresh;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    const existing = await this.claimOf(patientId);
    if (!existing) throw new ConflictError('arm', 'a randomization for this patient is in progress');
    if (existing.state === 'done' || existing.sequence !== undefined) return existing;
    // A claim without a number: another draw is running now, or one crashed before taking a number.
    if (Date.parse(now) - Date.parse(existing.claimedAt) < STALE_CLAIM_MS) {
      throw new ConflictError('arm', 'a randomization for this patient is in progress');
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: patientKey(patientId),
          UpdateExpression: 'SET claimedAt = :now',
          ConditionExpression: 'claimedAt = :old AND attribute_not_exists(#seq)',
          ExpressionAttributeNames: { '#seq': 'sequence' },
          ExpressionAttributeValues: { ':now': now, ':old': existing.claimedAt },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      throw new ConflictError('arm', 'a randomization for this patient is in progress');
    }
    return { ...existing, claimedAt: now };
  }

  /** Conditional increment of the counter: the old value is this draw's number; null when the list is used up. */
  private async takeNextNumber(): Promise<number | null> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: NEXT,
          UpdateExpression: 'SET nextSeq = nextSeq + :one',
          ConditionExpression: 'attribute_exists(pk) AND nextSeq <= listLength',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return Number(out.Attributes?.nextSeq);
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return null;
    }
  }

  private async claimOf(patientId: string): Promise<ClaimItem | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: patientKey(patientId), ConsistentRead: true }));
    if (!Item) return null;
    return {
      patientId: String(Item.patientId),
      method: Item.method === 'external' ? 'external' : 'drawn',
      state: Item.state === 'done' ? 'done' : 'drawing',
      claimedAt: String(Item.claimedAt),
      ...(Item.sequence !== undefined ? { sequence: Number(Item.sequence) } : {}),
      ...(Item.arm ? { arm: Item.arm as Arm } : {}),
      ...(Item.at ? { at: String(Item.at) } : {}),
    };
  }
}

interface ClaimItem {
  patientId: string;
  method: 'drawn' | 'external';
  state: 'drawing' | 'done';
  claimedAt: string;
  sequence?: number;
  arm?: Arm;
  at?: string;
}

function toRecord(item: ClaimItem): PatientRandomization {
  return {
    patientId: item.patientId,
    method: item.method,
    arm: item.arm!,
    ...(item.sequence !== undefined ? { sequence: item.sequence } : {}),
    at: item.at ?? item.claimedAt,
  };
}
