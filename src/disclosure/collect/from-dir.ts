/**
 * `--from-dir DIR`: repository advisories from files, for offline analysis
 * and tests. Every `*.json` file directly in DIR (not below it), in name
 * order, holds one REST advisory object as GitHub's API returns it (`gh api
 * /repos/{owner}/{repo}/security-advisories/{ghsa_id} > GHSA-….json`); a file
 * holding a list of them (the saved answer of a list endpoint) is read too.
 *
 * Each file is read with the bounded reader (regular files only, at most
 * INPUT_LIMITS.advisory bytes, strict UTF-8) and its nesting checked before
 * JSON.parse sees it. A file that cannot be read or is not an advisory is a
 * source of its own with status `invalid` and a note naming the file (and the
 * line where the JSON breaks, when the parser says); the other files are read all the same.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ChainwatchError } from '../../core/errors.js';
import { jsonNestingExceeds } from '../../core/nesting.js';
import { INPUT_LIMITS, readInputText } from '../../inventory/read-input.js';
import type { DeskAdvisory, DeskSource } from '../types.js';
import { parseRepositoryAdvisory } from './schema.js';

/** Far deeper than an advisory object nests (5 levels); deeper text never reaches JSON.parse (core/nesting.ts says why). */
const MAX_ADVISORY_NESTING = 64;

export interface DirectoryAdvisories {
  advisories: DeskAdvisory[];
  /** `dir:<DIR>` first (how many were read), then `file:<path>` for each file that could not be. */
  sources: DeskSource[];
}

export async function readAdvisoryDirectory(directory: string, options: { maxFileBytes?: number } = {}): Promise<DirectoryAdvisories> {
  const sourceName = `dir:${directory}`;
  let names: string[];
  try {
    const entries = await readdir(directory, { withFileTypes: true });
    names = entries
      .filter((entry) => !entry.isDirectory() && entry.name.toLowerCase().endsWith('.json'))
      .map((entry) => entry.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder' : code === 'EACCES' ? 'cannot be read: permission denied' : 'cannot be read';
    return { advisories: [], sources: [{ name: sourceName, status: code === 'ENOENT' ? 'not-found' : 'unreachable', advisories: 0, note: `${directory} ${why}` }] };
  }

  const advisories: DeskAdvisory[] = [];
  const fileSources: DeskSource[] = [];
  const firstFileOf = new Map<string, string>();
  for (const name of names) {
    const file = path.join(directory, name);
    const read = await readAdvisoryFile(file, options.maxFileBytes ?? INPUT_LIMITS.advisory);
    if (!read.ok) {
      fileSources.push({ name: `file:${file}`, status: 'invalid', advisories: 0, note: read.note });
      continue;
    }
    const problems = [...read.problems];
    const repeated: string[] = [];
    let kept = 0;
    for (const advisory of read.advisories) {
      const earlier = firstFileOf.get(advisory.id);
      if (earlier !== undefined) {
        repeated.push(`${advisory.id} (already read from ${earlier})`);
        continue;
      }
      firstFileOf.set(advisory.id, name);
      advisories.push(advisory);
      kept++;
    }
    if (repeated.length > 0) problems.push(`${file}: repeats ${repeated.join(', ')}: the first file in name order is kept`);
    if (problems.length > 0) fileSources.push({ name: `file:${file}`, status: 'invalid', advisories: kept, note: problems.join('; ') });
  }
  const unread = fileSources.filter((source) => source.advisories === 0).length;
  const note = names.length === 0 ? `no *.json files in ${directory}` : unread > 0 ? `${unread} of ${names.length} files could not be read as advisories (see their sources)` : null;
  return { advisories, sources: [{ name: sourceName, status: 'read', advisories: advisories.length, note }, ...fileSources] };
}

/** A list whose items are not all advisories keeps the ones that are (`problems` says which are not). */
type FileRead = { ok: true; advisories: DeskAdvisory[]; problems: string[] } | { ok: false; note: string };

/** One file's advisories, or why it holds none (a sentence naming the file, and the line when one is known). */
async function readAdvisoryFile(file: string, maxBytes: number): Promise<FileRead> {
  let text: string;
  try {
    text = await readInputText(file, { maxBytes });
  } catch (error) {
    if (error instanceof ChainwatchError) return { ok: false, note: error.describe() };
    throw error;
  }
  const tooDeep = jsonNestingExceeds(text, MAX_ADVISORY_NESTING);
  if (tooDeep !== null) return { ok: false, note: `${file}:${lineOf(text, tooDeep)}: nested deeper than ${MAX_ADVISORY_NESTING} levels, so not read` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const where = position ? `${file}:${lineOf(text, Number(position[1]))}` : file;
    // V8 quotes the text around an unexpected token (`Unexpected token 'o', "…" is not valid JSON`), line breaks and all: keep a one-line reason.
    const reason = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '');
    return { ok: false, note: `${where}: not JSON (${reason})` };
  }
  const items = Array.isArray(value) ? value : [value];
  const advisories: DeskAdvisory[] = [];
  const problems: string[] = [];
  for (const [index, item] of items.entries()) {
    const source = Array.isArray(value) ? `${file}#${index}` : file;
    const parsed = parseRepositoryAdvisory(item, 'file', source, null);
    if (parsed.ok) advisories.push(parsed.value);
    else problems.push(`${source}: ${parsed.error.message}`);
  }
  if (advisories.length === 0 && problems.length > 0) return { ok: false, note: problems.join('; ') };
  if (advisories.length === 0) return { ok: false, note: `${file}: an empty list, no advisory` };
  return { ok: true, advisories, problems };
}

/** The 1-based line of a character offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index++) if (text.charCodeAt(index) === 0x0a) line++;
  return line;
}
