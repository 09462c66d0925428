import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureTable, startLocalDynamo } from '#adapters/dynamo/local-dynamo.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';

/** `npm start`: the local stack. For now: dynalite on disk, the table, the protocol, and what the table holds. */
const dataDir = resolve(process.env.LOCAL_DATA_DIR ?? '.local-data');
mkdirSync(dataDir, { recursive: true });
const protocol = loadProtocolFile();
const db = await startLocalDynamo({ path: resolve(dataDir, 'dynamo') });
const tableName = 'trial-local';
const created = await ensureTable(db.client, tableName);
const patients = await new DynamoPatientRepository(db.doc, tableName).listAll();
console.log(`protocol ${protocol.protocolId} v${protocol.version} loaded (${protocol.toConfirm.length} values to confirm)`);
console.log(`dynalite at ${db.endpoint}, data in ${dataDir}, table ${tableName} ${created}`);
console.log(`${patients.length} patients enrolled`);
const stop = async () => {
  await db.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
