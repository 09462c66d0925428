import { afterAll, beforeAll } from 'vitest';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAllocationRepository } from '#adapters/dynamo/allocation-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamo/conversation-repository.ts';
import { DynamoDigestRepository } from '#adapters/dynamo/digest-repository.ts';
import { ensureTable, startLocalDynamo, type LocalDynamo } from '#adapters/dynamo/local-dynamo.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import { DynamoVisitRepository } from '#adapters/dynamo/visit-repository.ts';
import { memoryRepositories } from '#adapters/memory/index.ts';
import type { AlertRepository } from '#ports/alerts.ts';
import type { AllocationRepository } from '#ports/allocations.ts';
import type { AuditTrail } from '#ports/audit.ts';
import type { ConversationRepository } from '#ports/conversations.ts';
import type { DigestRepository } from '#ports/digests.ts';
import type { MessageLog } from '#ports/messages.ts';
import type { PatientRepository } from '#ports/patients.ts';
import type { ReportRepository } from '#ports/reports.ts';
import type { ReminderRepository } from '#ports/schedule.ts';
import type { VisitRepository } from '#ports/visits.ts';

/** Every repository port, as the contract cases see them: nothing adapter-specific. */
export interface Repositories {
  patients: PatientRepository;
  reminders: ReminderRepository;
  reports: ReportRepository;
  alerts: AlertRepository;
  messages: MessageLog;
  audit: AuditTrail;
  visits: VisitRepository;
  allocations: AllocationRepository;
  conversations: ConversationRepository;
  digests: DigestRepository;
}

export interface Store {
  name: string;
  /** A fresh, empty store for one case. */
  fresh(): Promise<Repositories>;
}

export const ZONE = 'Asia/Shanghai';

/** The DynamoDB adapters against dynalite (one server per test file, a fresh table per case). */
export function dynaliteStore(): Store {
  let db: LocalDynamo | undefined;
  let counter = 0;
  beforeAll(async () => {
    db = await startLocalDynamo();
  });
  afterAll(async () => {
    await db?.close();
  });
  return {
    name: 'DynamoDB adapters on dynalite',
    async fresh() {
      if (!db) throw new Error('dynalite not started');
      const table = `contract-${++counter}-${process.pid}`;
      await ensureTable(db.client, table);
      return {
        patients: new DynamoPatientRepository(db.doc, table),
        reminders: new DynamoReminderRepository(db.doc, table, ZONE),
        reports: new DynamoReportRepository(db.doc, table, ZONE),
        alerts: new DynamoAlertRepository(db.doc, table, ZONE),
        messages: new DynamoMessageLog(db.doc, table, ZONE),
        audit: new DynamoAuditLog(db.doc, table),
        visits: new DynamoVisitRepository(db.doc, table),
        allocations: new DynamoAllocationRepository(db.doc, table),
        conversations: new DynamoConversationRepository(db.doc, table),
        digests: new DynamoDigestRepository(db.doc, table),
      };
    },
  };
}

/** The in-memory repositories (shared/adapters/memory). */
export function memoryStore(): Store {
  return { name: 'in-memory repositories', fresh: async () => memoryRepositories(ZONE) };
}
