import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.js';

describe('csv', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    [' padded', '" padded"'],
    // Formula injection: text that a spreadsheet would evaluate gets a leading quote.
    ['=HYPERLINK("http://evil.example.test")', `"'=HYPERLINK(""http://evil.example.test"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=cmd', "'\t=cmd"],
    ['a=b', 'a=b'],
  ])('escapes %j as %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('keeps numbers numbers (a negative number is not a formula) and writes null as empty', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
  });

  it('writes a header and rows with CRLF line ends', () => {
    expect(toCsv(['id', 'summary'], [['GHSA-1', 'a, b'], ['GHSA-2', null]])).toBe('id,summary\r\nGHSA-1,"a, b"\r\nGHSA-2,\r\n');
  });
});
