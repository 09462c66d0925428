import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isoWeekOfInstant } from '#domain/week.ts';
import type { AckOutcome, Alert, AlertKind, AlertRepository, AlertStatus, DailySummaryRecord, UnresolvedAlertRef } from '#ports/alerts.ts';
import type { PendingAudit } from '#ports/audit.ts';
import type { Page } from '#ports/patients.ts';
import { pendingItemAttributes, pendingUpdate } from './audit/outbox.ts';
import { isConditionalFailure, keys, stripKeys } from './keys.ts';
import { queryAll, queryPage } from './query.ts';

const ESCALATION_QUEUE = 'ESCALATE';
/** Sparse list (gsi1) of a patient's alerts whose episode is not resolved, per kind: the sweep re-evaluates these patients. */
const UNRESOLVED = 'ALERTS_UNRESOLVED#';

/** Sort-key prefix of a patient's alert pointers (`PATIENT#<id>` / `ALERTREF#<alert id>`). */
export const ALERT_REF_PREFIX = 'ALERTREF#';

/** The filter that keeps a patient's pointers of unresolved alerts of `kinds` (an unresolved one still carries its gsi1 key). */
export function unresolvedRefFilter(kinds: readonly AlertKind[]): { expression: string; values: Record<string, string> } {
  return {
    expression: `gsi1pk IN (${kinds.map((_, i) => `:k${i}`).join(', ')})`,
    values: Object.fromEntries(kinds.map((kind, i) => [`:k${i}`, `${UNRESOLVED}${kind}`])),
  };
}

/** Alert pointers of unresolved alerts as refs, grouped in the order of `kinds`, oldest first within a kind (listUnresolved's order). */
export function unresolvedRefsInOrder(items: readonly Record<string, unknown>[], kinds: readonly AlertKind[]): UnresolvedAlertRef[] {
  const refs = items
    .filter((i) => typeof i.gsi1pk === 'string' && String(i.sk).startsWith(ALERT_REF_PREFIX))
    .map((i) => ({ kind: String(i.kind), order: String(i.gsi1sk), ref: { alertId: String(i.alertId), patientId: String(i.patientId), episodeKey: String(i.episodeKey), createdAt: String(i.createdAt) } }));
  return kinds.flatMap((kind) =>
    refs
      .filter((r) => r.kind === kind)
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
      .map((r) => r.ref),
  );
}

