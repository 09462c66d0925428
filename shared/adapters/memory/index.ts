import { MemoryAlertRepository } from './alert-repository.ts';
import { MemoryAllocationRepository } from './allocation-repository.ts';
import { MemoryAuditCarriers, MemoryAuditLog } from './audit-log.ts';
import { MemoryConversationRepository } from './conversation-repository.ts';
import { MemoryDigestRepository } from './digest-repository.ts';
import { MemoryMessageLog } from './message-log.ts';
import { MemoryPatientRepository } from './patient-repository.ts';
import { MemoryReminderRepository } from './reminder-repository.ts';
import { MemoryReportRepository } from './report-repository.ts';
import { MemoryVisitRepository } from './visit-repository.ts';

/**
 * Every repository port in memory: the simulation's fast store (`npm run simulate`, default).
 * test/contract/ runs one suite against these and the DynamoDB adapters on dynalite, so the two
 * cannot drift. Never used on AWS.
 */
export function memoryRepositories(studyTimeZone: string) {
  const carriers = new MemoryAuditCarriers();
  const alerts = new MemoryAlertRepository(studyTimeZone, carriers);
  return {
    patients: new MemoryPatientRepository(carriers),
    reminders: new MemoryReminderRepository(studyTimeZone),
    reports: new MemoryReportRepository(studyTimeZone, carriers),
    alerts,
    messages: new MemoryMessageLog(studyTimeZone),
    audit: new MemoryAuditLog(carriers),
    visits: new MemoryVisitRepository(carriers),
    allocations: new MemoryAllocationRepository(),
    conversations: new MemoryConversationRepository(alerts),
    digests: new MemoryDigestRepository(),
  };
}

export type MemoryRepositories = ReturnType<typeof memoryRepositories>;
