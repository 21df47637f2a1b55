/**
 * Splits a conda MatchSpec (`conda-forge::numpy==1.26.4=py312h8753938_0`,
 * `python>=3.10`, `numpy 1.26.*`, `numpy[version='>=1.26']`) into its parts and
 * decides whether it pins one exact version.
 *
 * Grammar: `(channel(/subdir)::)name(version(build))([key=value,...])`, version and
 * build separated by `=` or a space, following conda's own parser and the MatchSpec
 * grammar CEP. The `=` and space forms differ: `numpy=1.8` means `1.8.*` (fuzzy),
 * `numpy 1.8` and `numpy==1.8` mean exactly 1.8, and with a build both `=1.8=b` and
 * `==1.8=b` pin 1.8.
 */
import { fail, ok, type Result } from '../../core/errors.js';
import { channelFromUrl } from '../common/conda-channel.js';

export interface MatchSpec {
  name: string;
  /** Channel name (`conda-forge`), or the channel path of a channel URL. */
  channel?: string;
  subdir?: string;
  /** The version constraint as written (without the `=`/space separator of the positional form). */
  versionConstraint?: string;
  build?: string;
  /** The one version this spec allows, or null (then `why` says why not). */
  exactVersion: string | null;
  why?: string;
  /** Set when the spec is the URL of a package file: exact by construction. */
  url?: string;
}

const SUBDIR = /^(noarch|(linux|osx|win|zos|emscripten|wasi|freebsd)-[a-z0-9_]+)$/;
const PACKAGE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** A conda version that is one value, not a pattern or range: optional epoch, then alphanumerics, `.`, `_`, `+`. */
const EXACT_VERSION = /^(\d+!)?[A-Za-z0-9_.+]+$/;
const PACKAGE_FILE = /\.(conda|tar\.bz2)$/;

function isExactVersion(text: string): boolean {
  return EXACT_VERSION.test(text) && !text.startsWith('.') && !text.endsWith('.');
}

/** `key=value` pairs inside `[...]`; values may be quoted. */
function parseBrackets(content: string): Map<string, string> {
  const pairs = new Map<string, string>();
  const pair = /([A-Za-z_]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^,\s]+))/g;
  for (const match of content.matchAll(pair)) {
    pairs.set(match[1]!.toLowerCase(), (match[2] ?? match[3] ?? match[4] ?? '').trim());
  }
  return pairs;
}

const NOT_IN_BUILD = new Set(['-', '=', ',', '|', '<', '>', '~', ' ']);
const OPERATOR_CHARACTERS = new Set(['=', '!', '|', ',', '<', '>', '~']);

/**
 * Splits `1.2.3=py_0`, `1.2.3 py_0`, `=1.2.3`, `>=1.2,<2` into version and build, as conda
 * does: the build is the last run of characters without separators or operators, set off by
 * `=` or a space that does not itself continue an operator (`>=`, `==`). Linear, no regex
 * backtracking.
 */
function splitVersionAndBuild(text: string): { version: string; build: string | undefined } {
  let start = text.length;
  while (start > 0 && !NOT_IN_BUILD.has(text[start - 1]!)) start--;
  const separator = text[start - 1];
  const beforeSeparator = text[start - 2];
  if (start === text.length || (separator !== '=' && separator !== ' ') || beforeSeparator === undefined || OPERATOR_CHARACTERS.has(beforeSeparator)) {
    return { version: text, build: undefined };
  }
  return { version: text.slice(0, start - 1).trim(), build: text.slice(start) };
}

function fromPackageUrl(text: string): Result<MatchSpec, string> {
  const slash = text.lastIndexOf('/');
  const file = text.slice(slash + 1).replace(PACKAGE_FILE, '');
  const parts = file.split('-');
  if (parts.length < 3) return fail(`package file name ${JSON.stringify(file)} is not name-version-build`);
  const build = parts.pop()!;
  const version = parts.pop()!;
  const name = parts.join('-');
  if (!PACKAGE_NAME.test(name) || !isExactVersion(version)) return fail(`cannot read name and version from ${JSON.stringify(file)}`);
  const spec: MatchSpec = { name, versionConstraint: version, build, exactVersion: version, url: text };
  const directory = text.slice(0, Math.max(slash, 0));
  const subdir = directory.split('/').at(-1);
  if (subdir && SUBDIR.test(subdir)) spec.subdir = subdir;
  const channel = directory.includes('://') ? channelFromUrl(directory) : '';
  if (channel) spec.channel = channel;
  return ok(spec);
}

