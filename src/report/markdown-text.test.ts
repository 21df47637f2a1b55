import { describe, expect, it } from 'vitest';
import type { Severity } from '../advisories/types.js';
import { describeSeverity, escapeMarkdown, markdownCode, markdownTable } from './markdown-text.js';

describe('escapeMarkdown', () => {
  it.each([
    ['jupyter_server', 'jupyter\\_server'],
    ['an html <form>', 'an html \\<form\\>'],
    ['a | b', 'a \\| b'],
    ['*bold* [link](x) `code` #1 ~x~', '\\*bold\\* \\[link\\](x) \\`code\\` \\#1 \\~x\\~'],
    ['C:\\path', 'C:\\\\path'],
    ['two\nlines\r\nhere', 'two lines here'],
    ['GHSA-4952-p58q-6crx', 'GHSA-4952-p58q-6crx'],
  ])('%j -> %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});

describe('markdownCode', () => {
  it.each([
    ['6.4.12', '`6.4.12`'],
    ['a|b', '`a\\|b`'],
    ['x`y', "`x'y`"],
  ])('%j -> %j', (input, expected) => {
    expect(markdownCode(input)).toBe(expected);
  });
});

describe('markdownTable', () => {
  it('writes header, separator and rows', () => {
    expect(markdownTable(['A', 'B'], [['1', '2']])).toBe('| A | B |\n| --- | --- |\n| 1 | 2 |');
  });
});

describe('describeSeverity', () => {
  it.each<[Severity, string]>([
    [{ level: 'high', score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', source: 'CVSS_V3' }, 'high (CVSS_V3 7.5) `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N`'],
    [{ level: 'medium', source: 'database' }, 'medium (database)'],
    [{ level: 'unknown', source: 'none' }, 'unknown'],
  ])('%j -> %s', (severity, expected) => {
    expect(describeSeverity(severity)).toBe(expected);
  });
});
