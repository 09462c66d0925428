import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnStack, type SpawnedStack } from './spawn-stack.ts';

/**
 * The coordinator console in a real headless Chromium (Debian's package), against the local
 * stack started as a user would: review, acknowledge, enroll with inline errors, and patient
 * text that tries to be HTML. Screenshots land in test-results/console/ (git-ignored).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve(import.meta.dirname, '../../test-results/console');
const XSS = '<img src=x onerror=alert(1)>';
const PHONE = '+12015550121';

describe('coordinator console in Chromium', () => {
  let stack: SpawnedStack;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const dialogs: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await spawnStack({ args: ['--virtual-clock=2027-01-04T00:00:00Z'] });
    const enrolled = await stack.call('POST', '/api/patients', {
      studyId: 'UI-001', phone: PHONE, timeZone: 'Asia/Shanghai', language: 'zh-CN', enrolledOn: '2027-01-04',
      doseTimes: { morning: '08:00', evening: '20:00' }, prednisoneStartMg: 40, discreet: false,
    });
    expect(enrolled.status).toBe(201);
    // Sent while no check-in is open, so it is not taken as an answer to one: it goes to review.
    expect((await stack.call('POST', '/local/sms/inbound', { from: PHONE, body: XSS })).body.interpretation.intent).toBe('unclear');
    await stack.call('POST', '/local/clock', { advanceMinutes: 12 * 60 + 5 }); // past the 20:00 reminder
    expect((await stack.call('POST', '/local/sms/inbound', { from: PHONE, body: '发烧39度，咳嗽' })).status).toBe(200);

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

  it('shows patient text as text: no image element, no script ran', async () => {
    await page.goto(`${stack.url}/#/review`);
    const raw = page.locator('.raw-text', { hasText: XSS });
    await raw.waitFor();
    expect(await raw.textContent()).toBe(XSS);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await expect.poll(() => page.locator('#virtual-time').textContent()).toContain('2027');
    await shot('01-review-queue');
  });

  it('reviews a report with one click and keyboard shortcuts, oldest first', async () => {
    const cards = page.locator('article.report');
    const before = await cards.count();
    expect(before).toBeGreaterThanOrEqual(2);
    // Oldest first: the HTML-looking text arrived first.
    await expect.poll(() => cards.first().locator('.raw-text').textContent()).toBe(XSS);
    await cards.first().locator('button[data-outcome="no_action"]').click();
    await expect.poll(() => cards.count()).toBe(before - 1);
    // Keyboard: the next card is selected; "2" = contacted patient.
    await page.locator('article.report').first().focus();
    await page.keyboard.press('2');
    await expect.poll(() => cards.count()).toBe(before - 2);
    const reviewed = await stack.call('GET', '/api/reports?status=reviewed');
    expect(reviewed.body.items.map((r: { review: { outcome: string } }) => r.review.outcome).sort()).toEqual(['contacted_patient', 'no_action']);
  });

  it('opens on Today: urgent first, one row per patient; acknowledge with an outcome, snooze, keyboard', async () => {
    // Two more patients text STOP: routine opt-out items (on the worklist, not pushed).
    for (const [studyId, phone] of [['UI-101', '+12015550131'], ['UI-102', '+12015550132']] as const) {
      const made = await stack.call('POST', '/api/patients', {
        studyId, phone, timeZone: 'Asia/Shanghai', language: 'en', enrolledOn: '2027-01-04',
        doseTimes: { morning: '08:00', evening: '20:00' }, prednisoneStartMg: 40, discreet: false,
      });
      expect(made.status).toBe(201);
      await stack.call('POST', '/local/sms/inbound', { from: phone, body: 'STOP' });
    }
    const pushed = (await stack.call('GET', '/local/alerts')).body.items as { urgent: boolean; studyId: string | null; subject: string }[];
    expect(pushed.filter((p) => p.studyId === 'UI-101' || p.studyId === 'UI-102')).toEqual([]);
    expect(pushed.find((p) => p.urgent)?.subject).toMatch(/^\[URGENT\] red flag: UI-001$/);

    await page.goto(`${stack.url}/`);
    const rows = page.locator('article.today-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    expect(await rows.first().getAttribute('class')).toContain('urgent');
    expect(await rows.first().locator('.kinds').textContent()).toBe('Red flag');
    expect(await rows.nth(1).locator('.kinds').textContent()).toBe('Opted out of SMS');
    await shot('02-today');

    // Acknowledge the red flag with an outcome and a note (mouse).
    const urgentId = await rows.first().getAttribute('data-alert-id');
    await rows.first().getByLabel('Note').fill('Called: fever clinic today.');
    await rows.first().getByRole('button', { name: /Called/ }).click();
    await expect.poll(() => rows.count()).toBe(2);
    const acked = (await stack.call('GET', '/api/alerts?status=acknowledged')).body.items as { id: string; ackOutcome?: string; ackNote?: string }[];
    expect(acked.find((a) => a.id === urgentId)).toMatchObject({ ackOutcome: 'called', ackNote: 'Called: fever clinic today.' });

    // Keyboard: s = snooze the selected row until a date.
    const snoozedId = await rows.first().getAttribute('data-alert-id');
    await rows.first().focus();
    await page.keyboard.press('s');
    expect(await rows.first().locator('.snooze-date').evaluate((el) => el === (el.ownerDocument.activeElement as unknown))).toBe(true);
    await page.keyboard.type('01102027');
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.count()).toBe(1);
    const open = (await stack.call('GET', '/api/alerts?status=open')).body.items as { id: string; snoozedUntil?: string }[];
    expect(open.find((a) => a.id === snoozedId)?.snoozedUntil).toBe('2027-01-10');

    // Keyboard: 4 = no action needed (the note defaults to the outcome).
    const lastId = await rows.first().getAttribute('data-alert-id');
    await rows.first().focus();
    await page.keyboard.press('4');
    await expect.poll(() => rows.count()).toBe(0);
    const done = (await stack.call('GET', '/api/alerts?status=acknowledged')).body.items as { id: string; ackOutcome?: string }[];
    expect(done.find((a) => a.id === lastId)?.ackOutcome).toBe('no_action_needed');

    // zh-CN labels.
    await page.goto(`${stack.url}/#/today`);
    await page.locator('#lang-toggle').click();
    await page.locator('h1', { hasText: '今日待办' }).waitFor();
    await page.locator('#lang-toggle').click();
    await page.locator('h1', { hasText: 'Today' }).waitFor();
  });

  it('enrolls: a bad phone number gets an inline error at the field, a valid one enrolls', async () => {
    await page.goto(`${stack.url}/#/enroll`);
    await page.getByLabel('Study ID').fill('UI-002');
    await page.getByLabel(/Mobile phone/).fill('12345');
    await page.getByRole('button', { name: 'Enroll' }).click();
    const phoneError = page.locator('[data-field="phone"] .field-error');
    await expect.poll(() => phoneError.textContent()).toContain('E.164');
    expect(await page.getByLabel(/Mobile phone/).getAttribute('aria-invalid')).toBe('true');
    await shot('03-enroll-invalid-phone');

    // A landline cannot receive SMS: the form says so at the field (issue 17 part 3).
    await page.getByLabel(/Mobile phone/).fill('+86 10 6915 6114');
    await page.getByRole('button', { name: 'Enroll' }).click();
    await expect.poll(() => phoneError.textContent()).toContain('+86 10 6915 6114 is a landline');

    await page.getByLabel(/Mobile phone/).fill('+12015550122');
    await page.getByRole('button', { name: 'Enroll' }).click();
    await page.waitForURL(/#\/patients\//);
    await page.locator('h1', { hasText: 'UI-002' }).waitFor();
    const list = await stack.call('GET', '/api/patients');
    expect(list.body.items.map((p: { studyId: string }) => p.studyId).sort()).toEqual(['UI-001', 'UI-002', 'UI-101', 'UI-102']);
  });

  it('exports download through the link the API answers (issue 13 part 4)', async () => {
    await page.goto(`${stack.url}/#/exports`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByText('patients.csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^patients-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(new URL(download.url()).pathname).toMatch(/^\/local\/exports\/patients\//);
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    expect(text.split('\r\n')[0]).toMatch(/^studyId,status,arm,/);
    expect(text).toContain('UI-001');
    expect(text).not.toContain('+1');
  });

  it('shows the patient page, the patient phone, digests and the Chinese UI (screenshots)', async () => {
    const patients = (await stack.call('GET', '/api/patients')).body.items as { id: string; studyId: string }[];
    const first = patients.find((p) => p.studyId === 'UI-001')!;
    await stack.call('POST', '/local/sms/inbound', { from: PHONE, body: '1' });
    await stack.call('POST', '/local/clock', { advanceMinutes: 7 * 24 * 60 });
    const requested: string[] = [];
    const onRequest = (request: { url(): string }) => requested.push(new URL(request.url()).pathname);
    page.on('request', onRequest);
    await page.goto(`${stack.url}/#/patients/${first.id}`);
    await page.locator('svg.chart, .panel p.muted').first().waitFor();
    await page.locator('.thread .bubble').first().waitFor();
    page.off('request', onRequest);
    // The page reads this patient only: its thread route and the detail's daily series, never a whole-study export.
    expect(requested).toContain(`/api/patients/${first.id}/messages`);
    expect(requested.filter((path) => path.startsWith('/api/exports/'))).toEqual([]);
    const bubbles = await page.locator('.thread .bubble').allTextContents();
    expect(bubbles.some((text) => text.includes(XSS))).toBe(true);
    expect(bubbles.some((text) => text.includes('发烧39度'))).toBe(true);
    expect(await page.locator('.thread img').count()).toBe(0);
    // Each inbound text can be opened for its handling and the provider's origin metadata (no phone numbers).
    const origin = page.locator('.thread .bubble.in details').first();
    await origin.locator('summary', { hasText: 'Handling and origin' }).click();
    expect(await origin.textContent()).toContain('SNS message id');
    expect(await origin.textContent()).not.toMatch(/\+1555|\+1201555/); // neither the study's number nor the patient's
    await shot('04-patient-page');
    await page.goto(`${stack.url}/#/patients`);
    await page.locator('table a', { hasText: 'UI-001' }).waitFor();
    await shot('05-patients');
    await page.goto(`${stack.url}/#/phone`);
    await page.getByLabel('Patient phone number').fill(PHONE);
    await page.getByLabel('Message').fill('今天早上的药吃了');
    await page.getByRole('button', { name: 'Send SMS' }).click();
    await expect.poll(() => page.locator('#phone-result').textContent()).toContain('Understood as');
    await shot('06-phone-simulator');
    await page.goto(`${stack.url}/#/digests`);
    await page.locator('h1', { hasText: 'Weekly safety digests' }).waitFor();
    await page.locator('.digest-text, .empty').first().waitFor();
    await shot('07-digests');
    await page.locator('#lang-toggle').click();
    await page.locator('h1', { hasText: '每周安全摘要' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    // A side effect to review: its CTCAE term by its Chinese name, the coded English term beside it.
    expect((await stack.call('POST', '/local/sms/inbound', { from: PHONE, body: '这两天拉肚子，一天三四次' })).status).toBe(200);
    await page.goto(`${stack.url}/#/review`);
    await page.locator('h1', { hasText: '待审核报告' }).waitFor();
    await page.getByText('腹泻（Diarrhea）的分级').first().waitFor();
    await shot('08-review-zh');
    await page.locator('#lang-toggle').click();
    await page.getByText('Grade of Diarrhea').first().waitFor();
    await page.locator('#lang-toggle').click();
    expect(dialogs).toEqual([]);
    // A virtual week of four patients (dispatch, sweep, daily summaries) on a shared 2-core machine.
  }, 120_000);
});
