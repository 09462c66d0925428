import type { LocalStack } from '../stack.ts';

/**
 * The simulation's own agenda (patients texting, visits, coordinator rounds), merged with the
 * scheduler's: the virtual clock jumps straight to whichever comes first, the next action here
 * or the next scheduled run that has work (next due reminder, answer-window end, conversation
 * deadline, escalation, daily/weekly job). It never ticks through empty minutes.
 */
export class ActionQueue {
  private heap: { at: number; seq: number; run: () => Promise<void> }[] = [];
  private seq = 0;

  push(at: number, run: () => Promise<void>): void {
    const item = { at, seq: this.seq++, run };
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  peek(): number | undefined {
    return this.heap[0]?.at;
  }

  popDue(now: number): (() => Promise<void>)[] {
    const due: (() => Promise<void>)[] = [];
    while (this.heap.length && this.heap[0]!.at <= now) due.push(this.pop().run);
    return due;
  }

  private pop() {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: { at: number; seq: number }, b: { at: number; seq: number }) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** Runs the clock from now to `endMs`, with a progress line (simulated date, % done, ETA) about every `everyMs` of wall time. */
export async function drive(
  stack: LocalStack,
  queue: ActionQueue,
  window: { startMs: number; endMs: number },
  progress: (line: string, final: boolean) => void,
  counters: () => string,
  everyMs = 2000,
): Promise<void> {
  const now = () => Date.parse(stack.clock.now());
  const wallStart = Date.now();
  let lastLine = 0;
  for (;;) {
    const head = queue.peek();
    const target = Math.min(head ?? Number.POSITIVE_INFINITY, window.endMs);
    if (target > now()) await stack.scheduler.advanceTo(new Date(target).toISOString(), { stopWhen: () => (queue.peek() ?? Number.POSITIVE_INFINITY) < target });
    for (const action of queue.popDue(now())) await action();
    if (Date.now() - lastLine >= everyMs) {
      lastLine = Date.now();
      progress(progressLine(now(), window, Date.now() - wallStart, counters()), false);
    }
    if (now() >= window.endMs && (queue.peek() ?? Number.POSITIVE_INFINITY) > window.endMs) break;
  }
  progress(progressLine(now(), window, Date.now() - wallStart, counters()), true);
}

export function progressLine(nowMs: number, window: { startMs: number; endMs: number }, wallMs: number, counters: string): string {
  const done = Math.min(1, Math.max(0, (nowMs - window.startMs) / (window.endMs - window.startMs)));
  const eta = done > 0.01 ? Math.round(((1 - done) * wallMs) / done / 1000) : null;
  const clock = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `  ${new Date(nowMs).toISOString().slice(0, 10)}  ${(done * 100).toFixed(1).padStart(5)} %  elapsed ${clock(Math.round(wallMs / 1000))}  ETA ${eta === null ? '—' : clock(eta)}  ${counters}`;
}
