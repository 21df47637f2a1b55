import type { ParseError } from 'jsonc-parser';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { dependabotEcosystem, RENOVATE_DEFAULT_ECOSYSTEMS, renovateManagerEcosystem, type UpdateEcosystem } from '../../ecosystems.js';
import type { PostureFinding, RepoFacts } from '../../types.js';
import { parseJsonLike, yamlToJs, yamlTooDeep } from '../../parse-text.js';
import { DEPENDABOT_CONFIG_PATHS, findFile, RENOVATE_CONFIG_PATHS } from './repo-files.js';

/** One `updates:` entry of a dependabot.yml. */
export interface DependabotUpdate {
  ecosystem: string;
  /** The ecosystem it updates, or null for a value chainwatch does not know. */
  covers: UpdateEcosystem | null;
  directories: string[];
  line: number;
}

export type DependabotConfig =
  | { present: false }
  | { present: true; path: string; updates: DependabotUpdate[] }
  | { present: true; path: string; error: PostureFinding };

// Only the fields used (STYLE rule 2); an entry that does not fit is skipped, not the whole file.
const DependabotUpdateSchema = z.object({
  'package-ecosystem': z.string(),
  directory: z.string().optional(),
  directories: z.array(z.string()).optional(),
});
const DependabotFileSchema = z.object({ updates: z.array(z.unknown()).default([]) });

const dependabotCache = new WeakMap<RepoFacts['files'], DependabotConfig>();

export function dependabotConfig(facts: Pick<RepoFacts, 'files'>): DependabotConfig {
  const cached = dependabotCache.get(facts.files);
  if (cached) return cached;
  const result = readDependabot(facts);
  dependabotCache.set(facts.files, result);
  return result;
}

function readDependabot(facts: Pick<RepoFacts, 'files'>): DependabotConfig {
  const file = DEPENDABOT_CONFIG_PATHS.map((path) => findFile(facts.files, path)).find((found) => found !== undefined);
  if (!file) return { present: false };
  const tooDeep = yamlTooDeep(file.text);
  if (tooDeep) {
    return { present: true, path: file.path, error: { file: file.path, line: tooDeep.line, message: `cannot read ${file.path}: ${tooDeep.message}`, fix: 'fix the YAML: Dependabot ignores a file it cannot parse' } };
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(file.text, { lineCounter, uniqueKeys: false });
  const error = document.errors[0];
  if (error) {
    return { present: true, path: file.path, error: { file: file.path, line: lineCounter.linePos(error.pos[0]).line, message: `cannot read ${file.path}: ${error.message.split('\n')[0]}`, fix: 'fix the YAML: Dependabot ignores a file it cannot parse' } };
  }
  const converted = yamlToJs(document);
  if (!converted) {
    return { present: true, path: file.path, error: { file: file.path, line: 1, message: `cannot read ${file.path}: nested deeper than can be read`, fix: 'fix the YAML: Dependabot ignores a file it cannot parse' } };
  }
  const parsed = DependabotFileSchema.safeParse(converted.value ?? {});
  if (!parsed.success) {
    return { present: true, path: file.path, error: { file: file.path, line: 1, message: `${file.path}: \`updates\` is not a list`, fix: 'list the ecosystems under `updates:`' } };
  }
  const updates: DependabotUpdate[] = [];
  parsed.data.updates.forEach((entry, index) => {
    const update = DependabotUpdateSchema.safeParse(entry);
    if (!update.success) return;
    const node = document.getIn(['updates', index], true) as { range?: [number, number, number] } | undefined;
    const directories = update.data.directories ?? (update.data.directory === undefined ? [] : [update.data.directory]);
    updates.push({
      ecosystem: update.data['package-ecosystem'],
      covers: dependabotEcosystem(update.data['package-ecosystem']),
      directories,
      line: node?.range ? lineCounter.linePos(node.range[0]).line : 1,
    });
  });
  return { present: true, path: file.path, updates };
}

export type RenovateConfig =
  | { present: false }
  /** `covers` is every ecosystem the config updates; `enabled: false` covers nothing. */
  | { present: true; path: string; covers: UpdateEcosystem[]; enabled: boolean; note?: string };

const renovateCache = new WeakMap<RepoFacts['files'], RenovateConfig>();

export function renovateConfig(facts: Pick<RepoFacts, 'files'>): RenovateConfig {
  const cached = renovateCache.get(facts.files);
  if (cached) return cached;
  const result = readRenovate(facts);
  renovateCache.set(facts.files, result);
  return result;
}

function readRenovate(facts: Pick<RepoFacts, 'files'>): RenovateConfig {
  for (const path of RENOVATE_CONFIG_PATHS) {
    const file = findFile(facts.files, path);
    if (file) return renovateFromValue(path, parseRenovateConfig(file.text));
  }
  const manifest = findFile(facts.files, 'package.json');
  if (manifest) {
    const value = parseRenovateConfig(manifest.text);
    if (typeof value === 'object' && value !== null && 'renovate' in value) return renovateFromValue('package.json', (value as Record<string, unknown>).renovate);
  }
  return { present: false };
}

/** JSON with comments and trailing commas (renovate.json5 written JSON-style); undefined when unreadable. */
function parseRenovateConfig(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parseJsonLike(text, errors, { allowTrailingComma: true });
  return errors.length > 0 ? undefined : value;
}

const ALL_RENOVATE: UpdateEcosystem[] = [...RENOVATE_DEFAULT_ECOSYSTEMS];

function renovateFromValue(path: string, value: unknown): RenovateConfig {
  if (typeof value !== 'object' || value === null) {
    // A config Renovate reads but we cannot (JSON5 syntax): assume Renovate's defaults rather than guess "none".
    return { present: true, path, covers: ALL_RENOVATE, enabled: true, note: `${path} could not be read as JSON; Renovate's default managers assumed` };
  }
  const record = value as Record<string, unknown>;
  if (record.enabled === false) return { present: true, path, covers: [], enabled: false };
  const enabledManagers = record.enabledManagers;
  if (Array.isArray(enabledManagers)) {
    const covers = [...new Set(enabledManagers.filter((item): item is string => typeof item === 'string').map(renovateManagerEcosystem).filter((item): item is UpdateEcosystem => item !== null))];
    return { present: true, path, covers, enabled: true };
  }
  const covers = new Set(ALL_RENOVATE);
  // git-submodules is opt-in: `"git-submodules": { "enabled": true }`.
  const submodules = record['git-submodules'];
  if (typeof submodules === 'object' && submodules !== null && (submodules as Record<string, unknown>).enabled === true) covers.add('gitsubmodule');
  return { present: true, path, covers: [...covers], enabled: true };
}
