import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only JSON Lines file: the local gateway's outbox and the alert inbox survive
 * restarts. Each append is one synchronous write of a whole line, so a crash loses at most the
 * line being written; a torn last line is skipped on load.
 */
export class JsonlStore<T> {
  private readonly entries: T[] = [];

  constructor(private readonly path: string | null) {
    if (!path) return;
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path)) return;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        this.entries.push(JSON.parse(line) as T);
      } catch {
        // a torn final line from a crash: the rest is intact
      }
    }
  }

  append(entry: T): void {
    if (this.path) appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
    this.entries.push(entry);
  }

  all(): readonly T[] {
    return this.entries;
  }

  get size(): number {
    return this.entries.length;
  }
}
