/**
 * Verifies the audit trail's hash chains and daily anchors: `npm run audit:verify`.
 *   (no argument)            the local stack's data in LOCAL_DATA_DIR (default .local-data); refused
 *                            while a running stack holds it (stop it, or use --api)
 *   -- --api <url>           a running stack's API (GET /api/audit/verify; token in TRIAL_API_TOKEN,
 *                            default: LOCAL_DATA_DIR/api-token)
 *   -- --table <name>        a DynamoDB table on AWS (the default credential chain and region)
 * Prints what it checked; exit 0 when every chain and anchor holds, 1 naming the first broken
 * entity and entry, 2 when it could not check at all.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { documentClient } from '#adapters/dynamo/document-client.ts';
import { startLocalDynamo, type LocalDynamo } from '#adapters/dynamo/local-dynamo.ts';
import { verifyAuditTrail, type AuditVerification } from '#app/audit/verify-audit-trail.ts';

export const LOCAL_TABLE = 'trial-local';

function print(result: AuditVerification, source: string): number {
  console.log(`audit:verify — ${source}`);
  console.log(`  checked ${result.chains} chains, ${result.entries} entries, ${result.anchors} daily anchors (${result.anchoredHeads} anchored heads)`);
  const [first, ...rest] = result.breaks;
  if (!first) {
    console.log('  intact: every entry matches its hash and follows the one before it; every anchored head is present');
    return 0;
  }
  console.log(`  BROKEN: ${first.entity} entry ${first.seq}${first.entryId ? ` (${first.entryId})` : ''}: ${first.problem} — ${first.detail}`);
  for (const b of rest) console.log(`  also:   ${b.entity} entry ${b.seq}${b.entryId ? ` (${b.entryId})` : ''}: ${b.problem} — ${b.detail}`);
  return 1;
}

/**
 * LevelDB (dynalite's store) lets one process hold a database. Probe with the same library dynalite
 * uses before starting it: a held database is a running stack, and dynalite would only crash on it.
 */
async function refuseIfHeld(path: string): Promise<void> {
  const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = requireFromDynalite('level') as { Level: new (path: string) => { open(): Promise<void>; close(): Promise<void> } };
  const probe = new Level(path);
  try {
    await probe.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') throw new UsageError(`${path} is held by a running stack: stop it first, or verify through its API with -- --api http://127.0.0.1:<port>`);
    throw new UsageError(`cannot open ${path}: ${String(error)}`);
  }
  await probe.close();
}

async function openLocal(dataDir: string): Promise<LocalDynamo> {
  const path = join(dataDir, 'dynamo');
  if (!existsSync(path)) throw new UsageError(`no local data at ${path} (LOCAL_DATA_DIR=${dataDir})`);
  await refuseIfHeld(path);
  const db = await startLocalDynamo({ path });
  try {
    await db.client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }));
  } catch (error) {
    await db.close();
    throw new UsageError(`cannot read the table ${LOCAL_TABLE} in ${path}: ${String((error as Error).message ?? error)}`);
  }
  return db;
}

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { table: { type: 'string' }, api: { type: 'string' } }, allowPositionals: false });
  if (values.table) {
    const doc = documentClient(new DynamoDBClient({}));
    return print(await verifyAuditTrail({ audit: new DynamoAuditLog(doc, values.table) }), `table ${values.table}`);
  }
  const dataDir = resolve(process.env.LOCAL_DATA_DIR || '.local-data');
  if (values.api) {
    const tokenFile = join(dataDir, 'api-token');
    const token = process.env.TRIAL_API_TOKEN ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : '');
    const res = await fetch(new URL('/api/audit/verify', values.api), { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    if (!res.ok) throw new UsageError(`${values.api}: ${res.status} ${await res.text()}`);
    return print((await res.json()) as AuditVerification, `API ${values.api}`);
  }
  const db = await openLocal(dataDir);
  try {
    return print(await verifyAuditTrail({ audit: new DynamoAuditLog(db.doc, LOCAL_TABLE) }), `local data ${dataDir} (table ${LOCAL_TABLE})`);
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`audit:verify: ${error instanceof UsageError ? error.message : String((error as Error).stack ?? error)}`);
      process.exit(2);
    },
  );
}
