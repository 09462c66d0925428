import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Protocol } from '#domain/protocol.ts';
import { checkWorksheet, relapseCriterion, riTotal, riWorksheetSchema, type RiVisit, type RiWorksheet } from '#domain/responder-index.ts';

const protocol = loadProtocolFile();
const ri = protocol.responderIndex;
const ws = (sites: [string, 0 | 1 | 2 | 3, boolean?][], serumIgG4: 0 | 1 | 2 | 3 | null = null): RiWorksheet => ({ sites: sites.map(([site, score, urgent]) => ({ site, score, urgent: urgent ?? false })), serumIgG4 });
const visit = (visitKey: string, date: string, w: RiWorksheet, response: RiVisit['response'] = null): RiVisit => ({ visitKey, date, worksheet: w, response });

describe('RI total', () => {
  it('sums site scores, doubles urgent sites, adds the serum IgG4 item', () => {
    expect(riTotal(ws([['pancreas', 3, true], ['submandibular_glands', 2]], 1), ri)).toBe(3 * 2 + 2 + 1);
    expect(riTotal(ws([]), ri)).toBe(0);
  });
  it('leaves the serum IgG4 item out when the protocol does not score it, and uses the protocol multiplier', () => {
    const other = { ...ri, serumIgG4: false, urgentMultiplier: 3 };
    expect(riTotal(ws([['pancreas', 2, true]], 3), other)).toBe(6);
  });
  it('rejects unknown and repeated sites, urgent on a quiet site, and out-of-scale scores', () => {
    const issues = checkWorksheet(ws([['spleen', 2], ['pancreas', 1], ['pancreas', 2], ['kidney', 0, true]]), ri);
    expect(issues.map((i) => i.path)).toEqual(['worksheet.sites.0.site', 'worksheet.sites.2.site', 'worksheet.sites.3.urgent']);
    expect(riWorksheetSchema.safeParse({ sites: [{ site: 'pancreas', score: 4 }] }).success).toBe(false);
    expect(riWorksheetSchema.parse({ sites: [{ site: 'pancreas', score: 2 }] })).toEqual({ sites: [{ site: 'pancreas', score: 2, urgent: false }], serumIgG4: null });
  });
});

describe('relapse criterion', () => {
  const baseline = visit('baseline', '2027-01-04', ws([['pancreas', 3], ['bile_ducts', 3, true]], 3));
  const m6 = visit('m6', '2027-07-05', ws([['pancreas', 1]], 1), 'partial'); // 2
  const m9 = visit('m9', '2027-10-04', ws([], 0), 'complete'); // 0: remission
  const m12 = visit('m12', '2028-01-03', ws([['pancreas', 1]], 0)); // 1

  it('first scored visit: no reference, not met, its organs are the baseline organs', () => {
    const c = relapseCriterion(baseline, [], protocol);
    expect(c).toMatchObject({ met: false, reference: null, rise: null, total: 12, baselineOrgans: ['pancreas', 'bile_ducts'] });
    expect(c.text.en).toBe('criterion not met: first scored visit (RI 12): no reference yet');
  });

  it('RI +3 against the lowest RI since remission, with a new organ, in both languages', () => {
    const m15 = visit('m15', '2028-04-03', ws([['pancreas', 1], ['submandibular_glands', 2]], 0));
    const c = relapseCriterion(m15, [baseline, m6, m9, m12], protocol);
    expect(c).toMatchObject({ met: true, total: 3, reference: { visitKey: 'm9', total: 0 }, rise: 3, newOrgans: ['submandibular_glands'], recurrentOrgans: [] });
    expect(c.text.en).toBe('criterion met: RI +3 since month 9 visit (0 → 3); new organ: Submandibular glands');
    expect(c.text['zh-CN']).toBe('符合复发标准：RI 较第9个月复诊 +3（0 → 3）；新受累器官：颌下腺');
  });

  it('a slow creep (+1, +1) meets the criterion against the remission low, not against the previous visit', () => {
    const m15 = visit('m15', '2028-04-03', ws([['pancreas', 2]], 0)); // 2: +2 since m9, +1 since m12
    expect(relapseCriterion(m15, [baseline, m6, m9, m12], protocol)).toMatchObject({ met: true, rise: 2, reference: { visitKey: 'm9' } });
    const previousRule: Protocol = { ...protocol, responderIndex: { ...ri, relapse: { ...ri.relapse, reference: 'previous_visit' } } };
    const c = relapseCriterion(m15, [baseline, m6, m9, m12], previousRule);
    expect(c).toMatchObject({ met: false, rise: 1, reference: { visitKey: 'm12', total: 1 } });
    expect(c.text.en).toBe('criterion not met: RI +1 since month 12 visit (1 → 2; needs +2)');
  });

  it('before any remission, the reference is the lowest RI so far (ties: the latest)', () => {
    const m3 = visit('m3', '2027-04-05', ws([['pancreas', 2]], 1)); // 3
    const m6b = visit('m6', '2027-07-05', ws([['pancreas', 2]], 1)); // 3
    const m9b = visit('m9', '2027-10-04', ws([['pancreas', 3, true]], 1)); // 7
    expect(relapseCriterion(m9b, [baseline, m3, m6b], protocol)).toMatchObject({ met: true, rise: 4, reference: { visitKey: 'm6', total: 3 } });
  });

  it('a baseline organ resolved at the previous visit and scored 3 again is a recurrence even when the RI rises by less than 2', () => {
    const m12r = visit('m12', '2028-01-03', ws([['bile_ducts', 3]], 0)); // 3 vs m9 0 → +3 anyway; use a protocol with a high minRise
    const strict: Protocol = { ...protocol, responderIndex: { ...ri, relapse: { ...ri.relapse, minRise: 5 } } };
    const c = relapseCriterion(m12r, [baseline, m6, m9], strict);
    expect(c).toMatchObject({ met: true, rise: 3, recurrentOrgans: ['bile_ducts'], newOrgans: [] });
    expect(c.text.en).toContain('recurrence: Bile ducts');
  });

  it('constitutional symptoms count in the total but are not a new organ; the visit itself and later visits are not history', () => {
    const m12c = visit('m12', '2028-01-03', ws([['constitutional', 1]], 0));
    const later = visit('m15', '2028-04-03', ws([['liver', 3]], 3));
    expect(relapseCriterion(m12c, [baseline, m6, m9, m12c, later], protocol)).toMatchObject({ met: false, total: 1, rise: 1, newOrgans: [] });
  });
});
