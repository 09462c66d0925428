// The relapse criterion (the trial's primary endpoint) at the edges responder-index.test.ts did
// not pin (found by the domain mutation run, docs/testing.md): a remission by the physician's
// "complete" response, which visits count as history, recurrence against the previous visit
// only, a new organ alone, sites scored 0, the exact text the physician reads, and the worksheet
// messages a coordinator sees.
import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Protocol } from '#domain/protocol.ts';
import { activeOrgans, checkWorksheet, relapseCriterion, type RiVisit, type RiWorksheet } from '#domain/responder-index.ts';

const protocol = loadProtocolFile();
const ri = protocol.responderIndex; // minRise 2, reference lowest_since_remission, remissionMaxTotal 0, serum IgG4 scored
const ws = (sites: [string, 0 | 1 | 2 | 3, boolean?][], serumIgG4: 0 | 1 | 2 | 3 | null = 0): RiWorksheet => ({
  sites: sites.map(([site, score, urgent]) => ({ site, score, urgent: urgent ?? false })),
  serumIgG4,
});
const visit = (visitKey: string, date: string, w: RiWorksheet, response: RiVisit['response'] = null): RiVisit => ({ visitKey, date, worksheet: w, response });
const withRelapse = (relapse: Partial<Protocol['responderIndex']['relapse']>): Protocol => ({ ...protocol, responderIndex: { ...ri, relapse: { ...ri.relapse, ...relapse } } });

describe('the reference visit', () => {
  it('a remission declared by the physician ("complete") starts the window even above the remission RI', () => {
    const m3 = visit('m3', '2027-04-05', ws([['pancreas', 2]])); // 2, before remission
    const m6 = visit('m6', '2027-07-05', ws([['pancreas', 3]]), 'complete'); // 3, remission by response
    const m9 = visit('m9', '2027-10-04', ws([['pancreas', 3]])); // 3
    const m12 = visit('m12', '2028-01-03', ws([['pancreas', 3]], 1)); // 4
    // Against the lowest since remission (m9, ties go to the latest): +1, not met. The lower m3
    // before the remission does not count.
    expect(relapseCriterion(m12, [m3, m6, m9], protocol)).toMatchObject({ met: false, rise: 1, reference: { visitKey: 'm9', total: 3 } });
    // Before any remission the lowest so far counts: +2 against m3.
    expect(relapseCriterion(m12, [m3], protocol)).toMatchObject({ met: true, rise: 2, reference: { visitKey: 'm3', total: 2 } });
  });

  it('a remission by RI (≤ remissionMaxTotal) starts the window without a "complete" response', () => {
    const m3 = visit('m3', '2027-04-05', ws([['pancreas', 1]])); // 1
    const m6 = visit('m6', '2027-07-05', ws([['pancreas', 2]])); // 2
    const m9 = visit('m9', '2027-10-04', ws([['pancreas', 2]], 1), 'partial'); // 3
    const m12 = visit('m12', '2028-01-03', ws([['pancreas', 3]])); // 3
    // remissionMaxTotal 1: m3 is a remission, the window is m3..m9 and its lowest is m3 (1): +2.
    expect(relapseCriterion(m12, [m3, m6, m9], withRelapse({ remissionMaxTotal: 1 }))).toMatchObject({ met: true, rise: 2, reference: { visitKey: 'm3', total: 1 } });
    // An RI exactly at remissionMaxTotal is a remission: the window starts there, not at a later "complete".
    const m9c = visit('m9', '2027-10-04', ws([['pancreas', 2]]), 'complete'); // 2
    expect(relapseCriterion(m12, [m3, m6, m9c], withRelapse({ remissionMaxTotal: 1 }))).toMatchObject({ met: true, rise: 2, reference: { visitKey: 'm3', total: 1 } });
    // remissionMaxTotal 0: no remission yet, the lowest so far is m3 as well.
    expect(relapseCriterion(m12, [m3, m6, m9], protocol)).toMatchObject({ met: true, rise: 2, reference: { visitKey: 'm3', total: 1 } });
  });

  it('the visit itself (also under an earlier date) and later visits are never its history', () => {
    const m6 = visit('m6', '2027-07-05', ws([['pancreas', 2]])); // 2
    const m12 = visit('m12', '2028-01-03', ws([['pancreas', 3]])); // 3
    const m12Old = visit('m12', '2027-12-20', ws([])); // the same visit before its date was corrected: 0
    const m15 = visit('m15', '2028-04-03', ws([])); // later: 0
    const c = relapseCriterion(m12, [m6, m12Old, m12, m15], protocol);
    expect(c).toMatchObject({ met: false, rise: 1, reference: { visitKey: 'm6', total: 2 } });
  });
});

