import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROTOCOL_PATH, loadProtocolFile } from '#config/protocol-loader.ts';
import { parseProtocol, prednisoneDoseMg, ProtocolError, TEMPLATE_KEYS } from '#domain/protocol.ts';
import { validatePatientAgainstProtocol, defaultParameters } from '#domain/patient.ts';

const raw = JSON.parse(readFileSync(DEFAULT_PROTOCOL_PATH, 'utf8')) as Record<string, unknown>;
const clone = (): Record<string, any> => structuredClone(raw) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function problemsOf(doc: unknown): string[] {
  try {
    parseProtocol(doc, 'broken.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return (error as ProtocolError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected the protocol to be rejected');
}

describe('protocol file', () => {
  it('the default protocol loads and lists what the investigator must confirm', () => {
    const protocol = loadProtocolFile();
    expect(protocol.protocolId).toBe('NCT05789017');
    expect(protocol.toConfirm.length).toBeGreaterThanOrEqual(5);
    expect(protocol.studyTimeZone).toBe('Asia/Shanghai');
    for (const lang of ['zh-CN', 'en'] as const) for (const key of TEMPLATE_KEYS) expect(protocol.templates[lang][key]).toBeTruthy();
  });

  it.each([
    ['a dose time that is not HH:mm', (d: Record<string, any>) => (d.defaultDoseTimes.morning = '8am'), 'defaultDoseTimes.morning: must be a local time HH:mm'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['an unknown time zone', (d: Record<string, any>) => (d.studyTimeZone = 'Asia/Beijing'), 'studyTimeZone: must be an IANA time zone'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['a gap in the taper', (d: Record<string, any>) => (d.taper.steps[2].fromDay = 43), 'taper.steps.2.fromDay: taper steps must be contiguous'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['a missing English template', (d: Record<string, any>) => delete d.templates.en['dose.reminder'], 'templates.en.dose.reminder: template "dose.reminder" is missing'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['an odd randomization block size', (d: Record<string, any>) => (d.randomization.blockSizes = [3]), 'randomization.blockSizes.0: block sizes must be even'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['maintenance not following induction', (d: Record<string, any>) => (d.phases.maintenance.fromDay = 200), 'phases.maintenance.fromDay: must be the day after induction ends (183)'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['an unknown field (typo)', (d: Record<string, any>) => (d.quietHour = { start: '22:00' }), 'quietHour'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['a duplicate visit key', (d: Record<string, any>) => (d.visits[2].key = 'm1'), 'visits.2.key: duplicate visit key "m1"'], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['a parameter default outside its allowed values', (d: Record<string, any>) => (d.parameters.lefDoseMg.default = 15), 'parameters.lefDoseMg.default: default must be one of the allowed values'], // eslint-disable-line @typescript-eslint/no-explicit-any
  ])('rejects %s, naming the field and the reason', (_name, breakIt, expected) => {
    const doc = clone();
    breakIt(doc);
    expect(problemsOf(doc).join('\n')).toContain(expected);
  });

  it('reports a file that is not JSON with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'protocol-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ "protocolId": ');
    expect(() => loadProtocolFile(file)).toThrow(/bad\.json[\s\S]*not valid JSON/);
  });
});

describe('per-patient parameters', () => {
  const protocol = loadProtocolFile();

  it('accepts the protocol defaults', () => {
    expect(validatePatientAgainstProtocol({ parameters: defaultParameters(protocol), doseTimes: protocol.defaultDoseTimes }, protocol)).toEqual([]);
  });

  it('rejects a prednisone start dose, an MMF dose and dose times outside the bounds', () => {
    const problems = validatePatientAgainstProtocol(
      { parameters: { ...defaultParameters(protocol), prednisoneStartMg: 80, mmfMaintenanceDoseG: 1 }, doseTimes: { morning: '06:00', evening: '22:30' } },
      protocol,
    );
    expect(problems.map((p) => p.path).sort()).toEqual(['doseTimes.evening', 'doseTimes.morning', 'mmfMaintenanceDoseG', 'mmfMaintenanceDoseG', 'prednisoneStartMg']);
  });

  it('scales the taper to the start dose in 2.5 mg steps and reaches 0 at the end of induction', () => {
    // Reference table for 40 mg; for 60 mg every step is ×1.5 rounded to 2.5 mg.
    expect(prednisoneDoseMg(protocol, 40, 0)).toBe(40);
    expect(prednisoneDoseMg(protocol, 40, 28)).toBe(35);
    expect(prednisoneDoseMg(protocol, 60, 112)).toBe(12.5); // 7.5 × 1.5 = 11.25 → 12.5
    expect(prednisoneDoseMg(protocol, 20, 154)).toBe(2.5); // 1.25 → 2.5 (never rounds a dose away before the last step)
    expect(prednisoneDoseMg(protocol, 40, 181)).toBe(2.5);
    expect(prednisoneDoseMg(protocol, 40, 182)).toBe(0);
  });
});
