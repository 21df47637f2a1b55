import { ChainwatchError } from '../core/errors.js';
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

/**
 * Renders a scan report in one of the REPORT_FORMATS. Pure: no I/O, same
 * input gives the same string. Loads only the chosen format's module, so a
 * `--format json` scan does not pay for the CycloneDX library (the largest
 * module chainwatch loads) or the other renderers.
 */
export async function renderReport(report: ScanReport, format: ReportFormat, options: RenderOptions = {}): Promise<string> {
  switch (format) {
    case 'table':
      return (await import('./table.js')).renderTable(report, { color: options.color, width: options.width });
    case 'json':
      return (await import('./json.js')).renderJson(report);
    case 'sarif':
      return (await import('./sarif.js')).renderSarif(report);
    case 'cyclonedx':
      return (await import('./cyclonedx.js')).renderCycloneDx(report, { timestamp: options.timestamp });
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdown(report);
    default:
      // Reachable only from untyped callers; cli/ validates --format against REPORT_FORMATS first.
      throw new ChainwatchError('invalid-argument', `unknown report format: ${String(format satisfies never)}`);
  }
}
