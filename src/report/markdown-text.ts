import type { Severity } from '../advisories/types.js';

/**
 * Escaping for text that comes from advisories and lockfiles (summaries,
 * package names, paths) before it goes into GitHub-flavoured Markdown: a `_`
 * in `jupyter_server` must not start emphasis, a `|` must not end a table
 * cell, a `<` must not open an HTML tag.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n|\r/g, ' ').replace(/[\\`*_[\]<>|#~]/g, (character) => `\\${character}`);
}

/**
 * An inline code span for ids, versions and paths. Backticks inside are
 * unusual enough that replacing them is better than the longer-fence dance;
 * `|` is escaped because GFM tables split cells on it even inside code.
 */
export function markdownCode(text: string): string {
  return `\`${text.replace(/\r?\n|\r/g, ' ').replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

/** A GFM table; cells must already be escaped. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `high (CVSS_V3 7.5) `CVSS:3.1/...``, `medium (database)`, or just `unknown` when nothing decided it. */
export function describeSeverity(severity: Severity): string {
  const score = severity.score === undefined ? '' : ` ${severity.score.toFixed(1)}`;
  const decidedBy = severity.source === 'none' ? '' : ` (${severity.source}${score})`;
  const vector = severity.vector ? ` ${markdownCode(severity.vector)}` : '';
  return `${severity.level}${decidedBy}${vector}`;
}