describe('new and recurrent organs', () => {
  const strict = withRelapse({ minRise: 9 }); // the RI rise alone never decides here

  it('a new organ alone meets the criterion', () => {
    const base = visit('baseline', '2027-01-04', ws([['pancreas', 3]]));
    const c = relapseCriterion(visit('m6', '2027-07-05', ws([['pancreas', 1], ['kidney', 1]])), [base], strict);
    expect(c).toMatchObject({ met: true, newOrgans: ['kidney'], recurrentOrgans: [] });
    expect(c.text['zh-CN']).toContain('新受累器官：肾脏');
  });

  it('recurrence is judged against the previous visit only: resolved (0) there, 3 now', () => {
    const base = visit('baseline', '2027-01-04', ws([['pancreas', 3]]));
    const m3 = visit('m3', '2027-04-05', ws([['pancreas', 2]]));
    const m6 = visit('m6', '2027-07-05', ws([['pancreas', 0]]));
    const now = visit('m9', '2027-10-04', ws([['pancreas', 3]]));
    const c = relapseCriterion(now, [base, m3, m6], strict);
    expect(c).toMatchObject({ met: true, recurrentOrgans: ['pancreas'], newOrgans: [] });
    expect(c.text['zh-CN']).toBe('符合复发标准：RI 较第6个月复诊 +3（0 → 3；需 +9）；复发器官：胰腺');
    // Resolved earlier but active again at the previous visit (2): worse now, not a recurrence.
    const resolved = visit('m3', '2027-04-05', ws([]));
    const active = visit('m6', '2027-07-05', ws([['pancreas', 2]]));
    expect(relapseCriterion(now, [base, resolved, active], strict)).toMatchObject({ met: false, recurrentOrgans: [] });
  });

  it('a resolved organ back at 2 (persistent) is not a recurrence; an organ never involved at 3 is new, not recurrent', () => {
    const base = visit('baseline', '2027-01-04', ws([['pancreas', 3]]));
    const m6 = visit('m6', '2027-07-05', ws([]));
    expect(relapseCriterion(visit('m9', '2027-10-04', ws([['pancreas', 2]])), [base, m6], strict)).toMatchObject({ met: false, recurrentOrgans: [] });
    expect(relapseCriterion(visit('m9', '2027-10-04', ws([['liver', 3]])), [base, m6], strict)).toMatchObject({ met: true, newOrgans: ['liver'], recurrentOrgans: [] });
  });

  it('a site listed with score 0 is not an active organ', () => {
    expect(activeOrgans(ws([['pancreas', 0], ['kidney', 1], ['constitutional', 2]]), ri)).toEqual(['kidney']);
    const base = visit('baseline', '2027-01-04', ws([['pancreas', 3], ['kidney', 0]]));
    expect(relapseCriterion(base, [], protocol).baselineOrgans).toEqual(['pancreas']);
    // kidney listed at 0 at baseline was never involved: kidney 1 now is a new organ.
    expect(relapseCriterion(visit('m6', '2027-07-05', ws([['pancreas', 3], ['kidney', 1]])), [base], strict).newOrgans).toEqual(['kidney']);
  });
});

describe('the text the physician reads', () => {
  const base = visit('baseline', '2027-01-04', ws([['pancreas', 2]])); // 2

  it('a rise of exactly minRise meets it with no "needs"; no change is "+0"; a fall is negative', () => {
    const up = relapseCriterion(visit('m6', '2027-07-05', ws([['pancreas', 3]], 1)), [base], protocol);
    expect(up.text).toEqual({ en: 'criterion met: RI +2 since baseline visit (2 → 4)', 'zh-CN': '符合复发标准：RI 较基线访视 +2（2 → 4）' });
    const same = relapseCriterion(visit('m6', '2027-07-05', ws([['pancreas', 2]])), [base], protocol);
    expect(same.text).toEqual({ en: 'criterion not met: RI +0 since baseline visit (2 → 2; needs +2)', 'zh-CN': '不符合复发标准：RI 较基线访视 +0（2 → 2；需 +2）' });
    const down = relapseCriterion(visit('m6', '2027-07-05', ws([])), [base], protocol);
    expect(down.text.en).toBe('criterion not met: RI -2 since baseline visit (2 → 0; needs +2)');
  });

  it('first visit, new organs and recurrences, in both languages', () => {
    expect(relapseCriterion(base, [], protocol).text['zh-CN']).toBe('不符合复发标准：首次评分（RI 2），尚无参照');
    const c = relapseCriterion(visit('m6', '2027-07-05', ws([['pancreas', 2], ['kidney', 1], ['liver', 1]])), [base], protocol);
    expect(c.text).toEqual({
      en: 'criterion met: RI +2 since baseline visit (2 → 4); new organ: Kidney, Liver',
      'zh-CN': '符合复发标准：RI 较基线访视 +2（2 → 4）；新受累器官：肾脏、肝脏',
    });
    const two = relapseCriterion(
      visit('m9', '2027-10-04', ws([['pancreas', 3], ['kidney', 3]])),
      [visit('baseline', '2027-01-04', ws([['pancreas', 3], ['kidney', 3]])), visit('m6', '2027-07-05', ws([]))],
      protocol,
    );
    expect(two.text).toEqual({
      en: 'criterion met: RI +6 since month 6 visit (0 → 6); recurrence: Pancreas, Kidney',
      'zh-CN': '符合复发标准：RI 较第6个月复诊 +6（0 → 6）；复发器官：胰腺、肾脏',
    });
  });
});

describe('worksheet messages', () => {
  it('name the problem and the site', () => {
    const issues = checkWorksheet(ws([['spleen', 2], ['pancreas', 1], ['pancreas', 2], ['kidney', 0, true], ['liver', 0], ['lung', 2, true]]), ri, 'visits.m6');
    expect(issues[0]).toEqual({ path: 'visits.m6.sites.0.site', message: `unknown RI site "spleen" (the protocol lists ${ri.sites.map((s) => s.key).join(', ')})` });
    expect(issues.slice(1)).toEqual([
      { path: 'visits.m6.sites.2.site', message: 'site "pancreas" is scored twice' },
      { path: 'visits.m6.sites.3.urgent', message: 'only an active site (score 1–3) can be urgent' },
    ]);
  });

  it('a serum IgG4 score is refused only when the protocol does not score it', () => {
    const noSerum = { ...ri, serumIgG4: false };
    expect(checkWorksheet(ws([], 2), noSerum)).toEqual([{ path: 'worksheet.serumIgG4', message: 'this protocol does not score serum IgG4 in the RI' }]);
    expect(checkWorksheet(ws([], 0), noSerum)).toHaveLength(1);
    expect(checkWorksheet(ws([], null), noSerum)).toEqual([]);
    expect(checkWorksheet(ws([], 2), ri)).toEqual([]);
  });
});
