import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { excerpt } from '../../core/excerpt.js';
import { withoutByteOrderMark } from '../common/byte-order-mark.js';
import { channelFromUrl } from '../common/conda-channel.js';
import { addError } from '../common/result.js';
import type { ExtractedPackage, ExtractInput, ExtractResult, Extractor } from '../types.js';
import { condaDependencyOf } from './conda-dependency.js';
import { parsePipEntry } from './pip-requirement.js';
import { lineTooDeep, MAX_YAML_NESTING } from '../common/yaml-nesting.js';
import { condaEnvironment as detection } from '../detection.js';

interface Context {
  path: string;
  document: Document;
  lineCounter: LineCounter;
  result: ExtractResult;
  /** The file's first channel: conda's default for specs without `channel::`. */
  defaultChannel: string | undefined;
}

function lineOf(context: Context, node: YamlNode | null | undefined): number | undefined {
  const offset = node?.range?.[0];
  return offset === undefined ? undefined : context.lineCounter.linePos(offset).line;
}

function resolve(context: Context, node: unknown): unknown {
  return isAlias(node) ? node.resolve(context.document) : node;
}

function error(context: Context, message: string, line: number | undefined): void {
  const location = line === undefined ? { path: context.path } : { path: context.path, line };
  addError(context.result.errors, 'parse-error', message, location);
}

/** Keys an environment file has (conda's `env create` reads these); a mapping with none of them is not one. */
const ENVIRONMENT_KEYS = ['name', 'channels', 'dependencies', 'prefix', 'variables'];

function channelName(channel: string): string {
  return channel.includes('://') ? channelFromUrl(channel) : channel;
}

function readCondaSpec(context: Context, text: string, line: number): void {
  const location = { path: context.path, line };
  const parsed = condaDependencyOf(text);
  if (!parsed.ok) {
    error(context, parsed.error, line);
    return;
  }
  const spec = parsed.value;
  if (spec.name.startsWith('__')) {
    // `__glibc`, `__cuda`: virtual packages describe the machine, they are not installed.
    context.result.notScannable.push({ name: spec.name, reason: 'virtual package (a property of the machine)', location });
    return;
  }
  const qualifiers: Record<string, string> = {};
  const channel = spec.channel ?? context.defaultChannel;
  if (channel) qualifiers.channel = channel;
  if (spec.subdir) qualifiers.subdir = spec.subdir;
  if (spec.exactVersion !== null && spec.build && !spec.build.includes('*')) qualifiers.build = spec.build;
  const extracted: ExtractedPackage = {
    ecosystem: 'conda',
    name: spec.name,
    version: spec.exactVersion,
    location,
    // A package file URL names one channel release (name-version-build): still a registry
    // artifact. A local file or path is a local build.
    source: spec.url === undefined || /^https?:\/\//i.test(spec.url) ? 'registry' : 'path',
    qualifiers,
  };
  context.result.packages.push(extracted);
  if (spec.exactVersion === null) {
    context.result.notScannable.push({ name: spec.name, reason: spec.why ?? 'no exact version', location });
  }
}

function readPipEntry(context: Context, text: string, line: number): void {
  const location = { path: context.path, line };
  const entry = parsePipEntry(text);
  switch (entry.kind) {
    case 'pinned':
      context.result.packages.push({ ecosystem: 'PyPI', name: entry.name, version: entry.version, location, source: 'registry' });
      return;
    case 'unpinned':
      context.result.packages.push({ ecosystem: 'PyPI', name: entry.name, version: null, location, source: 'registry' });
      context.result.notScannable.push({ name: entry.name, reason: entry.reason, location });
      return;
    case 'unmatchable':
      context.result.notScannable.push({ name: entry.text, reason: entry.reason, location });
      return;
    case 'option':
      return;
    case 'invalid':
      error(context, entry.reason, line);
  }
}

function scalarText(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  return String(node.value);
}

function readPipList(context: Context, list: unknown, line: number | undefined): void {
  if (!isSeq(list)) {
    error(context, '"pip:" must be followed by a list of requirements', line);
    return;
  }
  for (const rawItem of list.items) {
    const item = resolve(context, rawItem);
    const itemLine = lineOf(context, rawItem as YamlNode) ?? line;
    const text = scalarText(item);
    if (text === undefined || itemLine === undefined) error(context, 'a pip requirement must be a string', itemLine);
    else readPipEntry(context, text, itemLine);
  }
}

function readDependencies(context: Context, dependencies: unknown): void {
  if (!isSeq(dependencies)) {
    error(context, '"dependencies" must be a list', lineOf(context, dependencies as YamlNode));
    return;
  }
  for (const rawItem of dependencies.items) {
    const item = resolve(context, rawItem);
    const line = lineOf(context, rawItem as YamlNode);
    if (isMap(item)) {
      for (const pair of item.items) {
        const key = scalarText(pair.key);
        if (key === 'pip') readPipList(context, resolve(context, pair.value), lineOf(context, pair.key as YamlNode));
        else error(context, `unsupported dependency entry "${excerpt(key ?? '')}" (only "pip:" lists are known)`, lineOf(context, pair.key as YamlNode) ?? line);
      }
      continue;
    }
    const text = scalarText(item);
    if (text === undefined || line === undefined) error(context, 'a dependency must be a conda package spec string', line);
    else readCondaSpec(context, text, line);
  }
}

function extract(input: ExtractInput): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  const text = withoutByteOrderMark(input.text);
  const tooDeep = lineTooDeep(text);
  if (tooDeep !== undefined) {
    addError(result.errors, 'parse-error', `YAML nested deeper than ${MAX_YAML_NESTING} levels is not read`, { path: input.path, line: tooDeep });
    return result;
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  for (const problem of document.errors) {
    // The parser's message can name the input it met: quoted bounded, like every quote of input.
    const message = `invalid YAML: ${excerpt(problem.message.split('\n')[0] ?? '', 200)}`;
    addError(result.errors, 'parse-error', message, { path: input.path, line: lineCounter.linePos(problem.pos[0]).line }, problem);
  }

  const root = document.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return result;
  const context: Context = { path: input.path, document, lineCounter, result, defaultChannel: undefined };
  if (!isMap(root)) {
    error(context, 'an environment file must be a mapping with "channels" and "dependencies"', lineOf(context, root));
    return result;
  }
  if (document.errors.length === 0 && !ENVIRONMENT_KEYS.some((key) => root.has(key))) {
    // A mapping of something else (a million junk keys): say so rather than report an empty environment.
    const message = `none of ${ENVIRONMENT_KEYS.map((key) => `"${key}"`).join(', ')}: not a conda environment file`;
    addError(result.errors, 'unsupported-format', message, { path: input.path, line: lineOf(context, root) ?? 1 });
    return result;
  }

  const channels = resolve(context, root.get('channels', true));
  if (isSeq(channels)) {
    for (const channel of channels.items) {
      const text = scalarText(resolve(context, channel))?.trim();
      if (text && text !== 'nodefaults') {
        context.defaultChannel = channelName(text) || undefined;
        break;
      }
    }
  }
  const dependencies = resolve(context, root.get('dependencies', true));
  if (dependencies !== undefined && dependencies !== null) readDependencies(context, dependencies);
  return result;
}

export const extractor: Extractor = { ...detection, extract };
