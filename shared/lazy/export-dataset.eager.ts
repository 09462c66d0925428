// `#lazy/export-dataset` outside a Lambda bundle: the export use case itself. In a bundle: export-dataset.lazy.ts.
export { exportDataset, type ExportDeps, type ExportResult } from '#app/coordinator/export-dataset.ts';
