/**
 * CSV for exports (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a
 * comma, a double quote, CR or LF; quotes doubled inside quotes). Fields holding a semicolon are
 * quoted too: spreadsheets in locales whose list separator is `;` (de, fr, …) split on it
 * (OWASP "CSV injection" advice).
 *
 * Exports are opened in spreadsheets, so text cells that start with = + - @ (or a tab / CR,
 * which some spreadsheets skip before reading a formula) are prefixed with ' to stop them
 * being run as formulas (OWASP "CSV injection"). Number cells, and text that is just a
 * plain decimal number such as "-2", are left as they are: they cannot carry a formula.
 */

export type CsvCell = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",;\r\n]/;

/** A cell's text before quoting: formula starts neutralized, booleans as true/false, non-finite numbers empty. */
export function cellText(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/** A cell as written in a line: its text, quoted when it holds a comma, quote, semicolon, CR or LF. */
export function csvField(cell: CsvCell): string {
  const text = cellText(cell);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Renders a header line and rows, each line ended by CRLF. Rows must have as many cells as headers. */
export function toCsv(headers: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [headers, ...rows].map((row, i) => {
    if (row.length !== headers.length) throw new RangeError(`row ${i} has ${row.length} cells, expected ${headers.length}`);
    return row.map(csvField).join(',');
  });
  return lines.map((line) => `${line}\r\n`).join('');
}

/** Parses RFC 4180 text (CRLF or LF line ends) into rows of strings. A final line end adds no row. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let fieldText = '';
  let inQuotes = false;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          fieldText += '"';
          i++;
        } else inQuotes = false;
      } else fieldText += ch;
      continue;
    }
    if (ch === '"' && fieldText === '') {
      inQuotes = true;
      fieldStarted = true;
    } else if (ch === ',') {
      row.push(fieldText);
      fieldText = '';
      fieldStarted = true;
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(fieldText);
      rows.push(row);
      row = [];
      fieldText = '';
      fieldStarted = false;
    } else {
      fieldText += ch;
      fieldStarted = true;
    }
  }
  if (inQuotes) throw new SyntaxError('unterminated quoted field');
  if (fieldStarted || row.length > 0) {
    row.push(fieldText);
    rows.push(row);
  }
  return rows;
}