function exactness(constraint: string | undefined, build: string | undefined, positional: boolean): { exactVersion: string | null; why?: string } {
  let operator = '';
  let version = constraint?.trim() ?? '';
  if (version.startsWith('==')) {
    operator = '==';
    version = version.slice(2).trim();
  } else if (version.startsWith('=') && positional) {
    operator = '=';
    version = version.slice(1).trim();
  }
  if (version === '' || version === '*') return { exactVersion: null, why: 'no version pinned' };
  if (!isExactVersion(version)) {
    return { exactVersion: null, why: `version "${constraint}" is a range or pattern, not one exact version` };
  }
  if (operator === '=' && build === undefined) {
    return { exactVersion: null, why: `"=${version}" means ${version}.* in conda, not one exact version` };
  }
  return { exactVersion: version };
}

/** Real specs are tens of characters; the cap keeps every step below linear-times-cap. */
const MAX_SPEC_LENGTH = 4096;

export function parseMatchSpec(input: string): Result<MatchSpec, string> {
  if (input.length > MAX_SPEC_LENGTH) return fail(`package spec longer than ${MAX_SPEC_LENGTH} characters`);
  // conda drops everything after `#` (YAML already removed ` # comments` outside quotes).
  let text = input.split('#')[0]!.trim();
  if (text === '') return fail('empty package spec');
  if (PACKAGE_FILE.test(text) && text.includes('/')) return fromPackageUrl(text);

  let brackets = new Map<string, string>();
  const open = text.indexOf('[');
  if (open !== -1) {
    if (!text.endsWith(']')) return fail(`unclosed "[" in ${JSON.stringify(input)}`);
    brackets = parseBrackets(text.slice(open + 1, -1));
    text = text.slice(0, open).trim();
  }

  let channel: string | undefined;
  let subdir: string | undefined;
  const separator = text.lastIndexOf('::');
  if (separator !== -1) {
    let channelText = text.slice(0, separator);
    text = text.slice(separator + 2);
    const last = channelText.split('/').at(-1);
    if (last && SUBDIR.test(last) && channelText.includes('/')) {
      subdir = last;
      channelText = channelText.slice(0, -(last.length + 1));
    }
    const name = channelText.includes('://') ? channelFromUrl(channelText) : channelText;
    if (name && name !== '*') channel = name;
  }

  const nameMatch = /^([^ =<>!~]+)(.*)$/s.exec(text.trim());
  const name = nameMatch?.[1];
  if (!name || !PACKAGE_NAME.test(name)) return fail(`invalid package name in ${JSON.stringify(input)}`);

  const rest = nameMatch![2]!.trim();
  let versionConstraint: string | undefined;
  let build: string | undefined;
  if (rest !== '') ({ version: versionConstraint, build } = splitVersionAndBuild(rest));

  // Key-value pairs override the positional parts (name excepted).
  const bracketVersion = brackets.get('version');
  const bracketBuild = brackets.get('build') ?? brackets.get('build_string');
  let positional = true;
  if (bracketVersion !== undefined) {
    versionConstraint = bracketVersion;
    positional = false;
  }
  if (bracketBuild !== undefined) build = bracketBuild;
  const bracketChannel = brackets.get('channel');
  if (bracketChannel) channel = bracketChannel.includes('://') ? channelFromUrl(bracketChannel) || undefined : bracketChannel;
  const bracketSubdir = brackets.get('subdir');
  if (bracketSubdir) subdir = bracketSubdir;

  const spec: MatchSpec = { name, ...exactness(versionConstraint, build, positional) };
  if (channel) spec.channel = channel;
  if (subdir) spec.subdir = subdir;
  if (versionConstraint) spec.versionConstraint = versionConstraint;
  if (build) spec.build = build;
  return ok(spec);
}