export class DynamoAlertRepository implements AlertRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly studyTimeZone: string,
  ) {}

  async createIfAbsent(alert: Alert, audit?: PendingAudit): Promise<{ created: boolean; alert: Alert }> {
    if (alert.patientId) await this.putPatientRef(alert, alert.patientId);
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...this.toItem(alert), ...pendingItemAttributes(audit) }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return { created: true, alert };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const stored = await this.get(alert.id);
      if (!stored) throw error;
      return { created: false, alert: stored };
    }
  }

  async get(id: string): Promise<Alert | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key(id), ConsistentRead: true }));
    return Item ? fromItem(Item) : null;
  }

  async listByStatus(status: AlertStatus, cursor?: string, limit = 50): Promise<Page<Alert>> {
    const page = await queryPage(
      this.doc,
      { TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `ALERTS#${status}` } },
      cursor,
      limit,
    );
    return { items: page.items.map(fromItem), nextCursor: page.nextCursor };
  }

  async acknowledge(id: string, by: string, note: string, now: string, audit?: PendingAudit, outcome?: AckOutcome): Promise<Alert | null> {
    const pending = pendingUpdate(audit);
    return this.conditionalUpdate(id, {
      UpdateExpression: `SET #status = :ack, acknowledgedAt = :now, acknowledgedBy = :by, ackNote = :note, updatedAt = :now, version = version + :one, gsi1pk = :ackpk${outcome ? ', ackOutcome = :outcome' : ''}${pending.set} REMOVE escalateAt, gsi2pk, gsi2sk, snoozedUntil`,
      ConditionExpression: '#status IN (:open, :grouped)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':ack': 'acknowledged',
        ':open': 'open',
        ':grouped': 'grouped',
        ':now': now,
        ':by': by,
        ':note': note,
        ':one': 1,
        ':ackpk': 'ALERTS#acknowledged',
        ...(outcome ? { ':outcome': outcome } : {}),
        ...pending.values,
      },
    });
  }

  async group(id: string, itemId: string, now: string, audit?: PendingAudit): Promise<Alert | null> {
    const pending = pendingUpdate(audit);
    return this.conditionalUpdate(id, {
      UpdateExpression: `SET #status = :grouped, itemId = :item, updatedAt = :now, version = version + :one, gsi1pk = :pk${pending.set} REMOVE escalateAt, gsi2pk, gsi2sk`,
      ConditionExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':grouped': 'grouped', ':open': 'open', ':item': itemId, ':now': now, ':one': 1, ':pk': 'ALERTS#grouped', ...pending.values },
    });
  }

  async snooze(id: string, until: string | null, now: string, audit?: PendingAudit): Promise<Alert | null> {
    const pending = pendingUpdate(audit);
    return this.conditionalUpdate(id, {
      UpdateExpression: until
        ? `SET snoozedUntil = :until, updatedAt = :now, version = version + :one${pending.set}`
        : `SET updatedAt = :now, version = version + :one${pending.set} REMOVE snoozedUntil`,
      ConditionExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':open': 'open', ':now': now, ':one': 1, ...(until ? { ':until': until } : {}), ...pending.values },
    });
  }

  async claimDailySummary(localDate: string, now: string, leaseUntil: string): Promise<'claimed' | 'sent' | 'busy'> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: summaryKey(localDate),
          UpdateExpression: 'SET entity = :entity, localDate = :date, leaseUntil = :lease, claimedAt = :now',
          ConditionExpression: 'attribute_not_exists(sentAt) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: { ':entity': 'dailySummary', ':date': localDate, ':lease': leaseUntil, ':now': now },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: summaryKey(localDate), ConsistentRead: true }));
      return Item?.sentAt ? 'sent' : 'busy';
    }
  }

  async markDailySummarySent(localDate: string, now: string, record: DailySummaryRecord): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: summaryKey(localDate),
        UpdateExpression: 'SET sentAt = :now, summary = :record REMOVE leaseUntil',
        ConditionExpression: 'attribute_not_exists(sentAt)',
        ExpressionAttributeValues: { ':now': now, ':record': record },
      }),
    ).catch((error: unknown) => {
      if (!isConditionalFailure(error)) throw error;
    });
  }

  async revise(id: string, changes: Pick<Alert, 'title' | 'details'> & { resolvedReason?: string }, now: string): Promise<Alert | null> {
    const revised = await this.conditionalUpdate(id, {
      UpdateExpression: `SET title = :title, details = :details, updatedAt = :now, version = version + :one${changes.resolvedReason ? ', resolvedReason = :reason' : ''}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':title': changes.title,
        ':details': changes.details,
        ':now': now,
        ':one': 1,
        ...(changes.resolvedReason ? { ':reason': changes.resolvedReason } : {}),
      },
    });
    if (revised?.patientId && changes.resolvedReason) {
      // A resolved episode leaves the unresolved list (the pointer stays for the patient page).
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `PATIENT#${revised.patientId}`, sk: `ALERTREF#${id}` },
          UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ).catch((error: unknown) => {
        if (!isConditionalFailure(error)) throw error;
      });
    }
    return revised;
  }

  async markNotified(id: string, now: string, audit?: PendingAudit): Promise<void> {
    const pending = pendingUpdate(audit);
    await this.conditionalUpdate(id, {
      UpdateExpression: `SET notifiedAt = :now${pending.set}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':now': now, ...pending.values },
    });
  }

  async listDueEscalations(now: string, limit = 100): Promise<Alert[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
      ExpressionAttributeValues: { ':pk': ESCALATION_QUEUE, ':now': `${now}#~` },
    });
    return items.slice(0, limit).map(fromItem);
  }

  async markEscalated(id: string, now: string, nextEscalateAt: string | null): Promise<boolean> {
    const updated = await this.conditionalUpdate(id, {
      UpdateExpression: nextEscalateAt
        ? 'SET escalationCount = escalationCount + :one, updatedAt = :now, escalateAt = :next, gsi2sk = :nextSk, version = version + :one'
        : 'SET escalationCount = escalationCount + :one, updatedAt = :now, version = version + :one REMOVE escalateAt, gsi2pk, gsi2sk',
      ConditionExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':one': 1,
        ':now': now,
        ':open': 'open',
        ...(nextEscalateAt ? { ':next': nextEscalateAt, ':nextSk': `${nextEscalateAt}#${id}` } : {}),
      },
    });
    return updated !== null;
  }

  async listWeek(isoWeek: string): Promise<Alert[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.week(isoWeek), ':prefix': 'ALERT#' },
    });
    return items.map(fromItem);
  }

  async listForPatient(patientId: string): Promise<Alert[]> {
    const refs = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `PATIENT#${patientId}`, ':prefix': 'ALERTREF#' },
    });
    const alerts = await Promise.all(refs.map((ref) => this.get(String(ref.alertId))));
    return alerts.filter((a): a is Alert => a !== null).sort((a, b) => (a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt < b.createdAt ? -1 : 1));
  }

  async listUnresolved(kind: AlertKind, patientId?: string): Promise<UnresolvedAlertRef[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: patientId ? 'gsi1pk = :pk AND begins_with(gsi1sk, :patient)' : 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `${UNRESOLVED}${kind}`, ...(patientId ? { ':patient': `${patientId}#` } : {}) },
    });
    return items.map((i) => ({ alertId: String(i.alertId), patientId: String(i.patientId), episodeKey: String(i.episodeKey), createdAt: String(i.createdAt) }));
  }

  async listUnresolvedForPatient(patientId: string, kinds: readonly AlertKind[]): Promise<UnresolvedAlertRef[]> {
    if (kinds.length === 0) return [];
    // One Query of the patient's pointers (the unresolved ones still carry their gsi1 key) instead of one gsi1 Query per kind.
    const filter = unresolvedRefFilter(kinds);
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: filter.expression,
      ExpressionAttributeValues: { ':pk': `PATIENT#${patientId}`, ':prefix': ALERT_REF_PREFIX, ...filter.values },
      ConsistentRead: true,
    });
    return unresolvedRefsInOrder(items, kinds);
  }

  async cancelEscalation(id: string, now: string): Promise<boolean> {
    const updated = await this.conditionalUpdate(id, {
      UpdateExpression: 'SET updatedAt = :now, version = version + :one REMOVE escalateAt, gsi2pk, gsi2sk',
      ConditionExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':now': now, ':one': 1, ':open': 'open' },
    });
    return updated !== null;
  }

  private async conditionalUpdate(id: string, input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>): Promise<Alert | null> {
    try {
      const out = await this.doc.send(new UpdateCommand({ TableName: this.tableName, Key: key(id), ReturnValues: 'ALL_NEW', ...input }));
      return out.Attributes ? fromItem(out.Attributes) : null;
    } catch (error) {
      if (isConditionalFailure(error)) return null;
      throw error;
    }
  }

  /**
   * Pointer in the patient's partition (patient page), in the sparse "unresolved" list of its
   * kind until `revise` records a resolution. Written before the alert and only once: a crash
   * after it leaves a pointer to nothing (skipped on read), and a retry never re-lists an
   * alert that was resolved meanwhile.
   */
  private async putPatientRef(alert: Alert, patientId: string): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `PATIENT#${patientId}`,
            sk: `ALERTREF#${alert.id}`,
            ...(alert.resolvedReason ? {} : { gsi1pk: `${UNRESOLVED}${alert.kind}`, gsi1sk: `${patientId}#${alert.createdAt}#${alert.id}` }),
            entity: 'alertRef',
            alertId: alert.id,
            patientId,
            kind: alert.kind,
            episodeKey: alert.episodeKey,
            createdAt: alert.createdAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  private toItem(alert: Alert): Record<string, unknown> {
    return {
      ...key(alert.id),
      gsi1pk: `ALERTS#${alert.status}`,
      gsi1sk: `${alert.createdAt}#${alert.id}`,
      ...(alert.status === 'open' && alert.escalateAt ? { gsi2pk: ESCALATION_QUEUE, gsi2sk: `${alert.escalateAt}#${alert.id}` } : {}),
      gsi3pk: keys.week(isoWeekOfInstant(alert.createdAt, this.studyTimeZone)),
      gsi3sk: `ALERT#${alert.createdAt}#${alert.id}`,
      entity: 'alert',
      ...alert,
    };
  }
}

function key(id: string) {
  return { pk: `ALERT#${id}`, sk: 'ALERT' };
}

/** The daily worklist summary's marker: one item per study-local date. */
function summaryKey(localDate: string) {
  return { pk: `DAILY_SUMMARY#${localDate}`, sk: 'DAILY_SUMMARY' };
}

function fromItem(item: Record<string, unknown>): Alert {
  const { entity: _e, ...rest } = stripKeys(item);
  return rest as unknown as Alert;
}
