import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { renderReport, runSimulation, type SimulationSummary } from '#infra/local/simulate.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHARTS = ['sms-per-week', 'sms-per-patient-month', 'adherence-induction', 'adherence-MMF', 'adherence-LEF', 'pushes-per-week', 'items-per-patient-week', 'red-flags', 'relapses'];

/**
 * The report a study team opens: a small cohort past randomization (so both arms have data),
 * rendered to simulation-report.html, opened in headless Chromium with the network cut off;
 * every chart must be there and draw data, and the file must need nothing from outside.
 */
describe('simulation-report.html in headless Chromium', () => {
  let dir: string | undefined;
  let context: BrowserContext | undefined;
  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows every chart with data, the headline figures and the final digest, offline', async () => {
    const summary: SimulationSummary = await runSimulation({
      seed: 2,
      patients: 6,
      months: 6.6,
      enrollDays: 3,
      start: '2027-01-04T00:00:00Z',
      coordinators: 2,
      costPerPartUsd: 0.03,
      dataDir: null,
    });
    expect(summary.redFlagPushMinutes.count).toBeGreaterThan(0);
    dir = mkdtempSync(join(tmpdir(), 'sim-report-'));
    const file = join(dir, 'simulation-report.html');
    writeFileSync(file, renderReport(summary, '2027-01-01T00:00:00Z'));

    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      offline: true,
    });
    const requests: string[] = [];
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(`file://${file}`);
    const charts = await page.$$eval('figure[data-chart]', (figures) =>
      figures.map((f) => ({
        id: f.getAttribute('data-chart'),
        points: Number(f.getAttribute('data-points')),
        marks: f.querySelectorAll('svg rect, svg circle').length,
        width: f.querySelector('svg')?.getBoundingClientRect().width ?? 0,
      })),
    );
    expect(charts.map((c) => c.id)).toEqual(CHARTS);
    for (const chart of charts) {
      expect(chart.points, chart.id!).toBeGreaterThan(0);
      expect(chart.marks, chart.id!).toBeGreaterThan(0);
      expect(chart.width, chart.id!).toBeGreaterThan(300);
    }
    const text = await page.textContent('body');
    expect(text).toContain('Pushes per coordinator-week');
    expect(text).toContain(`${summary.smsSent}`);
    expect(text).toContain(summary.digestWeek!);
    expect(requests).toEqual([]);
  }, 600_000);
});
