import { describe, it, expect, afterAll } from 'vitest';
import { interpretReply } from '../../../shared/domain/replies/interpret.ts';
import { interpretationSchema, type Interpretation } from '../../../shared/domain/replies/interpretation.ts';
import { CONTEXTS, corpus, knownMisreads, type CorpusCase } from './corpus.ts';

function run(c: CorpusCase): Interpretation {
  return interpretReply(c.text, CONTEXTS[c.ctx ?? 'none']);
}

/** Every field a case pins, compared with the reading. Empty list = the case is read right. */
function mismatches(c: CorpusCase, r: Interpretation): string[] {
  const out: string[] = [];
  if (r.intent !== c.intent) out.push(`intent ${r.intent} ≠ ${c.intent}`);
  const got = r.items.map((i) => i.term).sort();
  const want = [...(c.terms ?? [])].sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`terms ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
  if (r.redFlag !== (c.redFlag ?? false)) out.push(`redFlag ${r.redFlag}`);
  if (r.relapseSignal !== (c.relapse ?? false)) out.push(`relapseSignal ${r.relapseSignal}`);
  if (c.dose !== undefined && r.doseAnswer !== c.dose) out.push(`doseAnswer ${r.doseAnswer}`);
  if (c.missedDrugs !== undefined && JSON.stringify([...(r.missedDrugs ?? [])].sort()) !== JSON.stringify([...c.missedDrugs].sort())) out.push(`missedDrugs ${JSON.stringify(r.missedDrugs)}`);
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
  return out;
}

const tally = new Map<string, { n: number; ok: number }>();

afterAll(() => {
  const rows = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b));
  const total = rows.reduce((s, [, v]) => s + v.n, 0);
  const ok = rows.reduce((s, [, v]) => s + v.ok, 0);
  const lines = rows.map(([k, v]) => `${k.padEnd(12)} ${String(v.ok).padStart(4)}/${String(v.n).padEnd(4)} ${((100 * v.ok) / v.n).toFixed(1)}%`);
  console.log(['reply corpus accuracy per expected intent (kept cases):', ...lines, `${'total'.padEnd(12)} ${String(ok).padStart(4)}/${total}  (+${knownMisreads.length} known misreads)`].join('\n'));
});

describe('reply corpus', () => {
  it('has at least 170 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(170);
  });

  it.each(corpus.map((c, i) => [i, c.ctx ?? 'none', c.text, c] as const))('#%i [%s] %j', (_i, _ctx, _text, c) => {
    const r = run(c);
    const bad = mismatches(c, r);
    const t = tally.get(c.intent) ?? { n: 0, ok: 0 };
    tally.set(c.intent, { n: t.n + 1, ok: t.ok + (bad.length === 0 ? 1 : 0) });
    expect(interpretationSchema.safeParse(r).success).toBe(true);
    expect(bad).toEqual([]);
  });

  it.each(knownMisreads.map((c) => [c.text, c] as const))('known misread still misread: %j', (_text, c) => {
    const r = run(c);
    expect(interpretationSchema.safeParse(r).success).toBe(true);
    expect(mismatches(c, r)).not.toEqual([]);
  });
});
