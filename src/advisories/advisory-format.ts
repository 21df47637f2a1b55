import type { DocumentOptions, ParseOptions, SchemaOptions, ToJSOptions } from 'yaml';

/**
 * What an advisory file is, told by its name, and the YAML reading options:
 * no dependencies beyond a type, so the import's worker threads can share
 * them without loading the schema library (advisory-text.ts).
 */

export type AdvisoryFormat = 'json' | 'yaml';

/** Which parser a file name calls for; null for files that are no advisory. */
export function advisoryFormatOf(fileName: string): AdvisoryFormat | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return null;
}

/**
 * YAML 1.2 core schema without its number tags (the failsafe schema's maps,
 * sequences and strings, and core's null and bool): every OSV field that looks
 * numeric is a string (`versions: [1.10]` must stay "1.10", not become 1.1),
 * so plain scalars such as `1.10` or `007` are kept as written. `logLevel:
 * 'error'` keeps the library from printing warnings. Plain data, so the
 * parser threads get these very options (workerData) instead of a copy.
 */
export const YAML_OPTIONS = {
  schema: 'failsafe',
  customTags: ['null', 'bool'],
  logLevel: 'error',
  prettyErrors: true, // fills in linePos on errors only
  // A repeated key keeps its last value, as PyYAML (which the PyPA database is read with) does; the
  // library's duplicate check compares every key with every other (20,000 keys: 4.5 s per record).
  uniqueKeys: false,
} as const satisfies ParseOptions & DocumentOptions & SchemaOptions & ToJSOptions;

/**
 * YAML text nested deeper than this never reaches the parser (core/nesting.ts
 * says why): far above the few levels an OSV record has, and the estimate
 * errs high, so MAX_RECORD_DEPTH still decides for real records.
 */
export const MAX_YAML_TEXT_NESTING = 256;

export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
