// The cross-field rules of a protocol file that protocol.test.ts did not reach (found by the
// domain mutation run, docs/testing.md): each broken rule is refused with the field and the
// reason an investigator reads, the boundary cases are accepted, and the derived study days
// (phase of a day, prednisone dose outside the taper, last taper day) hold at their edges.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEFAULT_PROTOCOL_PATH, loadProtocolFile } from '#config/protocol-loader.ts';
import { parseProtocol, phaseOfDay, prednisoneDoseMg, ProtocolError, taperEndDay } from '#domain/protocol.ts';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const raw = JSON.parse(readFileSync(DEFAULT_PROTOCOL_PATH, 'utf8')) as Doc;

function problemsOf(change: (d: Doc) => void): string[] {
  const doc = structuredClone(raw);
  change(doc);
  try {
    parseProtocol(doc, 'broken.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).name).toBe('ProtocolError');
    return (error as ProtocolError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

describe('cross-field rules of the protocol file', () => {
  it.each([
    ['induction not starting at enrollment', (d: Doc) => (d.phases.induction.fromDay = 1), 'phases.induction.fromDay: induction starts at enrollment (day 0)'],
    ['induction ending before it starts', (d: Doc) => (d.phases.induction.toDay = -1), 'phases.induction.toDay: must not be before fromDay'],
    ['maintenance not ending with the study', (d: Doc) => (d.phases.maintenance.toDay = 546), 'phases.maintenance.toDay: must equal endOfStudyDay (547)'],
    ['a taper step ending before it starts', (d: Doc) => (d.taper.steps[1].toDay = 27), 'taper.steps.1.toDay: must not be before fromDay'],
    ['a taper running past induction', (d: Doc) => (d.taper.steps.at(-1).toDay = 183), 'the taper must end within induction'],
    ['a duplicate RI site', (d: Doc) => (d.responderIndex.sites[1].key = d.responderIndex.sites[0].key), 'responderIndex.sites.1.key: duplicate RI site "pachymeninges"'],
    ['a visit after the end of the study', (d: Doc) => (d.visits.at(-1).targetDay = 548), 'targetDay: visit after endOfStudyDay'],
    ['the same arm twice', (d: Doc) => (d.randomization.arms = ['MMF', 'MMF']), 'randomization.arms: the two arms must differ'],
    ['a randomization window past the study', (d: Doc) => (d.randomization.targetDay = 534), 'randomization.targetDay: randomization window ends after the study'],
  ])('refuses %s', (_name, change, expected) => {
    expect(problemsOf(change).join('\n')).toContain(expected);
  });

  it('accepts the edges: a one-day taper step, a visit on the last day, a window ending on it', () => {
    expect(problemsOf((d) => (d.visits.at(-1).targetDay = 547))).toEqual([]);
    expect(problemsOf((d) => (d.randomization.targetDay = 533))).toEqual([]);
    expect(
      problemsOf((d) => {
        d.taper.steps[0].toDay = 0;
        d.taper.steps[1].fromDay = 1;
      }),
    ).toEqual([]);
    expect(problemsOf((d) => (d.taper.steps.at(-1).toDay = 182))).toEqual([]);
  });

  it('names every broken rule at once, not only the first', () => {
    const problems = problemsOf((d) => {
      d.phases.induction.fromDay = 1;
      d.randomization.arms = ['LEF', 'LEF'];
    });
    expect(problems).toEqual(expect.arrayContaining(['phases.induction.fromDay: induction starts at enrollment (day 0)', 'randomization.arms: the two arms must differ']));
  });
});

describe('study days derived from the protocol', () => {
  const protocol = loadProtocolFile();

  it('phase of a day: induction 0–182, maintenance 183–547, nothing outside', () => {
    expect([-1, 0, 182, 183, 547, 548].map((day) => phaseOfDay(protocol, day))).toEqual([null, 'induction', 'induction', 'maintenance', 'maintenance', null]);
  });

  it('no prednisone outside the taper steps; the last taper day is the last step with a dose', () => {
    expect(prednisoneDoseMg(protocol, 40, -1)).toBe(0);
    expect(prednisoneDoseMg(protocol, 40, 200)).toBe(0);
    expect(taperEndDay(protocol)).toBe(181);
    const zeroLast = { ...protocol, taper: { ...protocol.taper, steps: [...protocol.taper.steps, { fromDay: 182, toDay: 182, mg: 0 }] } };
    expect(taperEndDay(zeroLast)).toBe(181);
    expect(taperEndDay({ ...protocol, taper: { ...protocol.taper, steps: [] } })).toBe(-1);
  });
});
