import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlNestingExceeds } from '../core/nesting.js';
import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { ChainwatchError, fail, ok, type Result } from '../core/errors.js';
import { readConfigText } from '../inventory/read-input.js';
import { parseEnvironmentName } from '../ecosystems/pypi/environment.js';
import type { NamedEnvironment } from '../graph/inputs.js';
import type { RootRequest } from '../graph/resolver.js';
import { parseRoot, uniqueRoots, type GraphEcosystem } from '../graph/roots.js';
import type { DeskPolicy } from '../disclosure/types.js';
import { deskPolicyOf, DisclosureSchema, literalSecret } from './disclosure.js';

/**
 * `chainwatch.yaml`: what an organisation watches.
 *
 * ```yaml
 * orgs: [jupyter, jupyterlab]           # GitHub organisations (read by the posture commands)
 * packages:
 *   pypi: [jupyterlab, "notebook==7.2.0", "pkg:pypi/jupyter-server"]
 *   npm: ["@jupyterlab/services", "pkg:npm/%40jupyterlab/services@4.4.0"]
 *   conda: [jupyterlab]                  # conda-forge unless a PURL names a channel
 * environments: [py3.12-linux, py3.11-macos-arm64]
 * images:                               # container images the org publishes (read by `audit`, like `scan --image`)
 *   - registry.example.test/org/base-notebook:latest
 *   - ./images/base-notebook.oci.tar     # an OCI layout, OCI archive or docker save tarball, relative to this file
 * registries:                            # optional; otherwise each ecosystem's own configuration
 *   npm: https://registry.example.test/
 *   pypi: https://pypi.example.test/simple/
 *   conda: https://conda.example.test/conda-forge/
 * disclosure:                            # optional: the advisory desk (config/disclosure.ts)
 *   collaborators: { users: [alice], teams: [jupyter/security-council] }
 * ```
 *
 * Concern weights are not configurable: they live in one place in code
 * (src/graph/concerns.ts) so every report ranks the same way.
 */

const PackageList = z.array(z.string().min(1, 'empty package')).default([]);
const HttpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

export const ConfigFileSchema = z.strictObject({
  orgs: z.array(z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'not a GitHub organisation name')).default([]),
  packages: z
    .strictObject({
      pypi: PackageList,
      npm: PackageList,
      conda: PackageList,
    })
    .default({ pypi: [], npm: [], conda: [] }),
  environments: z.array(z.string().min(1)).default([]),
  images: z.array(z.string().min(1, 'empty image reference').max(512, 'longer than any image reference')).default([]),
  registries: z
    .strictObject({
      npm: HttpUrl.optional(),
      pypi: HttpUrl.optional(),
      conda: HttpUrl.optional(),
    })
    .default({}),
  disclosure: DisclosureSchema.nullish(),
});

export interface ChainwatchConfig {
  /** The file it came from, or `preset:<name>`. */
  source: string;
  orgs: string[];
  roots: RootRequest[];
  environments: NamedEnvironment[];
  /** Container images the organisation publishes: registry references or local archives (relative paths resolved against the file). */
  images: string[];
  registries: { npm?: string; pypi?: string; conda?: string };
  /** The disclosure desk's policy: the `disclosure:` section over the council's defaults. */
  disclosure: DeskPolicy;
}

const SECTION_ECOSYSTEM: Record<'pypi' | 'npm' | 'conda', GraphEcosystem> = { pypi: 'PyPI', npm: 'npm', conda: 'conda' };

/** Reads and validates a config file; every error names the file and the line. */
export function loadConfigFile(path: string): Result<ChainwatchConfig> {
  // Bounded, regular files only, strict UTF-8: a FIFO or /dev/zero named as the config file is an error, not a hang.
  const text = readConfigText(path, 'config');
  return text.ok ? parseConfig(text.value, path) : text;
}

/** Far deeper than any configuration; deeper text never reaches the YAML parser (core/nesting.ts says why). */
const MAX_CONFIG_NESTING = 64;

