import { afterAll, beforeAll } from 'vitest';
import { ensureTable, startLocalDynamo, type LocalDynamo } from '#adapters/dynamo/local-dynamo.ts';

/** Starts an in-memory dynalite for the test file, with a fresh table per call of `freshTable`. */
export function useLocalDynamo(): { readonly db: LocalDynamo; freshTable(): Promise<string> } {
  let db: LocalDynamo | undefined;
  let counter = 0;
  beforeAll(async () => {
    db = await startLocalDynamo();
  });
  afterAll(async () => {
    await db?.close();
  });
  return {
    get db() {
      if (!db) throw new Error('dynalite not started');
      return db;
    },
    async freshTable() {
      const name = `trial-test-${++counter}-${process.pid}`;
      await ensureTable(this.db.client, name);
      return name;
    },
  };
}
