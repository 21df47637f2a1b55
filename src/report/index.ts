import { ChainwatchError } from '../core/errors.js';
import { renderCycloneDx } from './cyclonedx.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';
import type { ScanReport } from '../scan/types.js';
import type { ReportFormat } from './types.js';

export interface RenderOptions {
  /** Table only: ANSI colour by severity. Off by default; cli/ decides. */
  color?: boolean;
  /** Table only: terminal width to fit into. */
  width?: number;
  /** CycloneDX only: the scan time, for `metadata.timestamp` and the serial number. */
  timestamp?: Date;
}

/** Renders a scan report in one of the REPORT_FORMATS. Pure: no I/O, same input gives the same string. */
export function renderReport(report: ScanReport, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'table':
      return renderTable(report, { color: options.color, width: options.width });
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report);
    case 'cyclonedx':
      return renderCycloneDx(report, { timestamp: options.timestamp });
    case 'markdown':
      return renderMarkdown(report);
    default:
      // Reachable only from untyped callers; cli/ validates --format against REPORT_FORMATS first.
      throw new ChainwatchError('invalid-argument', `unknown report format: ${String(format satisfies never)}`);
  }
}

export { renderCycloneDx, renderJson, renderMarkdown, renderSarif, renderTable };
export { buildCycloneDxDocument } from './cyclonedx.js';
export type { CycloneDxOptions } from './cyclonedx.js';
export { SCAN_JSON_SCHEMA, toScanJsonDocument } from './json.js';
export type { ScanJsonDocument } from './json.js';
export { buildSarifLog } from './sarif.js';
export type { TableOptions } from './table.js';
export { orderReport } from './ordering.js';
export { REPORT_FORMATS } from './types.js';
export type { ReportFormat } from './types.js';
