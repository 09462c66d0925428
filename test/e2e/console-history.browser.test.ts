import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnStack, type SpawnedStack } from './spawn-stack.ts';

/**
 * The patient page's history tab in a real headless Chromium against the local stack: who changed
 * what, when and why, with before/after highlighted, and who viewed the record; both languages.
 * Screenshots land in test-results/console/ (git-ignored).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve(import.meta.dirname, '../../test-results/console');
const XSS_REASON = 'moved <b onmouseover=alert(1)>abroad</b>';

describe('patient history tab in Chromium', () => {
  let stack: SpawnedStack;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let patientId = '';
  const dialogs: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await spawnStack({ args: ['--virtual-clock=2027-01-04T00:00:00Z'] });
    const enrolled = await stack.call('POST', '/api/patients', {
      studyId: 'HIST-001', phone: '+15555550171', timeZone: 'Asia/Shanghai', language: 'zh-CN', enrolledOn: '2027-01-04',
      doseTimes: { morning: '08:00', evening: '20:00' }, prednisoneStartMg: 40, discreet: false,
    });
    expect(enrolled.status).toBe(201);
    patientId = enrolled.body.id;
    expect((await stack.call('PATCH', `/api/patients/${patientId}`, { timeZone: 'Europe/Berlin', reason: XSS_REASON })).status).toBe(200);
    expect((await stack.call('POST', `/api/patients/${patientId}/status`, { action: 'pause', reason: 'hospital stay' })).status).toBe(200);

    userDataDir = mkdtempSync(join(tmpdir(), 'trial-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 900 },
      locale: 'en-US',
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await stack?.dispose();
  });

  it('opens from the patient page and lists each change newest first with its reason and highlighted before/after', async () => {
    await page.goto(`${stack.url}/#/patients/${encodeURIComponent(patientId)}`);
    await page.locator('#tab-history').click();
    const rows = page.locator('#history > tbody > tr.history-write');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(0).getAttribute('data-action')).toBe('patient.pause');
    expect(await rows.nth(1).getAttribute('data-action')).toBe('patient.update');
    expect(await rows.nth(2).getAttribute('data-action')).toBe('patient.enroll');
    const update = rows.nth(1);
    expect(await update.locator('td').nth(2).textContent()).toBe('Settings changed');
    expect(await update.locator('td').nth(1).textContent()).toBe('local:coordinator');
    // The reason is shown as text, never as markup.
    expect(await update.locator('td').nth(3).textContent()).toBe(XSS_REASON);
    expect(await page.locator('#history b').count()).toBe(0);
    // The changed field: old value struck, new value marked.
    const changed = update.locator('table.diff tr.changed');
    expect(await changed.locator('th').textContent()).toBe('timeZone');
    expect(await changed.locator('del.diff-before').textContent()).toBe('Asia/Shanghai');
    expect(await changed.locator('ins.diff-after').textContent()).toBe('Europe/Berlin');
    const pause = rows.nth(0);
    expect(await pause.locator('td').nth(3).textContent()).toBe('hospital stay');
    expect(await pause.locator('del.diff-before').first().textContent()).toBe('active');
    expect(await pause.locator('ins.diff-after').first().textContent()).toBe('paused');
    await page.screenshot({ path: join(SHOTS, 'history-en.png'), fullPage: true });
  });

  it('shows who viewed the record, and hides the views on request', async () => {
    const reads = page.locator('#history > tbody > tr.history-read');
    // Opening the patient page, then this history (its own view of the patient page and of the history).
    await expect.poll(() => reads.count()).toBeGreaterThanOrEqual(2);
    const actions = await reads.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')));
    expect(actions).toContain('read.patient.profile');
    expect(await reads.first().locator('td').nth(2).textContent()).toMatch(/^viewed /);
    await page.locator('#history-show-views').uncheck();
    await expect.poll(() => reads.count()).toBe(0);
    expect(await page.locator('#history > tbody > tr.history-write').count()).toBe(3);
  });

  it('reads in Chinese too', async () => {
    await page.locator('#lang-toggle').click();
    await expect.poll(() => page.locator('#history > tbody > tr.history-write').nth(1).locator('td').nth(2).textContent()).toBe('修改设置');
    expect(await page.locator('h1').textContent()).toBe('HIST-001 的历史记录');
    expect(await page.locator('#history > thead th').allTextContents()).toEqual(['时间', '操作人', '操作', '原因', '修改内容']);
    await page.screenshot({ path: join(SHOTS, 'history-zh.png'), fullPage: true });
    expect(dialogs).toEqual([]);
  });
});
