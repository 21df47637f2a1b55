import type { z } from 'zod';
import { ChainwatchError } from '../../core/errors.js';
import type { Location } from '../../core/package.js';
import type { ExtractedPackage, ExtractInput } from '../types.js';
import { locationOf } from './location.js';
import { invalidEntry } from './result.js';
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
  },
): PackageTablesRead<z.output<Schema>> {
  const read = readTomlArrayOfTables(input.text, options.key);
  const tables: PackageTable<z.output<Schema>>[] = [];
  const errors: ChainwatchError[] = [];
  if (read.error) {
    errors.push(
      new ChainwatchError('parse-error', `${options.fileLabel} is not valid TOML: ${read.error.message}`, {
        location: locationOf(input.path, read.error.line),
      }),
    );
  }
  for (const entry of read.entries) {
    const location = locationOf(input.path, entry.line);
    const parsed = options.schema.safeParse(entry.value);
    if (parsed.success) {
      tables.push({ entry: parsed.data, location });
      continue;
    }
    errors.push(invalidEntry(`[[${options.key}]] entry`, location, parsed.error.issues));
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
