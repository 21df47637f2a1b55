import type { Finding, SeverityLevel } from '../advisories/types.js';
import { orderReport } from './ordering.js';
import { describeCoverage, describeSummary, formatLocation, otherIds, pluralize, severityLabel, summarizeReport } from './summary.js';
import type { ScanImage, ScanReport } from '../scan/types.js';

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

/**
 * The findings table. With `groups` (an image scan: one per layer), each
 * group's rows follow its heading line, every group in the same columns.
 */
function renderFindingsTable(findings: readonly Finding[], options: TableOptions, groups?: readonly { heading: string; findings: readonly Finding[] }[]): string[] {
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
  const head = [line(TABLE_HEADER.map((text) => ({ text }))), widths.map((width) => '-'.repeat(width)).join(COLUMN_GAP)];
  if (groups === undefined) return [...head, ...rows.map((row, index) => line(row, findings[index]!.severity.level))];
  const rowOf = new Map(findings.map((finding, index) => [finding, rows[index]!]));
  const lines = [...head];
  for (const group of groups) {
    lines.push(options.width === undefined ? group.heading : fit({ text: group.heading }, options.width));
    for (const finding of group.findings) lines.push(line(rowOf.get(finding)!, finding.severity.level));
  }
  return lines;
}

/** The layer a finding's package came from: its first location's (the order is path, then line). */
function layerOf(finding: Finding): number | undefined {
  return finding.locations.find((location) => location.layer !== undefined)?.layer;
}

/** `layer 3/5 RUN pip install … (sha256:0a1b2c3d4e5f)`: a layer as people recognise it, by what made it. */
function describeLayer(image: ScanImage, index: number | undefined): string {
  const layer = index === undefined ? undefined : image.layers[index];
  if (layer === undefined) return 'layer unknown';
  const made = layer.createdBy === null ? 'made by an instruction the image history does not record' : layer.createdBy.replace(/\s+/g, ' ');
  return `layer ${layer.index + 1}/${image.layers.length} ${made} (${layer.digest.slice(0, 19)})`;
}

/** The image's own lines: what it is, its OS, and each layer with the packages it brought. */
function describeImage(report: ScanReport, image: ScanImage): string[] {
  const perLayer = new Map<number, number>();
  for (const pkg of report.packages) {
    const layers = new Set(pkg.locations.flatMap((location) => (location.layer === undefined ? [] : [location.layer])));
    for (const layer of layers) perLayer.set(layer, (perLayer.get(layer) ?? 0) + 1);
  }
  const os = image.os ? `${image.os.prettyName ?? `${image.os.id} ${image.os.versionId ?? ''}`.trim()}${image.os.ecosystem ? ` (advisories: ${image.os.ecosystem})` : ' (no advisories known for this OS)'}` : 'OS unknown (no /etc/os-release)';
  const lines = [`Image ${image.source}${image.platform ? ` ${image.platform}` : ''}${image.manifestDigest ? ` ${image.manifestDigest}` : ''}`, `  ${os}`];
  for (const layer of image.layers) lines.push(`  ${describeLayer(image, layer.index)}: ${pluralize(perLayer.get(layer.index) ?? 0, 'package')}`);
  return lines;
}

/** Findings by the layer that brought their package, base layer first; the order within a layer is kept. */
function groupByLayer(findings: readonly Finding[]): [number | undefined, Finding[]][] {
  const groups = new Map<number | undefined, Finding[]>();
  for (const finding of findings) {
    const layer = layerOf(finding);
    const group = groups.get(layer);
    if (group) group.push(finding);
    else groups.set(layer, [finding]);
  }
  return [...groups].sort(([a], [b]) => (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER));
}

/** The terminal report: the findings table, then one summary line, then what went wrong. */
export function renderTable(report: ScanReport, options: TableOptions = {}): string {
  const ordered = orderReport(report);
  const lines: string[] = [];
  if (ordered.image) {
    for (const line of describeImage(ordered, ordered.image)) lines.push(line);
    lines.push('');
  }
  if (ordered.findings.length > 0) {
    const image = ordered.image;
    const groups = image ? groupByLayer(ordered.findings).map(([layer, findings]) => ({ heading: describeLayer(image, layer), findings })) : undefined;
    for (const line of renderFindingsTable(ordered.findings, options, groups)) lines.push(line);
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
