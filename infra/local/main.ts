import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProtocolError } from '#domain/protocol.ts';
import { seedDemo } from './demo.ts';
import { startLocalStack } from './stack.ts';

/**
 * `npm start`: the whole system on one machine. Contract (README, "Local stack"):
 *   PORT (default 3000) · LOCAL_API_TOKEN (else generated once and kept in the data dir) ·
 *   LOCAL_DATA_DIR (default .local-data) · --virtual-clock=<ISO instant> · --demo ·
 *   --host=<address> (default 127.0.0.1: only this machine can reach the stack; the HOST
 *   environment variable is deliberately ignored — zsh sets it to the machine's name)
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'virtual-clock': { type: 'string' },
      demo: { type: 'boolean', default: false },
      host: { type: 'string' },
    },
    strict: true,
  });
  const port = process.env.PORT === undefined || process.env.PORT === '' ? 3000 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number (0–65535), got ${process.env.PORT}`);
  const token = process.env.LOCAL_API_TOKEN || undefined;
  if (token !== undefined && token.length < 16) throw new Error('LOCAL_API_TOKEN must be at least 16 characters');
  const dataDir = resolve(process.env.LOCAL_DATA_DIR || '.local-data');

  const stack = await startLocalStack({
    dataDir,
    port,
    host: values.host ?? '127.0.0.1',
    ...(token ? { token } : {}),
    ...(values['virtual-clock'] ? { virtualClock: values['virtual-clock'] } : {}),
    onJobRun: (run) => {
      if (!run.ok) console.error(`[scheduler] ${run.job} at ${run.at} failed: ${run.error}`);
    },
  });

  const patients = await stack.repos.patients.listAll();
  console.log(`protocol ${stack.protocol.protocolId} v${stack.protocol.version} loaded (${stack.protocol.toConfirm.length} values to confirm)`);
  console.log(`data in ${dataDir} (table ${stack.tableName}); ${patients.length} patients enrolled`);
  console.log(stack.clock.virtual ? `virtual clock at ${stack.clock.now()} (moves only through POST /local/clock)` : 'system clock; scheduler running (dispatch every minute, sweep every 15 min, plan 02:00, digest Monday 08:00 study time)');
  if (values.demo) {
    const demo = await seedDemo(stack);
    console.log(`demo: ${demo.enrolled.length} fictitious patients enrolled${demo.skipped.length ? `, ${demo.skipped.length} already there` : ''}`);
  }
  if (values.host && !['127.0.0.1', 'localhost', '::1'].includes(values.host)) {
    console.warn(`warning: listening on ${values.host}: other machines on that network can reach the stack (its API still needs the token)`);
  }
  console.log(`local API token: ${stack.token}`);
  console.log(`console: ${stack.url}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (finishing the running job, flushing dynalite)…`);
    await stack.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ProtocolError) console.error(error.message);
  else if ((error as { code?: string })?.code === 'EADDRINUSE') console.error(`npm start failed: port ${process.env.PORT ?? 3000} is in use; choose another with PORT=3100 npm start`);
  else console.error(`npm start failed: ${(error as Error)?.message ?? String(error)}`);
  process.exit(1);
});
