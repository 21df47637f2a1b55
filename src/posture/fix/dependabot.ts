import type { ParseError } from 'jsonc-parser';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { compareText } from '../../core/compare.js';
import { dependabotEcosystem, detectEcosystems, ECOSYSTEMS_WITHOUT_UPDATE_TOOL, RENOVATE_DEFAULT_ECOSYSTEMS, renovateManagerEcosystem, type UpdateEcosystem } from '../ecosystems.js';
import type { RepoFile } from '../types.js';
import { parseJsonLike, yamlTooDeep } from '../parse-text.js';
import { DEPENDABOT_CONFIG_PATHS, RENOVATE_CONFIG_PATHS } from '../probes/common/repo-files.js';
import type { FileChange, FixNote, FixPlan } from './types.js';
import { lineEnding, splitLinesKeepingEnds } from './workflow-files.js';

// Where the configs live is the probes' knowledge (one list for reading and fixing).
const DEPENDABOT_PATHS = DEPENDABOT_CONFIG_PATHS;
const RENOVATE_PATHS = RENOVATE_CONFIG_PATHS;

/** Days a new release waits before Dependabot proposes it: a compromised release has time to be caught. */
export const COOLDOWN_DAYS = 7;

export interface EcosystemGap {
  ecosystem: UpdateEcosystem;
  /** `/`-rooted directories, as Dependabot names them. */
  directories: string[];
}

export interface DependabotGap {
  /** The Dependabot config that exists, or null. */
  file: string | null;
  /** The Renovate config that exists, or null. */
  renovate: string | null;
  /** Ecosystems the repository uses that no config covers, with their directories. */
  toAdd: EcosystemGap[];
  /** Detected ecosystems no update tool supports (conda): said, never added. */
  unsupported: UpdateEcosystem[];
  /** Why the existing config could not be read (then nothing is proposed for it). */
  problems: FixNote[];
}

/**
 * What a repository's update configs miss: the ecosystems it uses (from
 * src/posture/ecosystems.ts) that neither its Dependabot nor its Renovate
 * config names. Coverage is per ecosystem, as the dependency-update-tool check
 * counts it: an ecosystem with an entry for one directory is covered.
 */
export function findDependabotGap(paths: readonly string[], files: readonly RepoFile[]): DependabotGap {
  const problems: FixNote[] = [];
  const dependabot = files.find((file) => (DEPENDABOT_PATHS as readonly string[]).includes(file.path)) ?? null;
  const renovate = RENOVATE_PATHS.map((path) => files.find((file) => file.path === path)).find((file) => file !== undefined) ?? null;
  const covered = new Set<UpdateEcosystem>();
  if (dependabot) {
    const read = readDependabotEcosystems(dependabot);
    if (read.ok) for (const ecosystem of read.ecosystems) covered.add(ecosystem);
    else problems.push({ kind: 'skipped', file: dependabot.path, line: read.line, message: read.reason });
  }
  if (renovate) for (const ecosystem of readRenovateEcosystems(renovate.text)) covered.add(ecosystem);

  const uses = detectEcosystems(paths, files);
  const unsupported = uses.filter((use) => ECOSYSTEMS_WITHOUT_UPDATE_TOOL.has(use.ecosystem)).map((use) => use.ecosystem);
  const toAdd = problems.length > 0
    ? []
    : uses
        .filter((use) => !ECOSYSTEMS_WITHOUT_UPDATE_TOOL.has(use.ecosystem) && !covered.has(use.ecosystem))
        .map((use) => ({ ecosystem: use.ecosystem, directories: dependabotDirectories(use.ecosystem, use.directories) }));
  return { file: dependabot?.path ?? null, renovate: renovate?.path ?? null, toAdd, unsupported, problems };
}

/**
 * A patch to `.github/dependabot.yml`: created when there is none; otherwise
 * the missing ecosystems are appended to its `updates:` list, in its own
 * indentation and quoting, leaving every existing entry untouched. A
 * repository on Renovate gets no Dependabot file: the notes say what to add
 * to its Renovate config instead.
 */
