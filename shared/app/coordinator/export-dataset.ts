import { randomUUID } from 'node:crypto';
import type { ExportStore } from '#ports/export-store.ts';
import { csvChunks } from './csv-stream.ts';
import type { CoordinatorDeps } from './deps.ts';
import { exportTable, type ExportDataset, type ExportOptions } from './exports.ts';

/** How long a download link works: long enough to click, short enough that a forwarded link is dead. */
export const EXPORT_LINK_SECONDS = 300;

export interface ExportDeps extends CoordinatorDeps {
  exportStore: ExportStore;
}

/** What the caller gets: a link, not the file (an export can be far larger than an API response may be). */
export interface ExportResult {
  dataset: ExportDataset;
  filename: string;
  url: string;
  expiresAt: string;
  rows: number;
  bytes: number;
}

/**
 * The export use case: writes one dataset as CSV to the export store, streamed row by row (the
 * file is never whole in memory, whatever its size), and answers with a short-lived link.
 * The one entry point for every export, whoever asks: read-auditing an export goes here.
 */
export async function exportDataset(deps: ExportDeps, dataset: ExportDataset, options: ExportOptions): Promise<ExportResult> {
  const table = await exportTable(deps, dataset, options);
  const day = options.now.slice(0, 10);
  const filename = `${dataset}-${day}.csv`;
  const object = { key: `${dataset}/${day}/${randomUUID()}.csv`, filename, contentType: 'text/csv; charset=utf-8' };
  const counted = { rows: 0 };
  const { bytes } = await deps.exportStore.write(object, csvChunks(table.headers, table.rows, counted));
  const link = await deps.exportStore.link(object, EXPORT_LINK_SECONDS);
  return { dataset, filename, rows: counted.rows, bytes, ...link };
}
