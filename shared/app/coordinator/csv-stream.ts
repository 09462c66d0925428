import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { cellText, type CsvCell } from '#domain/csv.ts';

/** Rows one at a time, from memory or from a paged read. */
export type RowSource = Iterable<readonly CsvCell[]> | AsyncIterable<readonly CsvCell[]>;

/**
 * The export's CSV as a stream of text chunks, written by csv-stringify with the domain's rules
 * (shared/domain/csv.ts, byte for byte the same as `toCsv`): CRLF line ends; fields quoted when
 * they hold a comma, quote, semicolon, CR or LF; formula starts neutralized. Rows are pulled
 * from `rows` only as fast as the reader takes chunks, so memory stays at a few pages.
 * `counted.rows` is the number of data rows written, final once the stream ends.
 */
export function csvChunks(headers: readonly string[], rows: RowSource, counted: { rows: number } = { rows: 0 }): AsyncIterable<string> {
  async function* cells(): AsyncGenerator<string[]> {
    yield [...headers];
    for await (const row of rows) {
      if (row.length !== headers.length) throw new RangeError(`row ${counted.rows} has ${row.length} cells, expected ${headers.length}`);
      counted.rows++;
      yield row.map(cellText);
    }
  }
  const writer = stringify({ record_delimiter: '\r\n', quoted_match: [/[;\r\n]/], eof: true });
  // pipeline (not pipe): a failed read destroys the writer, so the reader sees the error instead of waiting forever.
  pipeline(Readable.from(cells()), writer, () => {});
  return writer.setEncoding('utf8') as AsyncIterable<string>;
}
