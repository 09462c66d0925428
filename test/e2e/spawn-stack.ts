import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The local stack started as a user would (`node --import tsx infra/local/main.ts …`), for e2e tests. */
export interface SpawnedStack {
  url: string;
  token: string;
  dataDir: string;
  output: () => string;
  /** Fetch a path with the token; JSON in and out. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Ctrl-C: resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Stops (if running) and removes the data dir. */
  dispose(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');

export async function spawnStack(options: { args?: string[]; dataDir?: string; token?: string; timeoutMs?: number } = {}): Promise<SpawnedStack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'trial-e2e-'));
  const token = options.token ?? 'e2e-token-0123456789abcdef';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts', ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOCAL_DATA_DIR: dataDir, LOCAL_API_TOKEN: token, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the stack did not print its console URL in time:\n${output}`)), options.timeoutMs ?? 60_000);
    const check = () => {
      const match = /console: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1]!.replace(/\/$/, ''));
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => fail(new Error(`the stack exited (${code}) before it was ready:\n${output}`)));
  });

  let running = true;
  const stop = async () => {
    if (!running) return null;
    running = false;
    child.kill('SIGINT');
    return exited;
  };
  return {
    url,
    token,
    dataDir,
    output: () => output,
    async call(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* CSV */
      }
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see call()
      return { status: res.status, body: parsed as any };
    },
    stop,
    async dispose() {
      await stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
