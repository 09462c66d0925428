import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatSummary } from './format.ts';
import { renderReport } from './report.ts';
import { runSimulation } from './run.ts';

const HELP = `npm run simulate -- [options]
  --patients=60 --months=18 --enroll-days=90 --seed=1 --start=2027-01-04T00:00:00Z
  --coordinators=2 --cost-per-part=0.03
  --protocol=<file>         a protocol file to try instead of protocol/nct05789017.protocol.json (rules, templates, lanes)
  --store=memory|dynalite   memory (default): in-memory repositories held to the same contract tests;
                            dynalite: the DynamoDB adapters on dynalite (faithful, ~25× slower)
  --report=simulation-report.html   the self-contained HTML report ('' to skip)
  --json=<file>             the summary as JSON (also the per-week and per-month series)`;

/** `npm run simulate`: runs the default dry run (60 patients enrolled over 90 days, 18 months each) unless told otherwise. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string', default: '1' },
      patients: { type: 'string', default: '60' },
      months: { type: 'string', default: '18' },
      'enroll-days': { type: 'string', default: '90' },
      start: { type: 'string', default: '2027-01-04T00:00:00Z' },
      coordinators: { type: 'string', default: '2' },
      'cost-per-part': { type: 'string', default: '0.03' },
      store: { type: 'string', default: 'memory' },
      protocol: { type: 'string' },
      report: { type: 'string', default: 'simulation-report.html' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const number = (name: string, text: string, min: number) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${text}`);
    return value;
  };
  if (values.store !== 'memory' && values.store !== 'dynalite') throw new Error(`--store must be memory or dynalite, got ${values.store}`);
  if (Number.isNaN(Date.parse(values.start))) throw new Error(`--start must be an ISO instant, got ${values.start}`);
  const tty = process.stderr.isTTY;
  const summary = await runSimulation({
    seed: Math.floor(number('seed', values.seed, 0)),
    patients: Math.floor(number('patients', values.patients, 1)),
    months: number('months', values.months, 0.25),
    enrollDays: Math.floor(number('enroll-days', values['enroll-days'], 0)),
    start: values.start,
    coordinators: Math.floor(number('coordinators', values.coordinators, 1)),
    costPerPartUsd: number('cost-per-part', values['cost-per-part'], 0),
    store: values.store,
    ...(values.protocol ? { protocolPath: values.protocol } : {}),
    // One line rewritten in place on a terminal; a line every few seconds in a log.
    progress: (line, final) => {
      if (tty && !line.includes('\n')) process.stderr.write(`\r${line.padEnd(110)}${final ? '\n' : ''}`);
      else process.stderr.write(`${line}\n`);
    },
  });
  console.log(formatSummary(summary));
  if (values.report) {
    writeFileSync(values.report, renderReport(summary, new Date().toISOString()));
    console.log(`\nReport: ${values.report}`);
  }
  if (values.json) {
    writeFileSync(values.json, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`JSON:   ${values.json}`);
  }
}
