/**
 * `npm run simulate` (see infra/local/simulation/): the dry run of the whole trial on a virtual
 * clock, with the calibrated behaviour model, a terminal summary, simulation-report.html and
 * an optional --json summary.
 */
import { main } from './simulation/cli.ts';

export { runSimulation } from './simulation/run.ts';
export { formatSummary } from './simulation/format.ts';
export { renderReport } from './simulation/report.ts';
export type { SimulationSummary } from './simulation/metrics.ts';
export type { SimulationOptions, SimulationRun, SimPatient } from './simulation/types.ts';

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(`simulate failed: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  });
}
