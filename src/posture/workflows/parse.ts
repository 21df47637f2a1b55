import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode, type Pair } from 'yaml';
import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import { yamlTooDeep } from '../parse-text.js';
import type {
  ActionReference,
  Expression,
  Job,
  NamedValue,
  PermissionAccess,
  Permissions,
  PermissionScope,
  Step,
  TextValue,
  Trigger,
  Workflow,
} from './model.js';

/**
 * Parses a workflow file (`.github/workflows/*.yml`) or an action metadata file
 * (`action.yml`, whose composite `runs.steps` become one job named `(composite)`).
 * Bad YAML, or a document that is not a map, is an error value naming the file
 * and the line; this never throws on input.
 */
export function parseWorkflow(path: string, text: string, kind: Workflow['kind'] = kindOfPath(path)): Result<Workflow> {
  const tooDeep = yamlTooDeep(text);
  if (tooDeep) return fail(new ChainwatchError('parse-error', `invalid YAML: ${tooDeep.message}`, { location: { path, line: tooDeep.line } }));
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const line = lineCounter.linePos(syntaxError.pos[0]).line;
    const message = (syntaxError.message.split('\n')[0] ?? syntaxError.message).replace(/:$/, '');
    return fail(new ChainwatchError('parse-error', `invalid YAML: ${message}`, { location: { path, line } }));
  }
  const reader = new NodeReader(document, text, lineCounter);
  const root = reader.deref(document.contents);
  if (!isMap(root)) {
    const line = root?.range ? reader.lineOf(root) : 1;
    return fail(new ChainwatchError('parse-error', `expected a map at the top of the ${kind === 'action' ? 'action' : 'workflow'}`, { location: { path, line } }));
  }
  return kind === 'action' ? readAction(path, root, reader) : readWorkflow(path, root, reader);
}

/** `action.yml`/`action.yaml` anywhere are actions; everything else is read as a workflow. */
export function kindOfPath(path: string): Workflow['kind'] {
  return /(?:^|\/)action\.ya?ml$/.test(path) ? 'action' : 'workflow';
}

type YamlMap = Extract<YamlNode, { items: Pair[] }>;

function readWorkflow(path: string, root: YamlMap, reader: NodeReader): Result<Workflow> {
  const jobsPair = reader.pair(root, 'jobs');
  const jobsNode = jobsPair ? reader.deref(jobsPair.value as YamlNode) : null;
  if (jobsPair && jobsNode !== null && !isMap(jobsNode)) {
    return fail(new ChainwatchError('parse-error', '`jobs` must be a map of job ids to jobs', { location: { path, line: reader.lineOf(jobsNode) } }));
  }
  const onPair = reader.pair(root, 'on');
  const jobs: Job[] = [];
  if (isMap(jobsNode)) {
    for (const item of jobsNode.items) {
      const id = reader.keyText(item);
      const jobNode = reader.deref(item.value as YamlNode);
      if (id === null) continue;
      jobs.push(readJob(id, reader.keyLine(item), isMap(jobNode) ? jobNode : null, reader));
    }
  }
  return ok({
    path,
    kind: 'workflow',
    name: reader.scalarText(reader.get(root, 'name')),
    triggers: onPair ? readTriggers(reader.deref(onPair.value as YamlNode), reader) : [],
    triggersLine: onPair ? reader.keyLine(onPair) : 1,
    permissions: readPermissions(reader.pair(root, 'permissions'), reader),
    env: reader.namedValues(reader.get(root, 'env')),
    jobs,
    jobsLine: jobsPair ? reader.keyLine(jobsPair) : 1,
  });
}

function readAction(path: string, root: YamlMap, reader: NodeReader): Result<Workflow> {
  const runsPair = reader.pair(root, 'runs');
  const runs = runsPair ? reader.deref(runsPair.value as YamlNode) : null;
  const jobs: Job[] = [];
  if (isMap(runs)) {
    const using = reader.scalarText(reader.get(runs, 'using'));
    const steps = reader.deref(reader.get(runs, 'steps'));
    if (using === 'composite' && isSeq(steps)) {
      jobs.push({ ...emptyJob('(composite)', reader.keyLine(runsPair!)), steps: readSteps(steps, reader) });
    }
    // A Docker action runs an image: `image: docker://...` is modelled as a step that uses it.
    const imagePair = reader.pair(runs, 'image');
    const image = reader.textValue(imagePair?.value as YamlNode | undefined);
    if (using === 'docker' && image && image.text.startsWith('docker://')) {
      const job = emptyJob('(docker)', reader.keyLine(runsPair!));
      job.steps.push({ index: 0, line: image.line, id: null, name: null, uses: parseActionReference(image.text, image.line), with: [], run: null, env: [], if: null });
      jobs.push(job);
    }
  }
  return ok({
    path,
    kind: 'action',
    name: reader.scalarText(reader.get(root, 'name')),
    triggers: [],
    triggersLine: 1,
    permissions: null,
    env: [],
    jobs,
    jobsLine: runsPair ? reader.keyLine(runsPair) : 1,
  });
}

