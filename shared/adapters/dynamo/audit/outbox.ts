import type { AuditCarrier, PendingAudit } from '#ports/audit.ts';
import { keys } from '../keys.ts';

/** The item a carrier names (where its write and its pending audit entry live). */
export function carrierKey(carrier: AuditCarrier): { pk: string; sk: string } {
  switch (carrier.kind) {
    case 'patient':
      return keys.patient(carrier.id);
    case 'visit': {
      const [patientId, visitKey] = splitOnce(carrier.id, '/');
      return keys.visit(patientId, visitKey);
    }
    case 'report':
      return keys.report(carrier.id);
    case 'alert':
      return keys.alert(carrier.id);
    case 'digest':
      return keys.digest(carrier.id);
    case 'reminder': {
      const [patientId, rest] = splitOnce(carrier.id, '/');
      const cut = rest.lastIndexOf('/');
      return keys.reminder(patientId, rest.slice(0, cut), rest.slice(cut + 1));
    }
  }
}

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  if (at < 0) throw new Error(`malformed audit carrier id "${value}"`);
  return [value.slice(0, at), value.slice(at + 1)];
}

/**
 * For a repository's PutItem: the attributes that make the write carry its audit entry (and list
 * the record in the sparse outbox index until the entry is appended).
 */
export function pendingItemAttributes(pending: PendingAudit | undefined): Record<string, unknown> {
  if (!pending) return {};
  return { auditPending: pending, gsi4pk: keys.auditOutbox, gsi4sk: `${pending.at}#${pending.id}` };
}

/**
 * For a repository's UpdateItem: a SET clause (`, auditPending = …`) and its values, to append to
 * the update's own SET list.
 */
export function pendingUpdate(pending: PendingAudit | undefined): { set: string; values: Record<string, unknown> } {
  if (!pending) return { set: '', values: {} };
  return {
    set: ', auditPending = :auditPending, gsi4pk = :auditOutboxPk, gsi4sk = :auditOutboxSk',
    values: { ':auditPending': pending, ':auditOutboxPk': keys.auditOutbox, ':auditOutboxSk': `${pending.at}#${pending.id}` },
  };
}
