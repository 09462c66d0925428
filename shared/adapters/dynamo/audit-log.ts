/** The audit trail adapter lives in ./audit/ (chain store, outbox, log); this path stays for its many importers. */
export { DynamoAuditLog } from './audit/audit-log.ts';
