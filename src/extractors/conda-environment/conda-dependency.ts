/**
 * One `dependencies:` entry of an environment file, read as conda reads it: a
 * package file URL or path (`…/linux-64/name-1.2.3-build.conda`), or a MatchSpec
 * parsed by the conda ecosystem's `parseMatchSpec` (the parser checked against
 * conda itself). What is added here is only what an extractor needs on top:
 * channel URLs named by their path, whether the spec pins one exact version, and
 * if not, why not, in terms of the spec as the user wrote it.
 */
import { fail, ok, type Result } from '../../core/errors.js';
import { excerpt } from '../../core/excerpt.js';
import { parseMatchSpec, type CondaMatchSpec } from '../../ecosystems/conda/version.js';
import { channelFromUrl, CONDA_SUBDIR } from '../common/conda-channel.js';

export interface CondaDependency {
  /** Lower-cased, as conda reads it. */
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
  /** Set when the entry is the URL or path of a package file: exact by construction. */
  url?: string;
}

/** Real specs are tens of characters; the cap keeps the parser's regular expressions on short input. */
const MAX_SPEC_LENGTH = 4096;
const PACKAGE_FILE = /\.(conda|tar\.bz2)$/;
const PACKAGE_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** A conda version that is one value, not a pattern or range: optional epoch, then alphanumerics, `.`, `_`, `+`. */
const EXACT_VERSION = /^(\d+!)?[A-Za-z0-9_.+]+$/;
/** The `version=` pair of a bracket section, as conda's own bracket pattern reads it. */
const BRACKET_VERSION = /(?:^|[\s,[])version=(["']?)([^'"]*?)\1(?:[, \]]|$)/;

function isExactVersion(text: string): boolean {
  return EXACT_VERSION.test(text) && !text.startsWith('.') && !text.endsWith('.');
}

export function condaDependencyOf(input: string): Result<CondaDependency, string> {
  if (input.length > MAX_SPEC_LENGTH) return fail(`package spec longer than ${MAX_SPEC_LENGTH} characters`);
  // conda drops everything after `#` (YAML already removed ` # comments` outside quotes).
  const text = input.split('#')[0]!.trim();
  if (text === '') return fail('empty package spec');
  // conda reads a spec ending in a package file extension as a file, not a MatchSpec.
  if (PACKAGE_FILE.test(text)) return fromPackageFile(text);

  const parsed = parseMatchSpec(text);
  if (!parsed.ok) return fail(excerpt(parsed.error.message, 200));
  const spec = parsed.value;
  if (spec.name.includes('*')) return fail(`"${excerpt(input)}" names a pattern, not one package`);

  const written = writtenConstraint(text, spec);
  const dependency: CondaDependency = { name: spec.name, ...exactness(spec, written) };
  const channel = spec.channel?.includes('://') ? channelFromUrl(spec.channel) : spec.channel;
  if (channel && channel !== '*') dependency.channel = channel;
  if (spec.subdir) dependency.subdir = spec.subdir;
  if (written?.text) dependency.versionConstraint = written.text;
  if (spec.build) dependency.build = spec.build;
  return ok(dependency);
}

interface WrittenConstraint {
  text: string;
  /** `name=1.2` rather than `name[version='=1.2']`: only the positional `=` means a prefix. */
  positional: boolean;
}

/**
 * The version constraint as the user wrote it. conda rewrites it before parsing
 * (`=1.2` becomes `1.2*`, `==1.2` becomes `1.2`), so `spec.versionText` cannot
 * tell `=1.2` from `1.2*`; messages quote what the file says.
 */
function writtenConstraint(text: string, spec: CondaMatchSpec): WrittenConstraint | undefined {
  if (spec.versionText === undefined) return undefined;
  const open = text.lastIndexOf('[');
  const bracket = open === -1 ? undefined : BRACKET_VERSION.exec(text.slice(open));
  if (bracket) return { text: bracket[2]!.trim(), positional: false };
  const positional = (open === -1 ? text : text.slice(0, open)).split(' if ')[0]!;
  // The name follows the channel (`channel::name`); conda splits at the last colons.
  const afterChannel = positional.slice(positional.lastIndexOf(':') + 1).trim();
  let rest = afterChannel.slice(spec.name.length).trim();
  const bracketBuild = open !== -1 && /(?:^|[\s,[])build=/.test(text.slice(open));
  if (spec.build !== undefined && !bracketBuild && rest.endsWith(spec.build)) {
    rest = rest.slice(0, rest.length - spec.build.length).trimEnd();
    if (rest.endsWith('=')) rest = rest.slice(0, -1).trimEnd();
  }
  return { text: rest, positional: true };
}

function exactness(spec: CondaMatchSpec, written: WrittenConstraint | undefined): { exactVersion: string | null; why?: string } {
  const version = spec.versionText;
  if (version === undefined || version === '*') return { exactVersion: null, why: 'no version pinned' };
  if (isExactVersion(version)) return { exactVersion: version };
  const prefix = written?.positional && spec.build === undefined ? /^=(?!=)\s*(.+)$/.exec(written.text) : null;
  if (prefix && isExactVersion(prefix[1]!)) {
    return { exactVersion: null, why: `"=${excerpt(prefix[1]!)}" means ${excerpt(prefix[1]!)}.* in conda, not one exact version` };
  }
  return { exactVersion: null, why: `version "${excerpt(written?.text ?? version)}" is a range or pattern, not one exact version` };
}

/** `…/<subdir>/<name>-<version>-<build>.conda`: a package file names one release exactly. */
function fromPackageFile(text: string): Result<CondaDependency, string> {
  const slash = text.lastIndexOf('/');
  const file = text.slice(slash + 1).replace(PACKAGE_FILE, '');
  const parts = file.split('-');
  if (parts.length < 3) return fail(`package file name "${excerpt(file)}" is not name-version-build`);
  const build = parts.pop()!;
  const version = parts.pop()!;
  const name = parts.join('-');
  if (!PACKAGE_FILE_NAME.test(name) || !isExactVersion(version)) return fail(`cannot read name and version from "${excerpt(file)}"`);
  const dependency: CondaDependency = { name, versionConstraint: version, build, exactVersion: version, url: text };
  const directory = text.slice(0, Math.max(slash, 0));
  const subdir = directory.split('/').at(-1);
  if (subdir && CONDA_SUBDIR.test(subdir)) dependency.subdir = subdir;
  const channel = directory.includes('://') ? channelFromUrl(directory) : '';
  if (channel) dependency.channel = channel;
  return ok(dependency);
}
