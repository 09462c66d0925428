/**
 * Issue 17 part 1 through the API on dynalite: the RI worksheet, its computed total, the relapse
 * criterion (preview and stored), the physician's confirm / overrule (reason required, audited),
 * and a typed total refused.
 */
import { describe, expect, it } from 'vitest';
import { gatherDigestInput, type WeeklyDigestDeps } from '#app/weekly-digest.ts';
import { buildWeeklyDigest, renderDigestText } from '#domain/digest.ts';
import { useApi } from '../support/api-harness.ts';

const api = useApi();

const completed = (visitKey: string, date: string, sites: { site: string; score: number; urgent?: boolean }[], serumIgG4: number, relapse: Record<string, unknown>, response = 'partial') => ({
  body: { kind: 'completed', visitKey, date, worksheet: { sites, serumIgG4 }, response, relapse },
});

describe('RI worksheet and relapse criterion', () => {
  it('baseline → remission at m9 → m15 with a new organ: total computed, criterion met against the remission low, confirmed', async () => {
    const { call, enroll, clock } = await api.setup();
    const p = await enroll();
    clock.set('2028-05-01T02:00:00Z');
    const base = await call('POST', `/api/patients/${p.id}/visits`, completed('baseline', '2027-01-04', [{ site: 'pancreas', score: 3, urgent: true }, { site: 'bile_ducts', score: 3 }], 3, { decision: false }, 'none'));
    expect(base.status).toBe(200);
    expect(base.json.record).toMatchObject({ riTotal: 12, riInstrument: 'IgG4-RD RI 2018', criterion: { met: false, reference: null, baselineOrgans: ['pancreas', 'bile_ducts'] } });
    await call('POST', `/api/patients/${p.id}/visits`, completed('m9', '2027-10-04', [], 0, { decision: false }, 'complete'));
    await call('POST', `/api/patients/${p.id}/visits`, completed('m12', '2028-01-03', [{ site: 'pancreas', score: 1 }], 0, { decision: false }));

    // the console asks for the criterion before the physician decides
    const worksheet = { sites: [{ site: 'pancreas', score: 1 }, { site: 'submandibular_glands', score: 2 }], serumIgG4: 0 };
    const preview = await call('POST', `/api/patients/${p.id}/visits/criterion`, { body: { visitKey: 'm15', date: '2028-04-03', worksheet } });
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({ met: true, total: 3, rise: 3, reference: { visitKey: 'm9', total: 0 }, newOrgans: ['submandibular_glands'] });
    expect(preview.json.text.en).toBe('criterion met: RI +3 since month 9 visit (0 → 3); new organ: Submandibular glands');
    expect(preview.json.text['zh-CN']).toBe('符合复发标准：RI 较第9个月复诊 +3（0 → 3）；新受累器官：颌下腺');

    const m15 = await call('POST', `/api/patients/${p.id}/visits`, { body: { kind: 'completed', visitKey: 'm15', date: '2028-04-03', worksheet, response: 'none', relapse: { decision: true, organs: ['submandibular gland'] } } });
    expect(m15.status).toBe(200);
    expect(m15.json.record).toMatchObject({ riTotal: 3, relapse: true, criterion: { met: true } });
    expect(m15.json.record.overruleReason).toBeUndefined();
  });

  it('overruling the criterion needs a reason; with one it is stored, audited, and visible in the export', async () => {
    const { call, enroll, clock, deps } = await api.setup();
    const p = await enroll();
    clock.set('2027-05-01T02:00:00Z');
    await call('POST', `/api/patients/${p.id}/visits`, completed('m1', '2027-02-03', [{ site: 'lacrimal_glands', score: 2 }], 1, { decision: false }));
    const body = completed('m3', '2027-04-05', [{ site: 'lacrimal_glands', score: 3, urgent: true }], 1, { decision: false }); // 7: +4
    const refused = await call('POST', `/api/patients/${p.id}/visits`, body);
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual([{ path: 'relapse.reason', message: expect.stringContaining('criterion met: RI +4 since month 1 visit') }]);
    expect(await deps.visits.get(p.id, 'm3')).toBeNull(); // nothing stored

    const reason = 'swelling is a chalazion, not dacryoadenitis (ophthalmology seen today)';
    const overruled = await call('POST', `/api/patients/${p.id}/visits`, { body: { ...body.body, relapse: { decision: false, reason } } });
    expect(overruled.status).toBe(200);
    expect(overruled.json.record).toMatchObject({ relapse: false, overruleReason: reason, criterion: { met: true, rise: 4 } });
    const audit = (await deps.audit.listForEntity('patient', p.id)).filter((e) => e.action === 'visit.record').at(-1)!;
    expect(audit).toMatchObject({ action: 'visit.record', reason: `relapse criterion overruled: ${reason}`, after: { riTotal: 7, criterionMet: true, relapse: false, overruleReason: reason } });

    const csv = (await call('GET', '/api/exports/visits.csv')).text;
    const m3 = csv.split('\n').find((l) => l.includes(',m3,'))!;
    expect(m3).toContain(reason);
    expect(m3).toMatch(/,lacrimal_glands,1,7,IgG4-RD RI 2018,lowest_since_remission,m1,3,4,true,,,partial,false,false,/);

    // the weekly digest of the week the overrule was recorded lists it (from the week's audit entries)
    const digestDeps = { ...deps, language: 'en', smsCostPerPartUsd: 0.01 } as unknown as WeeklyDigestDeps;
    const input = await gatherDigestInput(digestDeps, '2027-W17', '2027-05-03T00:00:00Z');
    expect(input.relapseOverrules).toEqual([expect.objectContaining({ studyId: p.studyId, visit: 'month 3 visit', date: '2027-04-05', criterionMet: true, decision: false, reason })]);
    expect(renderDigestText(buildWeeklyDigest(input), 'en')).toContain(`month 3 visit, 2027-04-05, criterion met, physician decided no relapse; reason: ${reason}`);
    // a correction that agrees with the criterion clears it
    clock.advanceMinutes(5);
    await call('POST', `/api/patients/${p.id}/visits`, { body: { ...body.body, relapse: { decision: true } } });
    expect((await gatherDigestInput(digestDeps, '2027-W17', '2027-05-03T00:00:00Z')).relapseOverrules).toEqual([]);
  });

  it('a typed total, an unknown site, urgent on a quiet site and an out-of-scale score are refused by name', async () => {
    const { call, enroll } = await api.setup();
    const p = await enroll();
    const typed = await call('POST', `/api/patients/${p.id}/visits`, { body: { kind: 'completed', visitKey: 'm1', date: '2027-02-03', riTotal: 4, relapse: { decision: false } } });
    expect(typed.status).toBe(400);
    expect(typed.json.errors).toEqual([expect.objectContaining({ path: 'riTotal', message: expect.stringContaining('computed from the worksheet') })]);
    const bad = await call('POST', `/api/patients/${p.id}/visits`, completed('m1', '2027-02-03', [{ site: 'spleen', score: 2 }, { site: 'kidney', score: 0, urgent: true }], 0, { decision: false }));
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual(['worksheet.sites.0.site', 'worksheet.sites.1.urgent']);
    const scale = await call('POST', `/api/patients/${p.id}/visits`, completed('m1', '2027-02-03', [{ site: 'kidney', score: 4 }], 0, { decision: false }));
    expect(scale.status).toBe(400);
    expect(scale.json.errors[0].path).toBe('worksheet.sites.0.score');
  });
});
