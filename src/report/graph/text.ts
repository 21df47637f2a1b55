import type { Signal } from '../../graph/types.js';

/** Left-aligned columns separated by two spaces; trailing spaces trimmed. */
export function alignColumns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  // A loop, not Math.max(...lengths): a graph may hold more rows than a call takes arguments.
  const widths = header.map((title) => title.length);
  for (const row of rows) {
    widths.forEach((width, column) => {
      widths[column] = Math.max(width, (row[column] ?? '').length);
    });
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** A signal as a short cell: its value, or `?` when unknown (the reason is in JSON output). */
export function signalCell<T>(signal: Signal<T> | undefined, format: (value: T) => string = String): string {
  if (!signal) return '-';
  return signal.known ? format(signal.value) : '?';
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Problems grouped by message: `[message, purls]`, first-seen order; twelve roots stopped by one failure are one entry. */
export function groupProblems(problems: readonly { purl: string; message: string }[]): [message: string, purls: string[]][] {
  const byMessage = new Map<string, string[]>();
  for (const problem of problems) byMessage.set(problem.message, [...new Set([...(byMessage.get(problem.message) ?? []), problem.purl])]);
  return [...byMessage];
}
