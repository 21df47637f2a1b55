import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import { parseCondaRange, type CondaRange } from './version-spec.js';

/** A parsed conda MatchSpec: `[channel[/subdir]::]name [version [build]]` or the bracket form. */
export interface CondaMatchSpec {
  readonly text: string;
  /** The channel as written (`conda-forge`, a URL); conda's aliases are not resolved. */
  readonly channel?: string;
  readonly subdir?: string;
  /** Lower-cased, as conda does. `*` when the spec names no package (`*[md5=...]`). */
  readonly name: string;
  /** Absent when any version matches. */
  readonly version?: CondaRange;
  /** The version text after MatchSpec's own rewriting (`=1.2` becomes `1.2*`, `==1.2` becomes `1.2`). */
  readonly versionText?: string;
  /** A build-string glob (`py_0`, `py*`, `*openblas*`). */
  readonly build?: string;
}

function invalid(text: string, reason: string): { ok: false; error: ChainwatchError } {
  return fail(new ChainwatchError('invalid-requirement', `"${text}" is not a valid conda match spec: ${reason}`));
}

// The last `[...]` section and the `key=value` pairs inside it, as conda's _BRACKETS_RE and _BRACKETS_KV_RE.
const BRACKETS = /^.*(\[.*\])/s;
const BRACKET_PAIR = /([a-zA-Z0-9_-]+?)=(["']?)([^'"]*?)(\2)(?:[, ]|$)/g;
// The legacy `(optional)`-style parentheses section, parsed and dropped by conda.
const PARENS = /^.*(\(.*\))/s;
const NAME_AND_REST = /^([^ =<>!~]+)?([><!=~ ].*)?$/;
const VERSION_AND_BUILD = /((?:.+?)[^><!,|]?)(?:(?<![=!|,<>~])(?:[ =])([^-=,|<>~]+?))?$/;
const PACKAGE_NAME = /^(([a-z0-9])|([a-z0-9_](?!_)))[._-]?([a-z0-9]+(\.|-|_|$))*$/;
const VIRTUAL_PACKAGE_NAME = /^__[a-z0-9][._-]?([a-z0-9]+(\.|-|_|$))*$/;
const SUBDIR = /^(noarch|(linux|osx|win|emscripten|wasi|zos|freebsd)-[a-z0-9_]+)$/;

/** conda's rewriting of a MatchSpec version: `=1.2` means `1.2*`, `==1.2` means `1.2`. */
function sanitizeVersion(version: string, build: string | undefined): string {
  if (version === '==' || version === '=' || !version.startsWith('=')) return version;
  const bare = version.replace(/^=+/, '');
  if (version.startsWith('==') && build === undefined) return bare;
  if (!/[=,|]/.test(bare)) return build === undefined && !bare.endsWith('*') ? `${bare}*` : bare;
  return version;
}

function splitVersionAndBuild(text: string): { version: string; build: string | undefined } {
  const parts = VERSION_AND_BUILD.exec(text);
  if (!parts) return { version: text.replaceAll(' ', ''), build: undefined };
  const build = parts[2]?.trim();
  return { version: (parts[1] ?? '').replaceAll(' ', ''), build: build === '' ? undefined : build };
}

function splitChannel(channel: string): { channel?: string; subdir?: string } {
  if (channel === '') return {};
  const slash = channel.lastIndexOf('/');
  const last = channel.slice(slash + 1);
  if (slash > 0 && SUBDIR.test(last)) return { channel: channel.slice(0, slash), subdir: last };
  return { channel };
}

/**
 * Parses a MatchSpec the way conda's `_parse_spec_str` does, for the parts
 * chainwatch uses: channel, subdir, name, version, build. Package file paths
 * and URLs (`*.conda`, `*.tar.bz2`) and feature specs (`name@`) are refused.
 */
export function parseMatchSpec(text: string): Result<CondaMatchSpec> {
  let spec = text;
  if (spec.includes('\n') || spec.includes('\r')) return invalid(text, 'a match spec is a single line');
  if (spec.trim().endsWith('@')) return invalid(text, 'feature specs (name@) are not supported');
  const hash = spec.indexOf('#');
  if (hash >= 0) spec = spec.slice(0, hash);
  spec = spec.split(' if ')[0]!;
  if (/\.(conda|tar\.bz2)$/.test(spec.trim())) return invalid(text, 'package file specs are not supported');

  const brackets = new Map<string, string>();
  const bracketMatch = BRACKETS.exec(spec);
  if (bracketMatch) {
    const section = bracketMatch[1]!;
    spec = spec.replaceAll(section, '');
    for (const pair of section.slice(1, -1).matchAll(BRACKET_PAIR)) {
      const key = pair[1] ?? '';
      let value = pair[3] ?? '';
      if (key === '' || value === '') return invalid(text, 'key-value mismatch in brackets');
      if (key === 'version') value = sanitizeVersion(value, undefined);
      brackets.set(key, value);
    }
  }
  const parensMatch = PARENS.exec(spec);
  if (parensMatch) spec = spec.replaceAll(parensMatch[1]!, '');

  const channelParts = spec.split(':');
  let channelText = '';
  if (channelParts.length >= 3) {
    // rsplit(':', 2): everything before the last two colons is the channel (URLs contain colons).
    spec = channelParts[channelParts.length - 1]!;
    channelText = channelParts.slice(0, -2).join(':');
  } else if (channelParts.length === 2) {
    spec = channelParts[1]!;
  }
  let { channel, subdir } = splitChannel(channelText.trim());
  const bracketChannel = brackets.get('channel');
  if (bracketChannel !== undefined) {
    const fromBrackets = splitChannel(bracketChannel);
    channel = fromBrackets.channel ?? channel;
    subdir = fromBrackets.subdir ?? subdir;
  }
  subdir = brackets.get('subdir') ?? subdir;

  const nameMatch = NAME_AND_REST.exec(spec);
  if (!nameMatch) return invalid(text, 'cannot separate the package name from the version');
  const rawName = nameMatch[1];
  if (rawName === undefined) return invalid(text, 'no package name found');
  const name = rawName.toLowerCase();
  if (!name.includes('*')) {
    if (/[^a-z0-9._-]/.test(name)) return invalid(text, 'package name contains invalid characters');
    if (!PACKAGE_NAME.test(name) && !VIRTUAL_PACKAGE_NAME.test(name)) return invalid(text, 'invalid package name');
  }

  let versionText: string | undefined;
  let build: string | undefined;
  const rest = (nameMatch[2] ?? '').trim();
  if (rest !== '') {
    if (rest.includes('[')) return invalid(text, 'multiple brackets sections not allowed');
    const split = splitVersionAndBuild(rest);
    build = split.build;
    versionText = sanitizeVersion(split.version, build);
  }
  // Anything in brackets overrides what stands outside them, except the name.
  versionText = brackets.get('version') ?? versionText;
  build = brackets.get('build') ?? build;
  // conda accepts `numpy=` and reads it as any version.
  if (versionText === '=' || versionText === '') versionText = undefined;

  let version: CondaRange | undefined;
  if (versionText !== undefined) {
    const parsed = parseCondaRange(versionText);
    if (!parsed.ok) return invalid(text, parsed.error.message);
    version = parsed.value;
  }
  return ok({
    text,
    name,
    ...(channel === undefined ? {} : { channel }),
    ...(subdir === undefined ? {} : { subdir }),
    ...(version === undefined ? {} : { version, versionText }),
    ...(build === undefined ? {} : { build }),
  });
}
