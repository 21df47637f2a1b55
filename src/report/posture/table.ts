import type { CheckResult, PostureReport } from '../../posture/types.js';
import { CHECK_ORDER, OUTCOME_LABEL, checkText } from './check-metadata.js';
import { findingLocation, orderPostureReport } from './ordering.js';
import type { PostureRenderOptions } from './types.js';
import { hasWaiverInForce, waiverScope, waiverUses } from './waived.js';

const GAP = '  ';
/** Appended to a waived cell: the outcome stays visible, the waiver is marked. */
export const WAIVED_MARK = '(w)';

/**
 * The terminal view: a matrix of repositories × checks (and organisations ×
 * organisation checks), one short word per cell, then the legend, the
 * waivers, expired waivers and unreachable sources. Findings are not listed:
 * `--format markdown` or `json` has them.
 */
export function renderPostureTable(report: PostureReport, options: PostureRenderOptions = {}): string {
  const ordered = orderPostureReport(report, options.importance);
  const lines: string[] = [];
  const repoColumns = columnsOf(ordered.repos.flatMap((repo) => repo.checks));
  if (ordered.repos.length > 0) {
    for (const line of matrix('Repository', ordered.repos.map((repo) => ({ name: repo.repo, checks: repo.checks })), repoColumns)) lines.push(line);
  } else {
    lines.push('No repositories collected.');
  }
  const orgColumns = columnsOf(ordered.orgs.flatMap((org) => org.checks));
  if (ordered.orgs.length > 0 && orgColumns.length > 0) {
    lines.push('');
    for (const line of matrix('Organisation', ordered.orgs.map((org) => ({ name: org.org, checks: org.checks })), orgColumns)) lines.push(line);
  }

  const shown = [...repoColumns, ...orgColumns];
  if (shown.length > 0) {
    lines.push('', 'Legend: pass, PARTIAL, FAIL, ERROR; n/a = could not tell from this source; - = not applicable; (w) = waived');
    for (const id of shown) lines.push(`  ${checkText(id).column.padEnd(Math.max(...shown.map((column) => checkText(column).column.length)))}  ${id}`);
  }

  const waived = [
    ...ordered.repos.flatMap((repo) => repo.checks.filter(hasWaiverInForce).map((check) => ({ subject: repo.repo, check }))),
    ...ordered.orgs.flatMap((org) => org.checks.filter(hasWaiverInForce).map((check) => ({ subject: org.org, check }))),
  ];
  if (waived.length > 0) {
    lines.push('', 'Waived:');
    for (const { subject, check } of waived) {
      // A check still failing on findings no waiver covers says so: only the waived findings are accepted.
      const state = check.waiver ? check.outcome : `${check.outcome}, ${check.findings.length} finding(s) not waived`;
      for (const { waiver, findings } of waiverUses(check)) {
        const scope = findings === null ? '' : `${findings.length} finding(s) for ${waiverScope(waiver)}: `;
        lines.push(`  ${subject} ${check.id} (${state}): ${scope}${waiver.reason} (approved by ${waiver.approvedBy}, expires ${waiver.expires})`);
      }
    }
  }
  if (ordered.expiredWaivers.length > 0) {
    lines.push('', 'Expired waivers (not applied):');
    for (const expired of ordered.expiredWaivers) {
      const scope = waiverScope(expired);
      lines.push(`  ${expired.repo} ${expired.check}${scope ? ` (${scope})` : ''}: expired ${expired.expires}: ${expired.reason}`);
    }
  }
  const errors = ordered.repos.flatMap((repo) => repo.checks.filter((check) => check.outcome === 'error').map((check) => ({ subject: repo.repo, check })));
  if (errors.length > 0) {
    lines.push('', 'Errors:');
    for (const { subject, check } of errors) {
      const where = check.findings.map(findingLocation).find((location) => location !== null);
      lines.push(`  ${subject} ${check.id}: ${where ? `${where}: ` : ''}${check.summary}`);
    }
  }
  const unreachable = ordered.sources.filter((source) => !source.reachable);
  if (unreachable.length > 0) {
    lines.push('', 'Unreachable sources (checks that need them are n/a):');
    for (const source of unreachable) lines.push(`  ${source.name}${source.error ? `: ${source.error}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The checks present in any row, in report order. */
function columnsOf(checks: readonly CheckResult[]): string[] {
  const present = new Set(checks.map((check) => check.id as string));
  const known = CHECK_ORDER.filter((id) => present.has(id));
  const unknown = [...present].filter((id) => !(CHECK_ORDER as readonly string[]).includes(id)).sort();
  return [...known, ...unknown];
}

function cell(check: CheckResult | undefined): string {
  if (!check) return '';
  const label = OUTCOME_LABEL[check.outcome] ?? check.outcome;
  return check.waiver ? `${label}${WAIVED_MARK}` : label;
}

function matrix(title: string, rows: readonly { name: string; checks: readonly CheckResult[] }[], columns: readonly string[]): string[] {
  const header = [title, ...columns.map((id) => checkText(id).column)];
  const body = rows.map((row) => [row.name, ...columns.map((id) => cell(row.checks.find((check) => check.id === id)))]);
  const widths = header.map((text) => text.length);
  for (const cells of body) {
    widths.forEach((width, column) => {
      widths[column] = Math.max(width, cells[column]!.length);
    });
  }
  const line = (cells: readonly string[]): string => cells.map((text, column) => text.padEnd(widths[column]!)).join(GAP).trimEnd();
  return [line(header), ...body.map(line)];
}
