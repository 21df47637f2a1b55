import { commitFromFragment, originOf, type RemoteOrigin } from '../common/npm-source.js';

/** One `name@range` of a lock entry's key, as yarn wrote it. */
export interface Descriptor {
  /** The name the dependent asked for (an alias name for `npm:` aliases). */
  name: string;
  range: string;
  /** For `alias@npm:real@range`: the real package's name. */
  aliasOf?: string;
  /** What the range alone says about where the package comes from. */
  origin: RemoteOrigin;
}

/** `owner/repo` or `owner/repo#ref`: yarn's GitHub shorthand. Semver ranges and tags never hold a `/`. */
const GITHUB_SHORTHAND = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:#.*)?$/;

/** The name of `name@range` (the `@` of a scope kept), as parseDescriptor reads it. */
export function descriptorName(text: string): string {
  const at = text.indexOf('@', 1);
  return at === -1 ? text : text.slice(0, at);
}

/** Splits `name@range`, keeping the `@` of a scope in the name. */
export function parseDescriptor(text: string): Descriptor {
  const at = text.indexOf('@', 1);
  const name = descriptorName(text);
  const range = at === -1 ? '' : text.slice(at + 1);
  const descriptor: Descriptor = { name, range, origin: originOfRange(range) };
  if (range.startsWith('npm:')) {
    // `npm:real@^1` is an alias; Berry's plain `npm:^1` is not (no name before an `@`).
    const target = range.slice('npm:'.length);
    const targetAt = target.indexOf('@', 1);
    if (targetAt > 0) descriptor.aliasOf = target.slice(0, targetAt);
  }
  return descriptor;
}

/** The key a lock entry was written under, for messages. */
export function key(descriptors: readonly string[]): string {
  return descriptors.join(', ');
}

function originOfRange(range: string): RemoteOrigin {
  if (range === '' || range.startsWith('npm:') || range.startsWith('patch:')) return { kind: 'unknown' };
  const origin = originOf(range);
  if (origin.kind !== 'unknown' || !GITHUB_SHORTHAND.test(range)) return origin;
  const commit = commitFromFragment(range);
  return commit === undefined ? { kind: 'git' } : { kind: 'git', commit };
}
