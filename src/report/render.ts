import { ChainwatchError } from '../core/errors.js';
import type { RenderOptions } from './index.js';
import type { ScanReport } from '../scan/types.js';
import type { ReportFormat } from './types.js';

/**
 * renderReport for the CLI: loads only the chosen format's module, so a
 * `--format json` scan does not pay for the CycloneDX library (the largest
 * module chainwatch loads) or the other renderers.
 */
export async function renderReportLazily(report: ScanReport, format: ReportFormat, options: RenderOptions = {}): Promise<string> {
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
      throw new ChainwatchError('invalid-argument', `unknown report format: ${String(format satisfies never)}`);
  }
}
