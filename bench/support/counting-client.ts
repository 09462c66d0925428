import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#adapters/dynamo/local-dynamo.ts';

/** What a DynamoDB client spent: API calls (SDK retries not counted twice) and consumed capacity units. */
export interface RequestCounter {
  requests: number;
  capacityUnits: number;
  byCommand: Record<string, { requests: number; capacityUnits: number }>;
  reset(): void;
}

type Capacity = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

function units(consumed: Capacity): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

const WITH_CAPACITY = new Set(['GetItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'BatchWriteItemCommand', 'TransactGetItemsCommand', 'TransactWriteItemsCommand']);

/**
 * Adds a middleware to the client (and so to every document client built on it) that asks each
 * call for `ReturnConsumedCapacity: 'TOTAL'`, counts the calls and sums the units returned.
 */
export function countRequests(client: DynamoDBClient): { doc: DynamoDBDocumentClient; counter: RequestCounter } {
  const counter: RequestCounter = {
    requests: 0,
    capacityUnits: 0,
    byCommand: {},
    reset() {
      this.requests = 0;
      this.capacityUnits = 0;
      this.byCommand = {};
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      if (process.env.BENCH_TRACE_REQUESTS === '1') {
        const input = args.input as { Key?: { pk?: unknown; sk?: unknown }; Item?: { pk?: unknown; sk?: unknown }; IndexName?: string; ExpressionAttributeValues?: Record<string, unknown> };
        const key = input.Key ?? input.Item;
        process.stderr.write(`trace ${command} ${input.IndexName ?? ''} ${String(key?.pk ?? input.ExpressionAttributeValues?.[':pk'] ?? '')} ${String(key?.sk ?? '')}\n`);
      }
      if (WITH_CAPACITY.has(command)) (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const entry = (counter.byCommand[command] ??= { requests: 0, capacityUnits: 0 });
      counter.requests++;
      entry.requests++;
      // A failed call (e.g. a lost conditional write) is counted as a request; DynamoDB reports no units for it.
      const result = await next(args);
      const spent = units((result.output as { ConsumedCapacity?: Capacity }).ConsumedCapacity);
      counter.capacityUnits += spent;
      entry.capacityUnits += spent;
      return result;
    },
    { step: 'initialize', priority: 'high', name: 'countRequestsAndCapacity' },
  );
  return { doc: documentClient(client), counter };
}
