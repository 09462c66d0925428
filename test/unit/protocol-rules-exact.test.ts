// The protocol file's refusals, exactly: the field an investigator must fix and the words that say
// why, and nothing else. protocol-rules.test.ts checks that each broken rule is refused; the domain
// mutation run (docs/testing.md) showed that a refusal naming the wrong field, a boundary moved by
// one, or a "both" rule turned into "either" still passed there. Each case here is the whole list
// of problems for one change to the study's real protocol file.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEFAULT_PROTOCOL_PATH } from '#config/protocol-loader.ts';
import { issuePath, localDateSchema, parseProtocol, ProtocolError } from '#domain/protocol.ts';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function problemsOf(change: (d: Doc) => void): string[] {
  const doc = JSON.parse(readFileSync(DEFAULT_PROTOCOL_PATH, 'utf8')) as Doc;
  change(doc);
  try {
    parseProtocol(doc, 'broken.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return (error as ProtocolError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

describe('a real calendar date', () => {
  it.each(['2027-02-28', '2028-02-29', '2027-12-31', '2027-01-01'])('accepts %s', (date) => {
    expect(localDateSchema.safeParse(date).success).toBe(true);
  });

  it.each([
    ['2027-02-29', 'not a leap year'],
    ['2027-02-30', 'JavaScript would roll it over to 2 March'],
    ['2027-04-31', 'April has 30 days'],
    ['2027-13-01', 'no 13th month'],
    ['2027-00-10', 'no month 0'],
  ])('refuses %s (%s) as not a real calendar date', (date) => {
    const result = localDateSchema.safeParse(date);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual(['is not a real calendar date']);
  });
});

describe('the prednisone start dose range', () => {
  it.each([
    ['the default at the minimum', 20],
    ['the default at the maximum', 60],
  ])('accepts %s', (_name, value) => {
    expect(problemsOf((d) => (d.parameters.prednisoneStartMg.default = value))).toEqual([]);
  });

  it.each([
    ['below the minimum', 15],
    ['above the maximum', 65],
  ])('refuses a default %s, on the default field', (_name, value) => {
    expect(problemsOf((d) => (d.parameters.prednisoneStartMg.default = value))).toEqual(['parameters.prednisoneStartMg.default: default must lie within min..max']);
  });
});

describe('the low-response rule', () => {
  it('accepts a resolve share equal to the share that opens an episode, and none at all', () => {
    expect(problemsOf((d) => (d.silenceRules.lowResponse.resolveShare = d.silenceRules.lowResponse.share))).toEqual([]);
    expect(problemsOf((d) => delete d.silenceRules.lowResponse.resolveShare)).toEqual([]);
  });

  it('refuses a resolve share below the share (an episode would close before it could open)', () => {
    expect(problemsOf((d) => (d.silenceRules.lowResponse.resolveShare = 0.4))).toEqual(['silenceRules.lowResponse.resolveShare: resolveShare must be at least share']);
  });
});

describe('phases, taper steps and visits: the field and the reason', () => {
  it('accepts an induction phase of a single day (enrollment day only)', () => {
    const problems = problemsOf((d) => {
      d.phases.induction.toDay = 0;
    });
    expect(problems.filter((p) => p.startsWith('phases.induction.toDay'))).toEqual([]);
  });

  it('says which day a non-contiguous taper step should start on', () => {
    expect(problemsOf((d) => (d.taper.steps[2].fromDay = 43))).toEqual(['taper.steps.2.fromDay: taper steps must be contiguous: expected day 42']);
    expect(problemsOf((d) => (d.taper.steps[0].fromDay = 1))).toEqual(['taper.steps.0.fromDay: taper steps must be contiguous: expected day 0']);
  });

  it('puts a taper that runs past induction on the last step\'s end day', () => {
    const last = JSON.parse(readFileSync(DEFAULT_PROTOCOL_PATH, 'utf8')).taper.steps.length - 1;
    expect(problemsOf((d) => (d.taper.steps.at(-1).toDay = 183))).toEqual([`taper.steps.${last}.toDay: the taper must end within induction`]);
  });

  it('puts a visit after the end of the study on that visit\'s target day', () => {
    const last = JSON.parse(readFileSync(DEFAULT_PROTOCOL_PATH, 'utf8')).visits.length - 1;
    expect(problemsOf((d) => (d.visits.at(-1).targetDay = 548))).toEqual([`visits.${last}.targetDay: visit after endOfStudyDay`]);
  });
});

describe('how a refusal reads', () => {
  it('names the file and lists each problem on its own line', () => {
    const doc = JSON.parse(readFileSync(DEFAULT_PROTOCOL_PATH, 'utf8')) as Doc;
    doc.randomization.arms = ['LEF', 'LEF'];
    doc.phases.induction.fromDay = 1;
    let message = '';
    try {
      parseProtocol(doc, 'study.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')[0]).toBe('Invalid protocol study.json:');
    expect(message).toContain('\n  - randomization.arms: the two arms must differ');
    expect(message).toContain('\n  - phases.induction.fromDay: induction starts at enrollment (day 0)');
  });

  it('calls an unnamed source "(protocol)" and a problem with the whole document "(root)"', () => {
    let caught: unknown;
    try {
      parseProtocol(null);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    const error = caught as ProtocolError;
    expect(error.source).toBe('(protocol)');
    expect(error.problems.map((p) => p.path)).toEqual(['(root)']);
    expect(error.message.startsWith('Invalid protocol (protocol):\n  - (root): ')).toBe(true);
  });

  it('writes a nested path with dots, array indices included', () => {
    expect(issuePath(['taper', 'steps', 2, 'mg'])).toBe('taper.steps.2.mg');
    expect(issuePath([])).toBe('(root)');
  });
});