function emptyJob(id: string, line: number): Job {
  return { id, line, name: null, permissions: null, if: null, env: [], steps: [], uses: null, with: [], secrets: null, needs: [], environment: null };
}

function readJob(id: string, line: number, node: YamlMap | null, reader: NodeReader): Job {
  const job = emptyJob(id, line);
  if (!node) return job;
  job.name = reader.scalarText(reader.get(node, 'name'));
  job.permissions = readPermissions(reader.pair(node, 'permissions'), reader);
  job.if = reader.textValue(reader.get(node, 'if'));
  job.env = reader.namedValues(reader.get(node, 'env'));
  const uses = reader.textValue(reader.get(node, 'uses'));
  job.uses = uses ? parseActionReference(uses.text, uses.line) : null;
  job.with = reader.namedValues(reader.get(node, 'with'));
  const secrets = reader.deref(reader.get(node, 'secrets'));
  job.secrets = isScalar(secrets) && secrets.value === 'inherit' ? 'inherit' : isMap(secrets) ? reader.namedValues(secrets) : null;
  job.needs = reader.stringList(reader.get(node, 'needs'));
  const environment = reader.deref(reader.get(node, 'environment'));
  job.environment = isMap(environment) ? reader.scalarText(reader.get(environment, 'name')) : reader.scalarText(environment);
  const steps = reader.deref(reader.get(node, 'steps'));
  if (isSeq(steps)) job.steps = readSteps(steps, reader);
  return job;
}

function readSteps(steps: Extract<YamlNode, { items: unknown[] }>, reader: NodeReader): Step[] {
  const out: Step[] = [];
  steps.items.forEach((item, index) => {
    const node = reader.deref(item as YamlNode);
    if (!isMap(node)) return;
    const uses = reader.textValue(reader.get(node, 'uses'));
    out.push({
      index,
      line: reader.lineOf(node),
      id: reader.scalarText(reader.get(node, 'id')),
      name: reader.scalarText(reader.get(node, 'name')),
      uses: uses ? parseActionReference(uses.text, uses.line) : null,
      with: reader.namedValues(reader.get(node, 'with')),
      run: reader.textValue(reader.get(node, 'run')),
      env: reader.namedValues(reader.get(node, 'env')),
      if: reader.textValue(reader.get(node, 'if')),
    });
  });
  return out;
}

function readTriggers(node: YamlNode | null, reader: NodeReader): Trigger[] {
  if (node === null) return [];
  if (isScalar(node)) {
    const event = reader.scalarText(node);
    return event ? [{ event, line: reader.lineOf(node), types: [] }] : [];
  }
  if (isSeq(node)) {
    return node.items.flatMap((item) => {
      const scalar = reader.deref(item as YamlNode);
      const event = reader.scalarText(scalar);
      return event && scalar ? [{ event, line: reader.lineOf(scalar), types: [] }] : [];
    });
  }
  if (isMap(node)) {
    return node.items.flatMap((item) => {
      const event = reader.keyText(item);
      if (event === null) return [];
      const config = reader.deref(item.value as YamlNode);
      const types = isMap(config) ? reader.stringList(reader.get(config, 'types')) : [];
      return [{ event, line: reader.keyLine(item), types }];
    });
  }
  return [];
}

const ACCESS_LEVELS: readonly PermissionAccess[] = ['read', 'write', 'none'];

function readPermissions(pair: Pair | null, reader: NodeReader): Permissions | null {
  if (!pair) return null;
  const node = reader.deref(pair.value as YamlNode);
  const line = reader.keyLine(pair);
  if (node === null || (isScalar(node) && node.value === null)) return { kind: 'unknown', text: '', line };
  if (isScalar(node)) {
    const text = String(node.value);
    if (text === 'read-all' || text === 'write-all') return { kind: 'all', access: text === 'read-all' ? 'read' : 'write', line };
    return { kind: 'unknown', text, line };
  }
  if (isMap(node)) {
    const scopes: PermissionScope[] = [];
    for (const item of node.items) {
      const scope = reader.keyText(item);
      const access = reader.scalarText(reader.deref(item.value as YamlNode));
      if (scope === null) continue;
      if (access === null || !(ACCESS_LEVELS as readonly string[]).includes(access)) {
        return { kind: 'unknown', text: `${scope}: ${access ?? ''}`, line: reader.keyLine(item) };
      }
      scopes.push({ scope, access: access as PermissionAccess, line: reader.keyLine(item) });
    }
    return { kind: 'scopes', scopes, line };
  }
  return { kind: 'unknown', text: reader.source(node), line };
}

const SHA_LIKE = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;

