import type { Finding, SeverityLevel } from '../advisories/types.js';
import { orderReport } from './ordering.js';
import { describeCoverage, describeSummary, formatLocation, otherIds, pluralize, severityLabel, summarizeReport } from './summary.js';
import type { ScanReport } from '../scan/types.js';

export interface TableOptions {
  /** ANSI colour on the severity cell. Off by default: cli/ decides (TTY, NO_COLOR). */
  color?: boolean;
  /** Terminal width; wide columns are cut with `…` to fit. No limit when absent. */
  width?: number;
}

export const TABLE_HEADER = ['Severity', 'Package', 'Version', 'Advisory', 'Fixed in', 'Location'] as const;

const COLUMN_GAP = '  ';

const SEVERITY_COLOR: Record<SeverityLevel, string> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  none: '\u001b[2m',
  unknown: '\u001b[2m',
};
const RESET = '\u001b[0m';

/**
 * Which columns give way, in order, when the table is wider than the
 * terminal, and how narrow each may get. Severity and Version are short and
 * never cut; the advisory keeps at least a whole GHSA id (19 characters), the
 * one thing a reader must be able to copy.
 */
const SHRINK_ORDER: readonly { column: number; minimum: number }[] = [
  { column: 5, minimum: 15 },
  { column: 4, minimum: 8 },
  { column: 1, minimum: 12 },
  { column: 3, minimum: 19 },
];

/** A cell's text, and a shorter form that drops detail instead of cutting characters. */
interface Cell {
  text: string;
  short?: string;
}

function findingRow(finding: Finding, showEcosystem: boolean): Cell[] {
  const others = otherIds(finding).length;
  const [first, ...rest] = finding.locations;
  return [
    { text: severityLabel(finding.severity) },
    showEcosystem
      ? { text: `${finding.package.name} (${finding.package.ecosystem})`, short: finding.package.name }
      : { text: finding.package.name },
    { text: finding.package.version },
    others > 0 ? { text: `${finding.id} (+${others})`, short: finding.id } : { text: finding.id },
    { text: finding.fixed.length > 0 ? finding.fixed.join(', ') : '-' },
    first === undefined
      ? { text: '-' }
      : rest.length > 0
        ? { text: `${formatLocation(first)} +${rest.length} more`, short: formatLocation(first) }
        : { text: formatLocation(first) },
  ];
}

function fit(cell: Cell, width: number): string {
  if (cell.text.length <= width) return cell.text;
  const text = cell.short !== undefined && cell.short.length <= width ? cell.short : cell.text;
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * Natural widths, then narrowed in SHRINK_ORDER until the table fits
 * `maximumWidth`. Never below the minimums: a very narrow terminal wraps.
 */
function columnWidths(rows: readonly (readonly Cell[])[], maximumWidth: number | undefined): number[] {
  // A loop, not Math.max(...lengths): a report may hold more findings than a call takes arguments.
  const widths = TABLE_HEADER.map((header) => header.length);
  for (const row of rows) {
    widths.forEach((width, column) => {
      widths[column] = Math.max(width, row[column]?.text.length ?? 0);
    });
  }
  if (maximumWidth === undefined) return widths;
  let excess = widths.reduce((sum, width) => sum + width, 0) + COLUMN_GAP.length * (widths.length - 1) - maximumWidth;
  for (const { column, minimum } of SHRINK_ORDER) {
    if (excess <= 0) break;
    const current = widths[column]!;
    const cut = Math.min(excess, Math.max(0, current - minimum));
    widths[column] = current - cut;
    excess -= cut;
  }
  return widths;
}

function renderFindingsTable(findings: readonly Finding[], options: TableOptions): string[] {
  const showEcosystem = new Set(findings.map((finding) => finding.package.ecosystem)).size > 1;
  const rows = findings.map((finding) => findingRow(finding, showEcosystem));
  const widths = columnWidths(rows, options.width);
  const line = (cells: readonly Cell[], level?: SeverityLevel): string =>
    cells
      .map((cell, column) => {
        const padded = fit(cell, widths[column]!).padEnd(widths[column]!);
        // Colour wraps the padded cell so escape codes never disturb alignment.
        return column === 0 && level !== undefined && options.color ? `${SEVERITY_COLOR[level]}${padded}${RESET}` : padded;
      })
      .join(COLUMN_GAP)
      .trimEnd();
  return [
    line(TABLE_HEADER.map((text) => ({ text }))),
    widths.map((width) => '-'.repeat(width)).join(COLUMN_GAP),
    ...rows.map((row, index) => line(row, findings[index]!.severity.level)),
  ];
}

/** The terminal report: the findings table, then one summary line, then what went wrong. */
export function renderTable(report: ScanReport, options: TableOptions = {}): string {
  const ordered = orderReport(report);
  const lines: string[] = [];
  if (ordered.findings.length > 0) {
    for (const line of renderFindingsTable(ordered.findings, options)) lines.push(line);
    lines.push('');
  }
  const summary = summarizeReport(ordered);
  lines.push(describeSummary(summary));
  if (ordered.coverage.length > 0) {
    lines.push('', 'Advisory coverage:');
    const width = Math.max(...ordered.coverage.map((entry) => entry.ecosystem.length));
    const counts = ordered.coverage.map((entry) => pluralize(entry.packages, 'package'));
    const countWidth = Math.max(...counts.map((text) => text.length));
    ordered.coverage.forEach((entry, index) => lines.push(`  ${entry.ecosystem.padEnd(width)}  ${counts[index]!.padEnd(countWidth)}  ${describeCoverage(entry)}`));
  }
  if (ordered.errors.length > 0) {
    lines.push('', 'Errors:');
    for (const error of ordered.errors) lines.push(`  ${formatLocation(error)}: ${error.message} [${error.code}]`);
  }
  if (ordered.notScannable.length > 0) {
    lines.push('', 'Not scannable:');
    for (const entry of ordered.notScannable) lines.push(`  ${formatLocation(entry.location)}: ${entry.name}: ${entry.reason}`);
  }
  const unreachable = summary.unreachableSources;
  if (unreachable.length > 0) {
    lines.push('', 'Unreachable advisory sources (their findings are missing):');
    for (const source of unreachable) lines.push(`  ${source.name}${source.error ? `: ${source.error}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
