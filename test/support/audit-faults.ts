import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { verifyChain, type ChainedEntry } from '#domain/audit/chain.ts';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAllocationRepository } from '#adapters/dynamo/allocation-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { AuditChainStore } from '#adapters/dynamo/audit/chain-store.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import { DynamoVisitRepository } from '#adapters/dynamo/visit-repository.ts';
import { keys } from '#adapters/dynamo/keys.ts';
import type { CoordinatorDeps } from '#app/coordinator/deps.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { AuditEntry } from '#ports/audit.ts';
import { queryAll } from '#adapters/dynamo/query.ts';

/** The error a simulated crash throws: the process dies here, nothing after it runs. */
export class Crash extends Error {
  constructor(readonly afterStep: number) {
    super(`crash after step ${afterStep}`);
    this.name = 'Crash';
  }
}

/**
 * A document client that dies after its `crashAfter`-th request has completed (0: before the
 * first). Each request is one step of a use case; crashing after step k and before step k+1 is
 * exactly a process that died between the two. `steps` counts the requests a run made.
 */
export function crashingClient(doc: DynamoDBDocumentClient, crashAfter: number | null): { doc: DynamoDBDocumentClient; readonly steps: number } {
  let steps = 0;
  const proxy = {
    async send(command: Parameters<DynamoDBDocumentClient['send']>[0]) {
      if (crashAfter !== null && steps >= crashAfter) throw new Crash(crashAfter);
      const out = await doc.send(command as never);
      steps++;
      return out;
    },
  } as unknown as DynamoDBDocumentClient;
  return {
    doc: proxy,
    get steps() {
      return steps;
    },
  };
}

export const silentPublisher: AlertPublisher = { publish: async () => {}, publishText: async () => {} };

export function coordinatorDeps(doc: DynamoDBDocumentClient, table: string, protocol: Protocol): CoordinatorDeps {
  const zone = protocol.studyTimeZone;
  return {
    patients: new DynamoPatientRepository(doc, table),
    reminders: new DynamoReminderRepository(doc, table, zone),
    reports: new DynamoReportRepository(doc, table, zone),
    alerts: new DynamoAlertRepository(doc, table, zone),
    messages: new DynamoMessageLog(doc, table, zone),
    audit: new DynamoAuditLog(doc, table),
    visits: new DynamoVisitRepository(doc, table),
    allocations: new DynamoAllocationRepository(doc, table),
    protocol,
    // Planning is not audited and never fails a write: left out so every step counted is the write's own.
    planner: { planPatient: async () => undefined },
  };
}

/** Records still carrying an audit entry (the outbox index), read from the items themselves. */
export async function pendingCarriers(doc: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const items = await queryAll(doc, {
    TableName: table,
    IndexName: 'gsi4',
    KeyConditionExpression: 'gsi4pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.auditOutbox },
  });
  return items.map((i) => `${String(i.pk)}/${String(i.sk)}`);
}

/** Every entry of a chain with the position its key gives it; asserts nothing. */
export async function storedChain(doc: DynamoDBDocumentClient, table: string, entityType: string, entityId: string): Promise<(ChainedEntry & { position: number })[]> {
  const items = await new AuditChainStore(doc, table).listStored(keys.audit(entityType, entityId));
  return items
    .filter((i) => String(i.sk).startsWith('E#'))
    .map((i) => ({ ...(i as unknown as ChainedEntry), position: Number(String(i.sk).slice(2)) }));
}

export async function chainBreak(doc: DynamoDBDocumentClient, table: string, entityType: string, entityId: string) {
  return verifyChain(`${entityType}:${entityId}`, await storedChain(doc, table, entityType, entityId));
}

/** The write entries of one record, as `action@version`, in chain order. */
export function writesOf(entries: AuditEntry[], carrier: { kind: string; id: string }): string[] {
  return entries
    .filter((e) => e.ref && e.ref.carrier.kind === carrier.kind && e.ref.carrier.id === carrier.id)
    .map((e) => `${e.action}@${e.ref?.version}`);
}
