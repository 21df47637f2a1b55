import { compareText } from '../../core/compare.js';
import type { RepoFile } from '../types.js';

/** Workflows GitHub runs: files directly in `.github/workflows/` ending in .yml or .yaml. */
export function isWorkflowFile(path: string): boolean {
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path);
}

/** Action metadata (composite and Docker actions kept in the repository), anywhere. */
export function isActionFile(path: string): boolean {
  return /(?:^|\/)action\.ya?ml$/.test(path);
}

/** Workflows and action files, by path (code-point order), so every plan lists them the same way. */
export function workflowAndActionFiles(files: readonly RepoFile[]): RepoFile[] {
  return files.filter((file) => isWorkflowFile(file.path) || isActionFile(file.path)).sort((a, b) => compareText(a.path, b.path));
}

/** Lines with their terminators kept, so that joining them gives the text back byte for byte. */
export function splitLinesKeepingEnds(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The line terminator the file mostly uses (`\r\n` files stay `\r\n`). */
export function lineEnding(text: string): '\n' | '\r\n' {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  return crlf > lf ? '\r\n' : '\n';
}
