import type { Finding } from '../advisories/types.js';
import { describeSeverity, escapeMarkdown, markdownCode, markdownTable } from './markdown-text.js';
import { compareText } from '../core/compare.js';
import { groupFindingsByAdvisory, mostSevere, orderReport } from './ordering.js';
import { describeSummary, formatLocation, otherIds, severityLabel, summarizeReport } from './summary.js';
import type { ScanReport } from '../scan/types.js';

function codeList(values: readonly string[], empty: string): string {
  return values.length > 0 ? values.map(markdownCode).join(', ') : empty;
}

function findingsTable(findings: readonly Finding[]): string {
  return markdownTable(
    ['Severity', 'Package', 'Version', 'Advisory', 'Also known as', 'Fixed in', 'Locations'],
    findings.map((finding) => [
      severityLabel(finding.severity),
      `${escapeMarkdown(finding.package.name)} (${finding.package.ecosystem})`,
      markdownCode(finding.package.version),
      markdownCode(finding.id),
      codeList(otherIds(finding), '-'),
      codeList(finding.fixed, 'no fix known'),
      codeList(finding.locations.map(formatLocation), '-'),
    ]),
  );
}

function advisoryDetails(id: string, findings: readonly Finding[]): string[] {
  const representative = mostSevere(findings);
  const { severity } = representative;
  const ids = [...new Set(findings.flatMap((finding) => finding.ids))].sort(compareText);
  const lines = [`### ${escapeMarkdown(id)}${representative.summary ? `: ${escapeMarkdown(representative.summary)}` : ''}`, ''];
  lines.push(
    `- **Severity:** ${describeSeverity(severity)}`,
    `- **Ids:** ${codeList(ids, '-')}`,
    '- **Affected packages:**',
  );
  for (const finding of findings) {
    const fixed = finding.fixed.length > 0 ? `fixed in ${codeList(finding.fixed, '')}` : 'no fixed version known';
    const where = finding.locations.length > 0 ? `; found in ${codeList(finding.locations.map(formatLocation), '')}` : '';
    lines.push(
      `  - ${escapeMarkdown(finding.package.name)} ${markdownCode(finding.package.version)} (${finding.package.ecosystem}): ${fixed}${where}`,
    );
  }
  const references = [...new Set(findings.flatMap((finding) => finding.references ?? []))];
  if (references.length > 0) {
    lines.push('- **References:**');
    for (const reference of references) lines.push(`  - <${reference}>`);
  }
  lines.push('');
  return lines;
}

/** A report to paste into an issue: summary, findings table, one section per advisory, then what went wrong. */
export function renderMarkdown(report: ScanReport): string {
  const ordered = orderReport(report);
  const summary = summarizeReport(ordered);
  const lines = ['# chainwatch scan report', '', `**${escapeMarkdown(describeSummary(summary))}**`, ''];
  const targets = ordered.targets.length > 0 ? ` of ${codeList(ordered.targets, '')}` : '';
  lines.push(`Scan${targets} by chainwatch ${escapeMarkdown(ordered.tool.version)}.`, '');

  if (ordered.coverage.length > 0) {
    lines.push(
      '## Advisory coverage',
      '',
      markdownTable(
        ['Ecosystem', 'Packages', 'Advisories', 'Newest modified', 'Checked'],
        ordered.coverage.map((entry) => [
          entry.ecosystem,
          String(entry.packages),
          String(entry.advisories),
          entry.newestModified === null ? '-' : markdownCode(entry.newestModified),
          entry.checked ? 'yes' : `**not checked**: the advisory sources hold no ${entry.ecosystem} advisories`,
        ]),
      ),
      '',
    );
  }

  if (ordered.findings.length > 0) {
    lines.push('## Findings', '', findingsTable(ordered.findings), '', '## Advisories', '');
    // Line by line, not push(...lines): an advisory may name any number of references.
    for (const [id, findings] of groupFindingsByAdvisory(ordered.findings)) for (const line of advisoryDetails(id, findings)) lines.push(line);
  }

  if (ordered.errors.length > 0) {
    lines.push(
      '## Errors',
      '',
      markdownTable(
        ['Location', 'Code', 'Message'],
        ordered.errors.map((error) => [markdownCode(formatLocation(error)), markdownCode(error.code), escapeMarkdown(error.message)]),
      ),
      '',
    );
  }

  if (ordered.notScannable.length > 0) {
    lines.push(
      '## Not scannable',
      '',
      markdownTable(
        ['Location', 'Package', 'Reason'],
        ordered.notScannable.map((entry) => [
          markdownCode(formatLocation(entry.location)),
          escapeMarkdown(entry.name),
          escapeMarkdown(entry.reason),
        ]),
      ),
      '',
    );
  }

  const unreachable = summary.unreachableSources;
  if (unreachable.length > 0) {
    lines.push('## Unreachable advisory sources', '', 'Findings from these sources are missing from this report.', '');
    for (const source of unreachable) {
      lines.push(`- **${escapeMarkdown(source.name)}**${source.error ? `: ${escapeMarkdown(source.error)}` : ''}`);
    }
    lines.push('');
  }

  if (ordered.files.length > 0) {
    lines.push(
      '<details>',
      `<summary>Scanned files (${ordered.files.length})</summary>`,
      '',
      markdownTable(
        ['File', 'Extractor', 'Packages'],
        ordered.files.map((file) => [markdownCode(file.path), markdownCode(file.extractor), String(file.packages)]),
      ),
      '',
      '</details>',
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