/** Parses a `uses:` value. Never throws; what cannot be read is `unparsed`. */
export function parseActionReference(raw: string, line: number): ActionReference {
  const text = raw.trim();
  if (text.startsWith('./') || text === '.') return { kind: 'local', path: text.replace(/^\.\//, ''), raw, line };
  if (text.startsWith('docker://')) {
    const rest = text.slice('docker://'.length);
    const at = rest.indexOf('@');
    const digest = at >= 0 ? rest.slice(at + 1) : null;
    const withoutDigest = at >= 0 ? rest.slice(0, at) : rest;
    // A colon after the last slash is a tag; one before it is a registry port.
    const lastSlash = withoutDigest.lastIndexOf('/');
    const colon = withoutDigest.indexOf(':', lastSlash + 1);
    const image = colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
    const tag = colon >= 0 ? withoutDigest.slice(colon + 1) : null;
    return { kind: 'docker', image, tag, digest, raw, line };
  }
  if (text.includes('${{')) return { kind: 'unparsed', raw, line };
  const at = text.lastIndexOf('@');
  const target = at >= 0 ? text.slice(0, at) : text;
  const ref = at >= 0 ? text.slice(at + 1) : null;
  const [owner, repo, ...path] = target.split('/');
  if (!owner || !repo || (ref !== null && ref === '')) return { kind: 'unparsed', raw, line };
  return { kind: 'action', owner, repo, path: path.join('/'), ref, raw, line };
}

/** True for a full commit SHA (SHA-1, or SHA-256 repositories). */
export function isCommitSha(ref: string | null): boolean {
  return ref !== null && SHA_LIKE.test(ref);
}

/** Small helpers over the yaml CST: lines from ranges, aliases resolved, scalars as text. */
class NodeReader {
  constructor(
    private readonly document: Document,
    private readonly text: string,
    private readonly lineCounter: LineCounter,
  ) {}

  deref(node: YamlNode | null | undefined): YamlNode | null {
    let current: unknown = node ?? null;
    // Aliases to aliases are legal; a bound stops a malicious cycle.
    for (let depth = 0; depth < 16 && isAlias(current); depth++) current = current.resolve(this.document) ?? null;
    return (current as YamlNode | null) ?? null;
  }

  lineOf(node: YamlNode): number {
    return node.range ? this.lineCounter.linePos(node.range[0]).line : 1;
  }

  keyLine(pair: Pair): number {
    const key = pair.key as YamlNode | null;
    if (key && (isScalar(key) || isMap(key) || isSeq(key)) && key.range) return this.lineOf(key);
    const value = this.deref(pair.value as YamlNode);
    return value ? this.lineOf(value) : 1;
  }

  keyText(pair: Pair): string | null {
    const key = pair.key as YamlNode | null;
    return isScalar(key) && key.value !== null ? String(key.value) : null;
  }

  pair(map: YamlMap, key: string): Pair | null {
    for (const item of map.items) if (isPair(item) && this.keyText(item) === key) return item;
    return null;
  }

  get(map: YamlNode | null, key: string): YamlNode | null {
    if (!isMap(map)) return null;
    const pair = this.pair(map, key);
    return pair ? this.deref(pair.value as YamlNode) : null;
  }

  scalarText(node: YamlNode | null | undefined): string | null {
    const resolved = this.deref(node);
    if (!isScalar(resolved) || resolved.value === null || resolved.value === undefined) return null;
    return String(resolved.value);
  }

  source(node: YamlNode): string {
    return node.range ? this.text.slice(node.range[0], node.range[1]) : '';
  }

  textValue(node: YamlNode | null | undefined): TextValue | null {
    const resolved = this.deref(node);
    if (!isScalar(resolved) || resolved.value === null || resolved.value === undefined) return null;
    return { text: String(resolved.value), line: this.contentLine(resolved), expressions: this.expressions(resolved) };
  }

  /** For `|`/`>` block scalars the content starts on the line after the indicator. */
  private contentLine(node: YamlNode): number {
    const line = this.lineOf(node);
    const type = isScalar(node) ? node.type : undefined;
    return type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED' ? line + 1 : line;
  }

  /** Expressions are found in the source text, so each keeps its own line even inside a block scalar. */
  private expressions(node: YamlNode): Expression[] {
    if (!node.range) return [];
    const start = node.range[0];
    const raw = this.text.slice(start, node.range[1]);
    const out: Expression[] = [];
    for (const match of raw.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
      out.push({ text: match[1]!.replace(/\s+/g, ' ').trim(), line: this.lineCounter.linePos(start + match.index).line });
    }
    return out;
  }

  namedValues(node: YamlNode | null): NamedValue[] {
    const map = this.deref(node);
    if (!isMap(map)) return [];
    const out: NamedValue[] = [];
    for (const item of map.items) {
      const name = this.keyText(item);
      const value = this.textValue(item.value as YamlNode);
      if (name !== null && value) out.push({ name, line: this.keyLine(item), value });
    }
    return out;
  }

  stringList(node: YamlNode | null): string[] {
    const resolved = this.deref(node);
    if (isSeq(resolved)) return resolved.items.map((item) => this.scalarText(item as YamlNode)).filter((item): item is string => item !== null);
    const single = this.scalarText(resolved);
    return single === null ? [] : [single];
  }
}
