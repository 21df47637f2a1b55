import { describe, expect, it } from 'vitest';
import { ChainwatchError } from '../core/errors.js';
import { renderCycloneDx } from './cyclonedx.js';
import { renderReport, REPORT_FORMATS } from './index.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { sampleReport } from './sample-report.fixture.js';
import { renderTable } from './table.js';
import type { ReportFormat } from './types.js';

describe('renderReport', () => {
  const report = sampleReport();
  const timestamp = new Date('2024-10-15T08:30:00.000Z');

  it.each<[ReportFormat, string]>([
    ['table', renderTable(report)],
    ['json', renderJson(report)],
    ['sarif', renderSarif(report)],
    ['cyclonedx', renderCycloneDx(report, { timestamp })],
    ['markdown', renderMarkdown(report)],
  ])('%s renders with that format module', (format, expected) => {
    expect(renderReport(report, format, { timestamp })).toBe(expected);
  });

  it('covers every format in REPORT_FORMATS', () => {
    for (const format of REPORT_FORMATS) expect(renderReport(report, format).endsWith('\n')).toBe(true);
  });

  it('passes colour and width to the table only', () => {
    expect(renderReport(report, 'table', { color: true, width: 80 })).toBe(renderTable(report, { color: true, width: 80 }));
    expect(renderReport(report, 'json', { color: true, width: 80 })).toBe(renderJson(report));
  });

  it('does not change the report it is given', () => {
    const before = structuredClone(report);
    for (const format of REPORT_FORMATS) renderReport(report, format);
    expect(report).toEqual(before);
  });

  it('rejects an unknown format from an untyped caller with a stable code', () => {
    expect(() => renderReport(report, 'html' as ReportFormat)).toThrow(ChainwatchError);
    try {
      renderReport(report, 'html' as ReportFormat);
    } catch (error) {
      expect((error as ChainwatchError).code).toBe('invalid-argument');
    }
  });
});
