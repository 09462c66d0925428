import { describe, it, expect } from 'vitest';
import { parseCsv, toCsv } from '../../shared/domain/csv.ts';

describe('toCsv', () => {
  it('writes a header and rows with CRLF line ends', () => {
    expect(toCsv(['studyId', 'rate'], [['IGG-001', 0.9], ['IGG-002', null]])).toBe('studyId,rate\r\nIGG-001,0.9\r\nIGG-002,\r\n');
  });

  it('quotes fields holding commas, quotes or newlines, doubling quotes', () => {
    expect(toCsv(['a', 'b', 'c'], [['x,y', 'say "hi"', 'line1\nline2']])).toBe('a,b,c\r\n"x,y","say ""hi""","line1\nline2"\r\n');
  });

  it('quotes fields holding a semicolon, for spreadsheets that split on it (OWASP)', () => {
    expect(toCsv(['organs', 'plain'], [['pancreas;bile duct', 'x']])).toBe('organs,plain\r\n"pancreas;bile duct",x\r\n');
    expect(parseCsv(toCsv(['a'], [['=1;2']]))[1]).toEqual(["'=1;2"]);
  });

  it('neutralizes formula injection in text cells starting with = + - @', () => {
    const csv = toCsv(['t'], [['=HYPERLINK("http://x")'], ['+cmd'], ['-1+1'], ['@SUM(A1)'], ['\t=1']]);
    expect(parseCsv(csv).slice(1).map((r) => r[0])).toEqual(["'=HYPERLINK(\"http://x\")", "'+cmd", "'-1+1", "'@SUM(A1)", "'\t=1"]);
  });

  it('keeps numbers as numbers, negative ones and numeric text included', () => {
    expect(toCsv(['n', 'm', 's'], [[-3, -0.5, '-2']])).toBe('n,m,s\r\n-3,-0.5,-2\r\n');
  });

  it('writes booleans as true/false and non-finite numbers as empty', () => {
    expect(toCsv(['b', 'n'], [[true, Number.NaN]])).toBe('b,n\r\ntrue,\r\n');
  });

  it('keeps Chinese text and CTCAE terms intact', () => {
    expect(parseCsv(toCsv(['term', 'note'], [['Diarrhea', '腹泻，三次']]))).toEqual([['term', 'note'], ['Diarrhea', '腹泻，三次']]);
  });

  it('rejects a row whose width differs from the header', () => {
    expect(() => toCsv(['a', 'b'], [['only one']])).toThrow(RangeError);
  });
});

describe('parseCsv', () => {
  it('round-trips what toCsv writes, including empty fields and quoted CRLF', () => {
    const rows = [['a', '', 'x\r\ny', '"q"', 'p,q']];
    expect(parseCsv(toCsv(['1', '2', '3', '4', '5'], rows))).toEqual([['1', '2', '3', '4', '5'], ...rows]);
  });

  it('accepts LF line ends and no final line end', () => {
    expect(parseCsv('a,b\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('returns no rows for empty text, and one empty field for a lone line end', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\r\n')).toEqual([['']]);
  });

  it('rejects an unterminated quote', () => {
    expect(() => parseCsv('"abc')).toThrow(SyntaxError);
  });
});

// Edges the mutation run found unpinned (docs/testing.md): a quote inside a field, a lone CR, a
// last line that is a single empty or quoted field, and the words of each refusal.
describe('parseCsv edges', () => {
  it('keeps a quote that is not at the start of a field as text', () => {
    expect(parseCsv('ab"c,d\r\n')).toEqual([['ab"c', 'd']]);
  });

  it('ends a line at a lone CR as at CRLF or LF, without swallowing the next character', () => {
    expect(parseCsv('a,b\rc,d\r\n')).toEqual([['a', 'b'], ['c', 'd']]);
    expect(parseCsv('a\r\nb\nc\rd')).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(parseCsv('a\n\nb')).toEqual([['a'], [''], ['b']]);
  });

  it('keeps a last line without a line end when it is a quoted empty field or ends in an empty field', () => {
    expect(parseCsv('a\r\n""')).toEqual([['a'], ['']]);
    expect(parseCsv('a\r\nb,')).toEqual([['a'], ['b', '']]);
    expect(parseCsv('a\r\n,')).toEqual([['a'], ['', '']]);
    expect(parseCsv('a\r\nx')).toEqual([['a'], ['x']]);
  });

  it('says what is wrong', () => {
    expect(() => parseCsv('a,"b')).toThrow('unterminated quoted field');
    expect(() => toCsv(['a', 'b'], [['1', '2'], ['1']])).toThrow('row 2 has 1 cells, expected 2');
  });

  it('writes false as false', () => {
    expect(toCsv(['ok'], [[false], [true]])).toBe('ok\r\nfalse\r\ntrue\r\n');
  });
});
