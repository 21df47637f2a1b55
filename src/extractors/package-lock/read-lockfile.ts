/**
 * Reads the parts of a package-lock.json that chainwatch uses in one streaming pass over
 * jsonc-parser's visitor: no tree of the document is built. A lockfile is mostly integrity
 * hashes, dependency ranges, engines and licences; building it whole took 3.2 GB for a
 * 215 MB file. What is kept is one small record per entry (its key, line and the few
 * scalar fields read), so memory follows the packages found, not the size of the text.
 *
 * jsonc-parser recovers from syntax errors the way its parseTree does (the same events), so
 * a damaged file yields what the tree-based reader yielded: the entries before the damage,
 * and its guesses after it.
 */
import { printParseErrorCode, visit, type ParseErrorCode } from 'jsonc-parser';
import { withoutByteOrderMark } from '../common/byte-order-mark.js';
import { deepNestingOffset } from '../common/json-document.js';
import { lineCounter } from '../common/line-index.js';

/** The fields of an entry that are read (`PackageLockPackage` and `PackageLockDependency`). */
const ENTRY_FIELDS: ReadonlySet<string> = new Set(['name', 'version', 'resolved', 'link', 'dev', 'optional', 'devOptional']);

/** One member of `packages`, or of a `dependencies` object in v1's tree. */
export interface LockEntry {
  key: string;
  /** Line of the key. */
  line: number;
  /** What the value is: `missing` when the text breaks off before it. */
  kind: 'object' | 'other' | 'missing';
  /** The entry's scalar fields among those read (the last of duplicates, as JSON.parse keeps). */
  fields: Record<string, unknown>;
}

export interface LockfileRead {
  /** The JSON type of the root value; undefined when the text holds none. */
  rootType: 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | undefined;
  rootLine: number;
  hasLockfileVersion: boolean;
  /** Members of the root's `packages` object (v2, v3); undefined when there is no such object. */
  packages: LockEntry[] | undefined;
  /** Line of the `packages` object. */
  packagesLine: number;
  /** v1: every entry of the `dependencies` tree in file order (depth-first, parents first). */
  dependencies: LockEntry[] | undefined;
  /** The first syntax error, with how many there were, or the nesting that was too deep. */
  problem: { kind: 'syntax'; detail: string; line: number } | { kind: 'too-deep'; line: number } | undefined;
}

type Frame =
  | { role: 'root' }
  | { role: 'packages' }
  | { role: 'dependencies' }
  /** `children`: where this v1 entry's nested entries start in the list, once its `dependencies` object began. */
  | { role: 'entry'; entry: LockEntry; inDependencies: boolean; children?: number };

export function readLockfile(input: string, maxDepth: number): LockfileRead {
  const text = withoutByteOrderMark(input);
  // jsonc-parser recurses once per nesting level: refuse what would exhaust the stack first.
  const tooDeep = deepNestingOffset(text, maxDepth);
  if (tooDeep !== -1) {
    return { ...emptyRead(), problem: { kind: 'too-deep', line: lineCounter(text)(tooDeep) } };
  }
  const first = readPass(text, false);
  // v1's tree was skipped because `packages` came first, and then a later `packages` member
  // was not an object after all (duplicate keys: the last one counts): read it again, whole.
  return first.read.packages === undefined && first.skippedDependencies ? readPass(text, true).read : first.read;
}

function emptyRead(): LockfileRead {
  return { rootType: undefined, rootLine: 1, hasLockfileVersion: false, packages: undefined, packagesLine: 1, dependencies: undefined, problem: undefined };
}

/**
 * One pass of the visitor. `dependencies` is v1's tree; v2 files carry it after `packages`
 * as well, so unless `withDependencies`, it is skipped once a `packages` object has been met.
 * Duplicate keys read as JSON.parse reads them: the last member of a name counts.
 */
