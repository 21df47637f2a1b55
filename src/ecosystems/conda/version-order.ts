import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import type { Version } from '../types.js';

/**
 * One run inside a version component: a number (kept as bigint: conda
 * compares integers of any size), a lower-case string, `DEV` (conda's
 * stand-in that sorts `dev` below every other string but `*`), or `POST`
 * (`post`, which sorts above every number).
 */
export type CondaAtom = bigint | string | typeof POST;
export type CondaComponent = readonly CondaAtom[];

export const POST = Symbol('post');
const DEV = 'DEV';
/** A missing atom or component counts as the number 0, so `1.1` = `1.1.0`. */
const FILL = 0n;

/**
 * A conda version in conda's VersionOrder: `[epoch!]version[+local]`,
 * components split at `.` and `_` (and `-` when no `_` is present), each
 * component split into runs of digits and non-digits, case-insensitive.
 * Ordering: `*` < `dev` < `_` < other strings < numbers < `post`.
 */
export class CondaVersion implements Version {
  readonly text: string;
  /** Lower-cased, trimmed, dashes turned into underscores as conda does. */
  readonly normalized: string;
  /** The epoch is the first component, as in conda. */
  readonly version: readonly CondaComponent[];
  readonly local: readonly CondaComponent[];

  constructor(text: string, normalized: string, version: CondaComponent[], local: CondaComponent[]) {
    this.text = text;
    this.normalized = normalized;
    this.version = version;
    this.local = local;
  }

  get epoch(): bigint {
    return this.version[0]![0] as bigint;
  }

  /**
   * conda itself has no pre-release flag; like PEP 440 we call a version a
   * pre-release when its public part holds a string run other than `post` or
   * the openssl-style trailing `_` (`1.0rc1`, `2.0.dev3`, `1.2.beta`).
   */
  get isPrerelease(): boolean {
    return this.version.some((component) => component.some((atom) => typeof atom === 'string' && atom !== '_'));
  }

  compare(other: Version): number {
    const that = asCondaVersion(other);
    return compareComponents(this.version, that.version) || compareComponents(this.local, that.local);
  }

  /** conda's VersionOrder.startswith, the matcher behind `1.2.*` and `=1.2`. */
  startsWith(prefix: CondaVersion): boolean {
    let mine: readonly CondaComponent[];
    let theirs: readonly CondaComponent[];
    if (prefix.local.length > 0) {
      if (compareComponents(this.version, prefix.version) !== 0) return false;
      mine = this.local;
      theirs = prefix.local;
    } else {
      mine = this.version;
      theirs = prefix.version;
    }
    const last = theirs.length - 1;
    if (compareComponents(mine.slice(0, last), theirs.slice(0, last)) !== 0) return false;
    const myComponent = mine[last] ?? [];
    const theirComponent = theirs[last]!;
    const lastAtom = theirComponent.length - 1;
    if (compareComponents([myComponent.slice(0, lastAtom)], [theirComponent.slice(0, lastAtom)]) !== 0) return false;
    const myAtom = myComponent[lastAtom] ?? FILL;
    const theirAtom = theirComponent[lastAtom]!;
    if (typeof theirAtom === 'string') return typeof myAtom === 'string' && myAtom.startsWith(theirAtom);
    return myAtom === theirAtom;
  }
}

export function asCondaVersion(version: Version): CondaVersion {
  if (version instanceof CondaVersion) return version;
  throw new TypeError(`cannot compare a conda version with ${version.constructor.name} "${version.text}"`);
}

function compareAtoms(left: CondaAtom, right: CondaAtom): number {
  if (left === right) return 0;
  if (typeof left === 'string') {
    if (typeof right !== 'string') return -1;
    return left < right ? -1 : 1;
  }
  if (typeof right === 'string') return 1;
  if (left === POST) return 1;
  if (right === POST) return -1;
  return left < right ? -1 : 1;
}

function compareComponents(left: readonly CondaComponent[], right: readonly CondaComponent[]): number {
  const components = Math.max(left.length, right.length);
  for (let i = 0; i < components; i++) {
    const leftComponent = left[i] ?? [];
    const rightComponent = right[i] ?? [];
    const atoms = Math.max(leftComponent.length, rightComponent.length);
    for (let k = 0; k < atoms; k++) {
      const order = compareAtoms(leftComponent[k] ?? FILL, rightComponent[k] ?? FILL);
      if (order !== 0) return order;
    }
  }
  return 0;
}

const ALLOWED = /^[*.+!_0-9a-z]+$/;
const RUNS = /[0-9]+|\*+|[^0-9*]+/g;

function invalid(text: string, reason: string): { ok: false; error: ChainwatchError } {
  return fail(new ChainwatchError('invalid-version', `"${text}" is not a valid conda version: ${reason}`));
}

function splitComponent(part: string): CondaComponent | null {
  const runs = part.match(RUNS);
  if (!runs) return null;
  const atoms: CondaAtom[] = runs.map((run) => {
    if (/^[0-9]/.test(run)) return BigInt(run);
    if (run === 'post') return POST;
    if (run === 'dev') return DEV;
    return run;
  });
  // Components start with a number so that numbers and strings stay in phase: 1.1.a1 = 1.1.0a1.
  return /^[0-9]/.test(part) ? atoms : [FILL, ...atoms];
}

function splitComponents(parts: string[]): CondaComponent[] | null {
  const components: CondaComponent[] = [];
  for (const part of parts) {
    const component = splitComponent(part);
    if (!component) return null;
    components.push(component);
  }
  return components;
}

/** Parses like conda's VersionOrder constructor, with the same validity rules. */
export function parseCondaVersion(text: string): Result<CondaVersion> {
  let normalized = text.trim().toLowerCase();
  if (normalized === '') return invalid(text, 'empty version string');
  if (!ALLOWED.test(normalized)) {
    // Dashes are allowed when there are no underscores: they become underscores.
    const dashed = normalized.includes('-') && !normalized.includes('_') ? normalized.replaceAll('-', '_') : null;
    if (dashed === null || !ALLOWED.test(dashed)) return invalid(text, 'invalid character(s)');
    normalized = dashed;
  }

  const epochParts = normalized.split('!');
  if (epochParts.length > 2) return invalid(text, "duplicated epoch separator '!'");
  const epochText = epochParts.length === 2 ? epochParts[0]! : '0';
  if (!/^[0-9]+$/.test(epochText)) return invalid(text, 'epoch must be an integer');

  const localParts = epochParts[epochParts.length - 1]!.split('+');
  if (localParts.length > 2) return invalid(text, "duplicated local version separator '+'");
  const main = localParts[0]!;
  if (main === '') return invalid(text, "missing version before local version separator '+'");

  let mainParts: string[];
  if (main.endsWith('_')) {
    // openssl-style `1.0.1_` keeps its trailing underscore as part of the last component.
    mainParts = main.slice(0, -1).replaceAll('_', '.').split('.');
    mainParts[mainParts.length - 1] += '_';
  } else {
    mainParts = main.replaceAll('_', '.').split('.');
  }
  const version = splitComponents([epochText, ...mainParts]);
  const local = localParts.length === 2 ? splitComponents(localParts[1]!.replaceAll('_', '.').split('.')) : [];
  if (!version || !local) return invalid(text, 'empty version component');
  return ok(new CondaVersion(text, normalized, version, local));
}