export function planDependabotConfig(repo: string, paths: readonly string[], files: readonly RepoFile[]): FixPlan & { gap: DependabotGap } {
  const gap = findDependabotGap(paths, files);
  const notes: FixNote[] = [...gap.problems];
  const changes: FileChange[] = [];
  for (const ecosystem of gap.unsupported) {
    notes.push({ kind: 'review', message: `${ecosystem} is used, but neither Dependabot nor Renovate updates it: keep its pins fresh by other means` });
  }
  if (gap.toAdd.length > 0) {
    if (gap.file === null && gap.renovate !== null) {
      notes.push({ kind: 'skipped', file: gap.renovate, message: `the repository uses Renovate: enable ${gap.toAdd.map((entry) => entry.ecosystem).join(', ')} there (chainwatch does not edit Renovate configs)` });
    } else if (gap.file === null) {
      changes.push({ path: DEPENDABOT_PATHS[0], before: null, after: newDependabotFile(gap.toAdd) });
    } else {
      const existing = files.find((file) => file.path === gap.file)!;
      const appended = appendUpdates(existing.text, gap.toAdd);
      if (appended.ok) changes.push({ path: existing.path, before: existing.text, after: appended.text });
      else notes.push({ kind: 'skipped', file: existing.path, line: appended.line, message: appended.reason });
    }
  }
  const added = changes.length > 0 ? gap.toAdd : [];
  return {
    repo,
    check: 'dependency-update-tool',
    changes,
    notes,
    gap,
    title: gap.file === null ? 'Add a Dependabot configuration for every ecosystem in use' : `Dependabot: add ${added.map((entry) => entry.ecosystem).join(', ')}`,
    description: [
      'Dependabot proposes updates only for the ecosystems its configuration names. This adds the ecosystems this repository uses and the configuration missed, weekly, with a cooldown of ' +
        `${COOLDOWN_DAYS} days so that a compromised release has time to be caught before it is proposed.`,
      '',
      ...added.map((entry) => `- \`${entry.ecosystem}\`: ${entry.directories.map((directory) => `\`${directory}\``).join(', ')}`),
    ].join('\n'),
  };
}

/**
 * Dependabot's github-actions updater reads `.github/workflows` when given `/`;
 * composite actions need their own directories.
 */
function dependabotDirectories(ecosystem: UpdateEcosystem, directories: readonly string[]): string[] {
  if (ecosystem !== 'github-actions') return [...directories];
  return [...new Set(directories.map((directory) => (directory === '/.github/workflows' ? '/' : directory)))].sort((a, b) => (a === '/' ? -1 : b === '/' ? 1 : compareText(a, b)));
}

type Read = { ok: true; ecosystems: UpdateEcosystem[] } | { ok: false; reason: string; line?: number };

function readDependabotEcosystems(file: RepoFile): Read {
  const tooDeep = yamlTooDeep(file.text);
  if (tooDeep) return { ok: false, reason: `not changed: invalid YAML (${tooDeep.message})`, line: tooDeep.line };
  const lineCounter = new LineCounter();
  const document = parseDocument(file.text, { lineCounter });
  const error = document.errors[0];
  if (error) return { ok: false, reason: `not changed: invalid YAML (${error.message.split('\n')[0]})`, line: lineCounter.linePos(error.pos[0]).line };
  const updates = document.get('updates', true) as YamlNode | undefined;
  if (updates === undefined || (isScalar(updates) && updates.value === null)) return { ok: true, ecosystems: [] };
  if (!isSeq(updates)) return { ok: false, reason: 'not changed: `updates` is not a list' };
  const ecosystems: UpdateEcosystem[] = [];
  for (const item of updates.items) {
    if (!isMap(item)) continue;
    const value = item.get('package-ecosystem');
    const ecosystem = typeof value === 'string' ? dependabotEcosystem(value) : null;
    if (ecosystem) ecosystems.push(ecosystem);
  }
  return { ok: true, ecosystems };
}

/** Renovate covers its default managers unless `enabledManagers` narrows them. */
function readRenovateEcosystems(text: string): UpdateEcosystem[] {
  const errors: ParseError[] = [];
  const config: unknown = parseJsonLike(text, errors, { allowTrailingComma: true });
  const enabled = typeof config === 'object' && config !== null ? (config as Record<string, unknown>).enabledManagers : undefined;
  if (!Array.isArray(enabled)) return [...RENOVATE_DEFAULT_ECOSYSTEMS];
  return enabled.flatMap((manager) => {
    const ecosystem = typeof manager === 'string' ? renovateManagerEcosystem(manager) : null;
    return ecosystem ? [ecosystem] : [];
  });
}

type Quote = '"' | "'" | '';

function entryLines(entry: EcosystemGap, indent: string, quote: Quote): string[] {
  const q = (value: string): string => `${quote}${value}${quote}`;
  const directories = entry.directories.length === 1
    ? [`${indent}  directory: ${q(entry.directories[0]!)}`]
    : [`${indent}  directories:`, ...entry.directories.map((directory) => `${indent}    - ${q(directory)}`)];
  return [
    `${indent}- package-ecosystem: ${q(entry.ecosystem)}`,
    ...directories,
    `${indent}  schedule:`,
    `${indent}    interval: ${q('weekly')}`,
    `${indent}  cooldown:`,
    `${indent}    default-days: ${COOLDOWN_DAYS}`,
    `${indent}  groups:`,
    `${indent}    ${entry.ecosystem}:`,
    `${indent}      patterns:`,
    // A plain `*` would start an alias: always quoted.
    `${indent}        - "*"`,
  ];
}

export function newDependabotFile(entries: readonly EcosystemGap[]): string {
  return [
    '# Dependabot version updates for every ecosystem this repository uses (written by chainwatch fix).',
    'version: 2',
    'updates:',
    ...entries.flatMap((entry) => entryLines(entry, '  ', '"')),
    '',
  ].join('\n');
}

type Appended = { ok: true; text: string } | { ok: false; reason: string; line?: number };

/** Appends entries after the last item of `updates:` (or adds `updates:` at the end), in the file's own style. */
export function appendUpdates(text: string, entries: readonly EcosystemGap[]): Appended {
  const tooDeep = yamlTooDeep(text);
  if (tooDeep) return { ok: false, reason: `not changed: invalid YAML (${tooDeep.message})`, line: tooDeep.line };
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, keepSourceTokens: true });
  const newline = lineEnding(text);
  const lines = splitLinesKeepingEnds(text);
  const pair = isMap(document.contents) ? document.contents.items.find((item) => isScalar(item.key) && item.key.value === 'updates') : undefined;
  const updates = pair?.value as YamlNode | null | undefined;
  if (!pair || updates === null || updates === undefined || (isScalar(updates) && updates.value === null)) {
    if (pair) return { ok: false, reason: 'not changed: `updates:` is empty; add the entries by hand or remove it' };
    const body = ['updates:', ...entries.flatMap((entry) => entryLines(entry, '  ', '"'))].map((line) => `${line}${newline}`).join('');
    const separator = text === '' || text.endsWith('\n') ? '' : newline;
    return { ok: true, text: `${text}${separator}${body}` };
  }
  if (!isSeq(updates) || updates.flow || updates.items.length === 0 || !updates.range) {
    return { ok: false, reason: 'not changed: `updates` is not a block list; add the entries by hand', line: updates.range ? lineCounter.linePos(updates.range[0]).line : undefined };
  }
  const first = updates.items[0] as YamlNode;
  const firstLine = lines[lineCounter.linePos(first.range![0]).line - 1] ?? '';
  const indent = /^(\s*)-/.exec(firstLine)?.[1] ?? '  ';
  const quote = quoteStyle(first);
  const last = updates.items[updates.items.length - 1] as YamlNode;
  const lastLine = lineCounter.linePos(Math.max(last.range![0], last.range![1] - 1)).line;
  const inserted = entries.flatMap((entry) => entryLines(entry, indent, quote)).map((line) => `${line}${newline}`);
  const before = lines.slice(0, lastLine);
  const after = lines.slice(lastLine);
  if (before.length > 0 && !before[before.length - 1]!.endsWith('\n')) before[before.length - 1] = `${before[before.length - 1]}${newline}`;
  return { ok: true, text: [...before, ...inserted, ...after].join('') };
}

function quoteStyle(item: YamlNode): Quote {
  if (!isMap(item)) return '"';
  const pair = item.items.find((entry) => isScalar(entry.key) && entry.key.value === 'package-ecosystem');
  const value = pair?.value;
  if (!isScalar(value)) return '"';
  return value.type === 'QUOTE_DOUBLE' ? '"' : value.type === 'QUOTE_SINGLE' ? "'" : '';
}
