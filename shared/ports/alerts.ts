import type { PendingAudit } from './audit.ts';
import type { Page } from './patients.ts';

import type { AlertKind } from '#domain/alert-kinds.ts';

export { ALERT_KINDS, type AlertKind } from '#domain/alert-kinds.ts';
export type AlertStatus = 'open' | 'acknowledged';

/**
 * A coordinator alert. `title` and `details` never carry phone numbers or message bodies: study
 * IDs, drugs, dates, counts and ids to open in the console only.
 */
export interface Alert {
  id: string;
  kind: AlertKind;
  urgent: boolean;
  status: AlertStatus;
  patientId: string | null;
  studyId: string | null;
  title: string;
  details: Record<string, unknown>;
  /** Deterministic key of the episode/event that raised it: one alert per episode. */
  episodeKey: string;
  sourceId?: string;
  createdAt: string;
  updatedAt: string;
  /** When an unacknowledged alert is next re-sent to the escalation topic. */
  escalateAt?: string;
  escalationCount: number;
  notifiedAt?: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  ackNote?: string;
  resolvedReason?: string;
  version: number;
}

export interface UnresolvedAlertRef {
  alertId: string;
  patientId: string;
  episodeKey: string;
  createdAt: string;
}

export interface AlertRepository {
  /** Conditional put on the alert id (derived from episodeKey): a second raise of the same episode returns the stored one. */
  createIfAbsent(alert: Alert, audit?: PendingAudit): Promise<{ created: boolean; alert: Alert }>;
  get(id: string): Promise<Alert | null>;
  /** Oldest first, paginated, through the status index. */
  listByStatus(status: AlertStatus, cursor?: string, limit?: number): Promise<Page<Alert>>;
  /** open → acknowledged, once; null when it was not open. */
  acknowledge(id: string, by: string, note: string, now: string, audit?: PendingAudit): Promise<Alert | null>;
  /** Revises details/title of an open alert (e.g. a late reply changed the episode). */
  revise(id: string, changes: Pick<Alert, 'title' | 'details'> & { resolvedReason?: string }, now: string): Promise<Alert | null>;
  markNotified(id: string, now: string, audit?: PendingAudit): Promise<void>;
  /** Open alerts whose escalation time has come, via the sparse escalation queue. */
  listDueEscalations(now: string, limit?: number): Promise<Alert[]>;
  /** Records an escalation and schedules the next one (or none). Conditional on the alert still being open. */
  markEscalated(id: string, now: string, nextEscalateAt: string | null): Promise<boolean>;
  listWeek(isoWeek: string): Promise<Alert[]>;
  /** Every alert of one patient (any status), oldest first, via pointer items in the patient's partition. */
  listForPatient(patientId: string): Promise<Alert[]>;
  /** Alerts of a kind whose episode has no recorded resolution (open or acknowledged), optionally of one patient, via a sparse index. */
  listUnresolved(kind: AlertKind, patientId?: string): Promise<UnresolvedAlertRef[]>;
  /** Takes an open alert out of the escalation queue without escalating it (its episode resolved). false when not open. */
  cancelEscalation(id: string, now: string): Promise<boolean>;
}
