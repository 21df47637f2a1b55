import type { z } from 'zod';
import type { ChainwatchError } from '../../core/errors.js';
import type { Location } from '../../core/package.js';
import type { ExtractedPackage, ExtractInput } from '../types.js';
import { locationOf } from './location.js';
import { addError, addInvalidEntry } from './result.js';
import { readTomlArrayOfTables } from './toml-array-of-tables.js';

export interface PackageTable<Entry> {
  entry: Entry;
  /** The line of the entry's `[[package]]` header (or inline table). */
  location: Location;
}

export interface PackageTablesRead<Entry> {
  /** The entries that passed the schema, in file order. */
  tables: PackageTable<Entry>[];
  /** The TOML syntax error (if any) first, then one error per entry the schema refused. */
  errors: ChainwatchError[];
}

/**
 * The part poetry-lock, uv-lock, pdm-lock and pylock share: read the root array of
 * tables `key` with lines, check each entry against the format's schema, and turn the
 * TOML syntax error and refused entries into located `parse-error`s. What an entry
 * means (source, groups, the project itself) stays with each extractor.
 */
export function readPackageTables<Schema extends z.ZodType>(
  input: ExtractInput,
  options: {
    /** `package` (`[[package]]`) or `packages` (`[[packages]]`, PEP 751). */
    key: string;
    /** Names the file in the syntax error: `poetry.lock is not valid TOML: ...`. */
    fileLabel: string;
    schema: Schema;
    /**
     * Root keys that every real file of the format has besides `key` (`metadata`,
     * `lock-version`): a document with none of them and no `key` is not the format,
     * and says so instead of reporting an empty project.
     */
    markers: readonly string[];
  },
): PackageTablesRead<z.output<Schema>> {
  const read = readTomlArrayOfTables(input.text, options.key);
  const tables: PackageTable<z.output<Schema>>[] = [];
  const errors: ChainwatchError[] = [];
  if (read.error) {
    addError(errors, 'parse-error', `${options.fileLabel} is not valid TOML: ${read.error.message}`, locationOf(input.path, read.error.line));
  }
  const rootKeys = read.rootKeys;
  // An empty file (or only comments) claims nothing; keys that are none of the format's do.
  if (rootKeys !== undefined && rootKeys.length > 0 && ![options.key, ...options.markers].some((marker) => rootKeys.includes(marker))) {
    const expected = [options.key, ...options.markers].map((marker) => `"${marker}"`).join(' or ');
    addError(errors, 'unsupported-format', `no ${expected} at the top level: not a ${options.fileLabel}`, locationOf(input.path, 1));
  }
  for (const entry of read.entries) {
    const location = locationOf(input.path, entry.line);
    const parsed = options.schema.safeParse(entry.value);
    if (parsed.success) {
      tables.push({ entry: parsed.data, location });
      continue;
    }
    addInvalidEntry(errors, `[[${options.key}]] entry`, location, parsed.error.issues);
  }
  return { tables, errors };
}

/** A locked PyPI entry as an extracted package: name and version as written, and where it came from. */
export function lockedPypiPackage(
  entry: { name: string; version?: string | undefined },
  location: Location,
  origin: Pick<ExtractedPackage, 'source' | 'commit' | 'qualifiers'>,
): ExtractedPackage {
  return { ecosystem: 'PyPI', name: entry.name, version: entry.version ?? null, location, ...origin };
}