/** Parses config text; `source` names it in errors (a path, or `preset:jupyter`). */
export function parseConfig(text: string, source: string): Result<ChainwatchConfig> {
  const tooDeep = yamlNestingExceeds(text, MAX_CONFIG_NESTING);
  if (tooDeep !== null) return configError(`invalid YAML: nested deeper than ${MAX_CONFIG_NESTING} levels`, source, tooDeep, 'parse-error');
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const line = syntaxError.linePos?.[0].line;
    const message = (syntaxError.message.split('\n')[0] ?? syntaxError.message).replace(/:$/, '');
    return configError(`invalid YAML: ${message}`, source, line, 'parse-error');
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => yamlLine(document, lineCounter, path);
  const value: unknown = document.toJS() ?? {};
  const secret = literalSecret((value as { disclosure?: unknown }).disclosure);
  if (secret !== null) return configError(secret.message, source, lineOf(secret.path));
  const parsed = ConfigFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
    const where = path.length > 0 ? `${path.map(String).join('.')}: ` : '';
    // A bad key of a map (an org under disclosure.orgs): say what is wrong with it, not "Invalid key in record".
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return configError(`${where}${message}`, source, lineOf(path));
  }
  const file = parsed.data;
  const roots: RootRequest[] = [];
  for (const section of ['pypi', 'npm', 'conda'] as const) {
    for (const [index, entry] of file.packages[section].entries()) {
      const root = parseRoot(entry, SECTION_ECOSYSTEM[section]);
      if (!root.ok) return configError(`packages.${section}[${index}]: ${root.error.message}`, source, lineOf(['packages', section, index]));
      roots.push(root.value);
    }
  }
  const environments: NamedEnvironment[] = [];
  for (const [index, name] of file.environments.entries()) {
    const environment = parseEnvironmentName(name);
    if (!environment.ok) return configError(`environments[${index}]: ${environment.error.message}`, source, lineOf(['environments', index]));
    if (!environments.some((known) => known.name === name)) environments.push({ name, environment: environment.value });
  }
  const disclosure = deskPolicyOf(file.disclosure);
  if (!disclosure.ok) return configError(disclosure.problem.message, source, lineOf(disclosure.problem.path));
  const images = [...new Set(file.images.map((image) => resolveImagePath(image, source)))];
  return ok({ source, orgs: [...new Set(file.orgs)], roots: uniqueRoots(roots), environments, images, registries: file.registries, disclosure: disclosure.value });
}

/** A local image named relative to the config file (`./x.tar`, `../x`) is read from beside the file; a registry reference is kept as written. */
function resolveImagePath(image: string, source: string): string {
  if (!/^\.\.?\//.test(image) || source.startsWith('preset:')) return image;
  return resolve(dirname(source), image);
}

function configError(message: string, path: string, line: number | undefined, code: 'invalid-config' | 'parse-error' = 'invalid-config') {
  return fail(new ChainwatchError(code, message, { location: line === undefined ? { path } : { path, line } }));
}

/** The line of the deepest node on `path` that exists (the failing value, else its parent). */
function yamlLine(document: ReturnType<typeof parseDocument>, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  const segments = path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  for (let length = segments.length; length >= 0; length--) {
    const prefix = segments.slice(0, length);
    // An unknown key has no value node worth pointing at: point at the key itself.
    const keyNode = length > 0 ? keyNodeOf(document, prefix) : null;
    const node = keyNode ?? (length === 0 ? document.contents : (document.getIn(prefix, true) as YamlNode | undefined));
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return undefined;
}

function keyNodeOf(document: ReturnType<typeof parseDocument>, path: readonly (string | number)[]): YamlNode | null {
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (!isMap(parent) || typeof last !== 'string') return null;
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
  return pair && isScalar(pair.key) ? pair.key : null;
}

/** Presets shipped with chainwatch (src/config/presets/<name>.yaml). */
export const PRESET_NAMES = ['jupyter'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * Where a preset file is: beside this module when run from the sources; the
 * bundled CLI (dist/cli/*.js) has no YAML beside it and reads the checkout's
 * src/config/presets/.
 */
export function presetPath(name: PresetName): string {
  const candidates = [new URL(`./presets/${name}.yaml`, import.meta.url), new URL(`../../src/config/presets/${name}.yaml`, import.meta.url)];
  const found = candidates.find((candidate) => existsSync(fileURLToPath(candidate))) ?? candidates[0]!;
  return fileURLToPath(found);
}

export function loadPreset(name: string): Result<ChainwatchConfig> {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) {
    return fail(new ChainwatchError('invalid-argument', `unknown preset ${JSON.stringify(name)} (known: ${PRESET_NAMES.join(', ')})`));
  }
  return loadConfigFile(presetPath(name as PresetName));
}