function readPass(text: string, withDependencies: boolean): { read: LockfileRead; skippedDependencies: boolean } {
  const lineAt = lineCounter(text);
  const read = emptyRead();
  let skippedDependencies = false;
  const frames: Frame[] = [];
  /** Containers open inside a value that is not read (0: reading). */
  let ignored = 0;
  /** The member whose value comes next, in the innermost read object. */
  let member: { key: string; entry: LockEntry | undefined } | undefined;
  let firstError: { error: ParseErrorCode; offset: number } | undefined;
  let errorCount = 0;

  /** A value starts: what it is to the reader, given the innermost frame and the member it is the value of. */
  function valueStarts(kind: 'object' | 'other', offset: number): Frame | undefined {
    const parent = frames.at(-1);
    const key = member?.key;
    const entry = member?.entry;
    member = undefined;
    if (parent === undefined) {
      read.rootLine = lineAt(offset);
      return kind === 'object' ? { role: 'root' } : undefined;
    }
    if (entry !== undefined) entry.kind = kind;
    if (kind !== 'object') return undefined;
    switch (parent.role) {
      case 'root':
        if (key === 'packages') {
          read.packages = [];
          read.packagesLine = lineAt(offset);
          return { role: 'packages' };
        }
        if (key === 'dependencies') {
          if (read.packages !== undefined && !withDependencies) {
            skippedDependencies = true;
            return undefined;
          }
          read.dependencies = [];
          return { role: 'dependencies' };
        }
        return undefined;
      case 'packages':
        return entry ? { role: 'entry', entry, inDependencies: false } : undefined;
      case 'dependencies':
        return entry ? { role: 'entry', entry, inDependencies: true } : undefined;
      case 'entry':
        if (key !== 'dependencies' || !parent.inDependencies) return undefined;
        parent.children = read.dependencies!.length;
        return { role: 'dependencies' };
    }
  }

  function containerStarts(kind: 'object' | 'array', offset: number): void {
    if (ignored > 0) {
      ignored++;
      return;
    }
    if (frames.length === 0) read.rootType = kind;
    const frame = valueStarts(kind === 'object' ? 'object' : 'other', offset);
    if (frame) frames.push(frame);
    else ignored = 1;
  }

  function containerEnds(): void {
    if (ignored > 0) ignored--;
    else frames.pop();
    member = undefined;
  }

  visit(
    text,
    {
      onObjectBegin: (offset) => containerStarts('object', offset),
      onArrayBegin: (offset) => containerStarts('array', offset),
      onObjectEnd: containerEnds,
      onArrayEnd: containerEnds,
      onObjectProperty: (key, offset) => {
        if (ignored > 0) return;
        const parent = frames.at(-1);
        let entry: LockEntry | undefined;
        if (parent?.role === 'root') {
          // A later member of the same name replaces what an earlier one held, whatever its value turns out to be.
          if (key === 'lockfileVersion') read.hasLockfileVersion = true;
          if (key === 'packages') read.packages = undefined;
          if (key === 'dependencies') read.dependencies = undefined;
        } else if (parent?.role === 'entry' && key === 'dependencies' && parent.children !== undefined) {
          read.dependencies!.length = parent.children;
          parent.children = undefined;
        } else if (parent?.role === 'packages' || parent?.role === 'dependencies') {
          entry = { key, line: lineAt(offset), kind: 'missing', fields: {} };
          (parent.role === 'packages' ? read.packages : read.dependencies)!.push(entry);
        }
        member = { key, entry };
      },
      onLiteralValue: (value: unknown, offset) => {
        if (ignored > 0) return;
        const parent = frames.at(-1);
        const key = member?.key;
        if (parent === undefined) read.rootType = literalType(value);
        if (parent?.role === 'entry' && key !== undefined && ENTRY_FIELDS.has(key)) parent.entry.fields[key] = value;
        else valueStarts('other', offset);
        member = undefined;
      },
      onSeparator: (separator) => {
        // After `,` a member's value can no longer come (it was missing).
        if (separator === ',') member = undefined;
      },
      onError: (error, offset) => {
        errorCount++;
        firstError ??= { error, offset };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (firstError) {
    const more = errorCount > 1 ? ` (and ${errorCount - 1} more)` : '';
    // Offsets met so far are past the error: lineCounter counts again from the start, once.
    read.problem = { kind: 'syntax', detail: `${printParseErrorCode(firstError.error)}${more}`, line: lineAt(firstError.offset) };
  }
  return { read, skippedDependencies };
}

function literalType(value: unknown): 'string' | 'number' | 'boolean' | 'null' {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  return typeof value === 'boolean' ? 'boolean' : 'null';
}
