import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnStack, type SpawnedStack } from './spawn-stack.ts';

/**
 * Issue 17: the visit form is the RI worksheet, in a real headless Chromium against the local
 * stack: organ rows keyed by keyboard (0–3 moves on, "u" marks urgent), a live total, the
 * baseline organs marked, the criterion computed by the server while the physician decides, the
 * overrule reason asked for only on disagreement, and the Chinese labels.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve(import.meta.dirname, '../../test-results/console');

describe('RI worksheet in Chromium', () => {
  let stack: SpawnedStack;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let patientId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await spawnStack({ args: ['--virtual-clock=2027-05-01T00:00:00Z'] });
    const enrolled = await stack.call('POST', '/api/patients', {
      studyId: 'RI-001', phone: '+12015550131', timeZone: 'Asia/Shanghai', language: 'zh-CN', enrolledOn: '2027-01-04',
      doseTimes: { morning: '08:00', evening: '20:00' }, prednisoneStartMg: 40, discreet: false,
    });
    expect(enrolled.status).toBe(201);
    patientId = enrolled.body.id ?? enrolled.body.patient?.id;
    // baseline: pancreas and submandibular glands involved; m1: remission (RI 0)
    const base = await stack.call('POST', `/api/patients/${patientId}/visits`, {
      kind: 'completed', visitKey: 'baseline', date: '2027-01-04', worksheet: { sites: [{ site: 'pancreas', score: 3 }, { site: 'submandibular_glands', score: 2 }], serumIgG4: 3 }, relapse: { decision: false },
    });
    expect(base.status).toBe(200);
    expect((await stack.call('POST', `/api/patients/${patientId}/visits`, { kind: 'completed', visitKey: 'm1', date: '2027-02-03', worksheet: { sites: [], serumIgG4: 0 }, response: 'complete', relapse: { decision: false } })).status).toBe(200);

    userDataDir = mkdtempSync(join(tmpdir(), 'trial-chromium-ri-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 1400 },
      locale: 'en-US',
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await stack?.dispose();
  });

  it('scores by keyboard with a live total, shows the criterion, asks for a reason only to overrule, and records the visit', async () => {
    await page.goto(`${stack.url}/#/patients/${patientId}`);
    const sheet = page.locator('#ri-worksheet');
    await sheet.waitFor();
    // baseline organs are marked
    expect(await page.locator('tr[data-site="pancreas"] .ri-baseline').count()).toBe(1);
    expect(await page.locator('tr[data-site="submandibular_glands"] .ri-baseline').count()).toBe(1);
    expect(await page.locator('tr[data-site="kidney"] .ri-baseline').count()).toBe(0);

    await page.locator('#f-visitKey').selectOption('m3');
    await page.locator('#f-date').fill('2027-04-05');
    // keyboard: lacrimal glands 2 (focus moves to the next row), then back up, "u" marks it urgent
    const lacrimal = page.getByLabel('Lacrimal glands: score');
    await lacrimal.focus();
    await page.keyboard.press('2');
    expect(await page.locator('input.ri-score:focus').getAttribute('data-site')).toBe('parotid_glands');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('u');
    expect(await page.getByLabel('Lacrimal glands: urgent').isChecked()).toBe(true);
    await page.getByLabel('Serum IgG4 (0–3)').fill('1');
    await page.getByLabel('Serum IgG4 (0–3)').dispatchEvent('input');
    await expect.poll(() => page.locator('#ri-total').textContent()).toBe('5'); // 2 × 2 + 1
    await expect.poll(() => page.locator('#ri-criterion').textContent()).toBe('criterion met: RI +5 since month 1 visit (0 → 5); new organ: Lacrimal glands');

    // the decision defaults to "no", which differs from the criterion: the reason field shows; "yes" hides it
    const reasonField = page.locator('[data-field="relapse.reason"]');
    expect(await reasonField.isHidden()).toBe(false);
    await page.locator('#f-relapse-decision').selectOption('true');
    expect(await reasonField.isHidden()).toBe(true);
    // "no" without a reason: the server refuses it, the error sits at the reason field
    await page.locator('#f-relapse-decision').selectOption('false');
    expect(await reasonField.isHidden()).toBe(false);
    await page.getByRole('button', { name: 'Record visit' }).click();
    await expect.poll(() => page.locator('[data-field="relapse.reason"] .field-error').textContent()).toContain('overrules it and needs a reason');
    // decision "yes" agrees: the reason field goes away and the visit is recorded with the computed total
    await page.locator('#f-relapse-decision').selectOption('true');
    expect(await reasonField.isHidden()).toBe(true);
    await page.getByRole('button', { name: 'Record visit' }).click();
    await expect
      .poll(async () => (await stack.call('GET', `/api/patients/${patientId}`)).body.visits.find((v: { key: string }) => v.key === 'm3')?.record?.riTotal ?? null)
      .toBe(5);
    const m3 = (await stack.call('GET', `/api/patients/${patientId}`)).body.visits.find((v: { key: string }) => v.key === 'm3').record;
    expect(m3).toMatchObject({ relapse: true, worksheet: { sites: [{ site: 'lacrimal_glands', score: 2, urgent: true }], serumIgG4: 1 }, criterion: { met: true, newOrgans: ['lacrimal_glands'] } });
    await page.screenshot({ path: join(SHOTS, '09-ri-worksheet.png'), fullPage: true });
  });

  it('shows the worksheet and the criterion in Chinese', async () => {
    await page.goto(`${stack.url}/#/patients/${patientId}`);
    await page.locator('#lang-toggle').click();
    await page.locator('legend', { hasText: 'IgG4-RD 应答指数评分表' }).waitFor();
    expect(await page.getByLabel('颌下腺：评分').count()).toBe(1);
    await page.locator('#f-visitKey').selectOption('m6');
    await page.locator('#f-date').fill('2027-07-05');
    await page.getByLabel('肾脏：评分').focus();
    await page.keyboard.press('3');
    await expect.poll(() => page.locator('#ri-total').textContent()).toBe('3');
    await expect.poll(() => page.locator('#ri-criterion').textContent()).toBe('符合复发标准：RI 较第1个月复诊 +3（0 → 3）；新受累器官：肾脏');
    await page.screenshot({ path: join(SHOTS, '10-ri-worksheet-zh.png'), fullPage: true });
  });

  it('labels reply intents in the review queue: a supply problem with the drug, not a raw code', async () => {
    const sent = await stack.call('POST', '/local/sms/inbound', { from: '+12015550131', body: '泼尼松吃完了，还没去医院拿药' });
    expect(sent.body.interpretation).toMatchObject({ intent: 'supply', supplyDrugs: ['prednisone'] });
    await page.goto(`${stack.url}/#/review`);
    const dd = page.locator('dd[data-intent="supply"]').first();
    await dd.waitFor();
    expect(await dd.textContent()).toBe('药品供应问题'); // the language chosen in the previous test
    expect(await page.locator('dd', { hasText: '泼尼松' }).count()).toBeGreaterThan(0);
  });
});
