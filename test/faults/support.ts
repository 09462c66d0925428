import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { documentClient } from '#adapters/dynamo/local-dynamo.ts';
import { outboundIdFor } from '#app/dispatch-reminders.ts';
import type { Patient } from '#domain/patient.ts';
import type { AlertRepository } from '#ports/alerts.ts';
import type { MessageLog } from '#ports/messages.ts';
import type { ReminderRepository, StoredReminder } from '#ports/schedule.ts';

/**
 * Fault injection for the fault tests: a DynamoDB client on the same dynalite whose calls can be
 * made to fail — throttled before the request is applied, or applied with the answer lost (a
 * timeout after the write) — and a "kill switch" that makes every later call of one simulated
 * process fail, as if it had died at that point.
 */
export type DynamoFault = 'throttle' | 'lost_answer' | null;

export interface FaultyDynamo {
  doc: DynamoDBDocumentClient;
  /** Calls seen so far (by command name), faults injected so far. */
  calls: number;
  injected: { throttle: number; lost_answer: number };
  /** Decides the fault of the n-th call (0-based). */
  plan: (n: number, command: string) => DynamoFault;
  /** Once set, every call fails: the process is dead. */
  killed: boolean;
  destroy(): void;
}

export class ProcessKilled extends Error {
  constructor(where: string) {
    super(`process killed (${where})`);
    this.name = 'ProcessKilled';
  }
}

/** `onCall` runs before every call (e.g. to move a virtual clock by the call's latency). */
export function faultyDynamo(endpoint: string, plan: FaultyDynamo['plan'] = () => null, onCall?: (command: string) => void): FaultyDynamo {
  // maxAttempts 1: the faults reach the code under test (as after the SDK's own retries gave up).
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const state: FaultyDynamo = {
    doc: documentClient(client),
    calls: 0,
    injected: { throttle: 0, lost_answer: 0 },
    plan,
    killed: false,
    destroy: () => client.destroy(),
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (state.killed) throw new ProcessKilled(`DynamoDB ${context.commandName}`);
      onCall?.(String(context.commandName));
      const fault = state.plan(state.calls++, String(context.commandName));
      if (fault === 'throttle') {
        state.injected.throttle++;
        throw new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput (injected)', $metadata: { httpStatusCode: 400 } });
      }
      const result = await next(args);
      if (fault === 'lost_answer') {
        state.injected.lost_answer++;
        throw Object.assign(new Error('socket hang up after the request was applied (injected)'), { name: 'TimeoutError' });
      }
      return result;
    },
    { step: 'initialize', name: 'injectFaults' },
  );
  return state;
}

/** Every `every`-th call (offset `phase`) of the given commands gets `fault`: deterministic for a deterministic call order. */
export function everyNth(every: number, fault: Exclude<DynamoFault, null>, options: { phase?: number; commands?: string[] } = {}): FaultyDynamo['plan'] {
  let seen = 0;
  return (_n, command) => {
    if (options.commands && !options.commands.includes(command)) return null;
    return seen++ % every === (options.phase ?? 0) ? fault : null;
  };
}

/** An object whose chosen method kills the process right after (or before) it runs once. */
export function killAfter<T extends object>(target: T, method: keyof T & string, kill: () => void, when: 'before' | 'after' = 'after'): T {
  let armed = true;
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== method) return (value as (...args: unknown[]) => unknown).bind(obj);
      return async (...args: unknown[]) => {
        if (armed && when === 'before') {
          armed = false;
          kill();
          throw new ProcessKilled(`before ${method}`);
        }
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
        if (armed && when === 'after') {
          armed = false;
          kill();
          throw new ProcessKilled(`after ${method}`);
        }
        return result;
      };
    },
  });
}

/** Wraps any port so that once `isKilled()` is true, every call fails (nothing of a dead process runs). */
export function deadWhenKilled<T extends object>(target: T, isKilled: () => boolean): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (isKilled()) return Promise.reject(new ProcessKilled(String(prop)));
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}

export interface Delivery {
  to: string;
  body: string;
}

/**
 * What must hold after any fault, once the system has had its retries: every reminder ends sent
 * (with its outbound record and exactly one SMS), or failed with a reason and an alert naming it,
 * or expired/cancelled with a reason (and no SMS); nothing is left due or sending; no phone got
 * a reminder twice.
 */
export async function expectDispatchSettled(
  repos: { reminders: ReminderRepository; messages: Pick<MessageLog, 'getOutbound'>; alerts: Pick<AlertRepository, 'listForPatient'> },
  patients: Patient[],
  deliveries: Delivery[],
  window: { from: string; to: string },
): Promise<Record<string, number>> {
  const outcome: Record<string, number> = {};
  for (const patient of patients) {
    const items = await repos.reminders.listForPatient(patient.id, window.from, window.to);
    const delivered = deliveries.filter((d) => d.to === patient.phone).length;
    expect(items.length, `${patient.studyId}: one reminder in the window`).toBe(1);
    const item: StoredReminder = items[0]!;
    const label = `${patient.studyId} ${item.state}${item.reason ? `/${item.reason}` : ''}`;
    outcome[label.split(' ')[1]!] = (outcome[label.split(' ')[1]!] ?? 0) + 1;
    expect(['sent', 'failed', 'expired', 'cancelled'], `${label}: settled`).toContain(item.state);
    expect(delivered, `${label}: at most one SMS`).toBeLessThanOrEqual(1);
    if (item.state === 'sent') {
      expect(delivered, `${label}: the SMS went out`).toBe(1);
      const outbound = await repos.messages.getOutbound(outboundIdFor(item.id));
      expect(outbound?.providerMessageId, `${label}: outbound record`).toBe(item.messageId);
    } else {
      expect(item.reason, `${label}: a reason`).toBeTruthy();
    }
    if (item.state === 'failed') {
      const alerts = await repos.alerts.listForPatient(patient.id);
      const named = alerts.some((a) => (a.details as { reminderId?: string }).reminderId === item.id);
      expect(named, `${label}: an alert names the reminder`).toBe(true);
    }
    if (item.state === 'expired' || item.state === 'cancelled') expect(delivered, `${label}: no SMS`).toBe(0);
  }
  return outcome;
}
