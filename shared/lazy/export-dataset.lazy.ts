// `#lazy/export-dataset` in a Lambda bundle: the CSV export (its tables, the CSV stream, csv-stringify) comes from export-dataset.cjs beside index.mjs, on the first export request.
import type * as Side from '#app/coordinator/export-dataset.ts';
import { loadSideModule } from './load.ts';
import { EXPORT_DATASET_SIDE } from './side-modules.ts';

export type { ExportDeps, ExportResult } from '#app/coordinator/export-dataset.ts';
export const exportDataset: typeof Side.exportDataset = (deps, dataset, options) => loadSideModule<typeof Side>(EXPORT_DATASET_SIDE).exportDataset(deps, dataset, options);
