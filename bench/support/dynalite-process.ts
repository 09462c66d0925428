import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachLimited } from '#app/plan-schedule.ts';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** dynalite (in memory) in its own process: the code under test and the database each get a core, as on AWS. */
export async function startDynaliteProcess(): Promise<{ endpoint: string; client(): DynamoDBClient; stop(): void }> {
  const port = await freePort();
  const cli = createRequire(import.meta.url).resolve('dynalite/cli.js');
  const child: ChildProcess = spawn(process.execPath, [cli, '--port', String(port), '--host', '127.0.0.1', '--createTableMs', '0'], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = () => new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 3 });
  const probe = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  for (let i = 0; ; i++) {
    try {
      await probe.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (i > 400) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  probe.destroy();
  return { endpoint, client, stop: () => child.kill() };
}

/**
 * A document client that keeps every item the repositories put (no I/O): the bench builds its
 * table with the adapters' own keys, then writes it with `batchWriteAll`. Queries answer empty.
 */
export function capturingDoc(items: Record<string, unknown>[]): DynamoDBDocumentClient {
  return {
    send: async (command: { constructor: { name: string }; input: { Item?: Record<string, unknown> } }) => {
      if (command.constructor.name === 'PutCommand' && command.input.Item) items.push(command.input.Item);
      if (command.constructor.name === 'QueryCommand') return { Items: [] };
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
}

/** BatchWriteItem, 25 items per request, `parallel` requests in flight, unprocessed items retried. */
export async function batchWriteAll(doc: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[], parallel = 8): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await forEachLimited(batches, parallel, async (batch) => {
    let pending: unknown[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 20) throw new Error('BatchWriteItem kept leaving items unprocessed');
      const out: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
      pending = out.UnprocessedItems?.[table];
    }
  });
}

/** Deterministic pseudo-random numbers (mulberry32): the same seed gives the same workload. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
