/**
 * One comparison of a corpus case with a reading, shared by the corpus tests and
 * `npm run replies:accuracy` (scripts/reply-accuracy.ts).
 */
import { interpretReply } from '../../../shared/domain/replies/interpret.ts';
import type { Interpretation } from '../../../shared/domain/replies/interpretation.ts';
import { CONTEXTS, type CorpusCase } from './corpus.ts';

export function read(c: CorpusCase): Interpretation {
  return interpretReply(c.text, CONTEXTS[c.ctx ?? 'none']);
}

const sorted = (xs: readonly string[] | undefined): string => JSON.stringify([...(xs ?? [])].sort());

/**
 * Every field a case pins, compared with the reading. Empty list = the case is read right.
 * strict: an absent `dose` / `supplyDrugs` / `resolved` means "none" (the nurse corpus);
 * otherwise absent fields are not checked (the original corpus).
 */
export function mismatches(c: CorpusCase, r: Interpretation, strict = false): string[] {
  const out: string[] = [];
  if (r.intent !== c.intent) out.push(`intent ${r.intent} ≠ ${c.intent}`);
  const got = r.items.map((i) => i.term).sort();
  const want = [...(c.terms ?? [])].sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`terms ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
  if (r.redFlag !== (c.redFlag ?? false)) out.push(`redFlag ${r.redFlag}`);
  if (r.relapseSignal !== (c.relapse ?? false)) out.push(`relapseSignal ${r.relapseSignal}`);
  if ((strict || c.dose !== undefined) && r.doseAnswer !== c.dose) out.push(`doseAnswer ${r.doseAnswer}`);
  if (c.missedDrugs !== undefined && sorted(r.missedDrugs) !== sorted(c.missedDrugs)) out.push(`missedDrugs ${JSON.stringify(r.missedDrugs)}`);
  if ((strict || c.supplyDrugs !== undefined) && sorted(r.supplyDrugs) !== sorted(c.supplyDrugs)) out.push(`supplyDrugs ${JSON.stringify(r.supplyDrugs)}`);
  if ((strict || c.resolved !== undefined) && sorted(r.resolved) !== sorted(c.resolved)) out.push(`resolved ${JSON.stringify(r.resolved)}`);
  if (c.tempC !== undefined && r.temperatureC !== c.tempC) out.push(`temperatureC ${r.temperatureC}`);
  if (c.answer !== undefined && JSON.stringify(r.answer) !== JSON.stringify(c.answer)) out.push(`answer ${JSON.stringify(r.answer)}`);
  if (c.lang !== undefined && r.language !== c.lang) out.push(`language ${r.language}`);
  for (const [term, grade] of Object.entries(c.grades ?? {})) {
    const item = r.items.find((i) => i.term === term);
    if (!item || item.grade !== grade) out.push(`grade ${term} ${item?.grade} ≠ ${grade}`);
  }
  // an answer to an open question names its check-in; a dose answer with a dose question too
  const q = CONTEXTS[c.ctx ?? 'none'].openQuestion;
  if (q && (r.answer || (q.kind === 'dose' && r.doseAnswer)) && r.answers !== q.checkInId) out.push(`answers ${r.answers}`);
  if (!q && r.answers !== undefined) out.push('answers without an open question');
  if (q?.kind === 'dose' && !r.doseAnswer && r.answers !== undefined) out.push('answers the dose check-in without a dose answer');
  return out;
}

export interface IntentTally {
  intent: string;
  n: number;
  ok: number;
}

/** Accuracy per expected intent (a case counts as right only when every pinned field is). */
export function tallyByIntent(cases: readonly CorpusCase[], strict: boolean): IntentTally[] {
  const m = new Map<string, IntentTally>();
  for (const c of cases) {
    const t = m.get(c.intent) ?? { intent: c.intent, n: 0, ok: 0 };
    t.n += 1;
    if (mismatches(c, read(c), strict).length === 0) t.ok += 1;
    m.set(c.intent, t);
  }
  return [...m.values()].sort((a, b) => a.intent.localeCompare(b.intent));
}

export function formatTally(title: string, rows: readonly IntentTally[]): string {
  const n = rows.reduce((s, r) => s + r.n, 0);
  const ok = rows.reduce((s, r) => s + r.ok, 0);
  const line = (k: string, a: number, b: number): string => `${k.padEnd(12)} ${String(a).padStart(4)}/${String(b).padEnd(4)} ${b === 0 ? '—' : `${((100 * a) / b).toFixed(1)}%`}`;
  return [title, ...rows.map((r) => line(r.intent, r.ok, r.n)), line('total', ok, n)].join('\n');
}
