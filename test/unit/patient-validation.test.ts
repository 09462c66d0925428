// What a coordinator sees when enrolling or editing a patient with parameters at, just inside and
// just outside the protocol's bounds (found unpinned by mutation testing, docs/testing.md): the
// prednisone start dose range, the MMF daily total, the dose times against quiet hours and each
// other. Inclusive bounds must be accepted; a dose just past them must be refused with its reason.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEFAULT_PROTOCOL_PATH, loadProtocolFile } from '#config/protocol-loader.ts';
import { parseProtocol, type Protocol } from '#domain/protocol.ts';
import { defaultParameters, validatePatientAgainstProtocol, type DoseTimes, type RegimenParameters } from '#domain/patient.ts';

const protocol = loadProtocolFile();
const raw = JSON.parse(readFileSync(DEFAULT_PROTOCOL_PATH, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The default protocol with a change, parsed as the loader would. */
function variant(change: (doc: Record<string, any>) => void): Protocol { // eslint-disable-line @typescript-eslint/no-explicit-any
  const doc = structuredClone(raw);
  change(doc);
  return parseProtocol(doc, 'variant.json');
}

function check(parameters: Partial<RegimenParameters>, doseTimes: Partial<DoseTimes> = {}, p: Protocol = protocol) {
  return validatePatientAgainstProtocol(
    { parameters: { ...defaultParameters(p), ...parameters }, doseTimes: { ...p.defaultDoseTimes, ...doseTimes } },
    p,
  );
}

describe('prednisone start dose (protocol: 20–60 mg)', () => {
  it.each([20, 20.5, 59.5, 60])('accepts %s mg', (mg) => {
    expect(check({ prednisoneStartMg: mg })).toEqual([]);
  });

  it.each([19.5, 60.5])('refuses %s mg, naming the range', (mg) => {
    expect(check({ prednisoneStartMg: mg })).toEqual([{ path: 'prednisoneStartMg', message: 'must be between 20 and 60 mg' }]);
  });
});

describe('per-dose amounts must be one of the allowed values', () => {
  it('accepts every allowed amount', () => {
    expect(check({ mmfInductionDoseG: 0.5, mmfMaintenanceDoseG: 0.75, lefDoseMg: 10 })).toEqual([]);
  });

  it('refuses an amount not on the list, for each drug, with the list', () => {
    expect(check({ mmfInductionDoseG: 1 })).toEqual([{ path: 'mmfInductionDoseG', message: 'must be one of 0.5, 0.75' }]);
    expect(check({ lefDoseMg: 15 })).toEqual([{ path: 'lefDoseMg', message: 'must be one of 10, 20' }]);
  });
});

describe('daily MMF in maintenance (protocol: 1–1.5 g a day, two doses)', () => {
  // A protocol that allows more per-dose amounts, so that the daily bound is what decides.
  const wide = variant((d) => (d.parameters.mmfMaintenanceDoseG.allowed = [0.25, 0.5, 0.75, 1]));

  it('accepts the daily total at each bound (0.5 g and 0.75 g twice a day)', () => {
    expect(check({ mmfMaintenanceDoseG: 0.5 }, {}, wide)).toEqual([]);
    expect(check({ mmfMaintenanceDoseG: 0.75 }, {}, wide)).toEqual([]);
  });

  it('refuses a daily total below or above the bounds, saying what the total is', () => {
    expect(check({ mmfMaintenanceDoseG: 0.25 }, {}, wide)).toEqual([{ path: 'mmfMaintenanceDoseG', message: 'daily MMF must be 1–1.5 g (is 0.5 g)' }]);
    expect(check({ mmfMaintenanceDoseG: 1 }, {}, wide)).toEqual([{ path: 'mmfMaintenanceDoseG', message: 'daily MMF must be 1–1.5 g (is 2 g)' }]);
  });

  it('counts the doses a day from the maintenance regimen (once a day: 1 g is 1 g a day)', () => {
    const once = variant((d) => {
      d.parameters.mmfMaintenanceDoseG.allowed = [0.5, 0.75, 1];
      d.regimens.maintenance.MMF[0].slots = ['morning'];
    });
    expect(check({ mmfMaintenanceDoseG: 1 }, {}, once)).toEqual([]);
    expect(check({ mmfMaintenanceDoseG: 0.75 }, {}, once)).toEqual([{ path: 'mmfMaintenanceDoseG', message: 'daily MMF must be 1–1.5 g (is 0.75 g)' }]);
  });

  it('with only a minimum, or only a maximum, checks that bound alone', () => {
    const minOnly = variant((d) => {
      d.parameters.mmfMaintenanceDoseG.allowed = [0.25, 0.5, 2];
      delete d.parameters.mmfMaintenanceDoseG.dailyMaxG;
    });
    expect(check({ mmfMaintenanceDoseG: 2 }, {}, minOnly)).toEqual([]);
    expect(check({ mmfMaintenanceDoseG: 0.25 }, {}, minOnly).map((p) => p.path)).toEqual(['mmfMaintenanceDoseG']);
    const maxOnly = variant((d) => {
      d.parameters.mmfMaintenanceDoseG.allowed = [0.25, 0.5, 1];
      delete d.parameters.mmfMaintenanceDoseG.dailyMinG;
    });
    expect(check({ mmfMaintenanceDoseG: 0.25 }, {}, maxOnly)).toEqual([]);
    expect(check({ mmfMaintenanceDoseG: 1 }, {}, maxOnly).map((p) => p.path)).toEqual(['mmfMaintenanceDoseG']);
  });
});

describe('dose times (quiet hours 21:30–07:30)', () => {
  it('accepts doses at the end of quiet hours and the minute before they start', () => {
    expect(check({}, { morning: '07:30', evening: '21:29' })).toEqual([]);
  });

  it('refuses a dose inside quiet hours, naming the slot, the time and the quiet hours', () => {
    expect(check({}, { morning: '07:29' })).toEqual([{ path: 'doseTimes.morning', message: '07:29 is inside quiet hours (21:30–07:30)' }]);
    expect(check({}, { evening: '21:30' })).toEqual([{ path: 'doseTimes.evening', message: '21:30 is inside quiet hours (21:30–07:30)' }]);
  });

  it('refuses an evening dose at or before the morning dose', () => {
    const problem = { path: 'doseTimes.evening', message: 'evening dose must be later than the morning dose' };
    expect(check({}, { morning: '12:00', evening: '12:00' })).toEqual([problem]);
    expect(check({}, { morning: '12:00', evening: '11:59' })).toEqual([problem]);
    expect(check({}, { morning: '12:00', evening: '12:01' })).toEqual([]);
    // Minutes count, not only hours.
    expect(check({}, { morning: '12:30', evening: '12:10' })).toEqual([problem]);
  });
});
