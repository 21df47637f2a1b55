import { excerpt } from '../../core/excerpt.js';
import { normalizeName } from '../../core/package.js';
import { withoutByteOrderMark } from '../common/byte-order-mark.js';
import { addError } from '../common/result.js';
import { pythonDistInfo as detection } from '../detection.js';
import type { ExtractedPackage, ExtractInput, ExtractResult, Extractor, RelatedFile } from '../types.js';
import { readMetadataHeaders } from './core-metadata.js';

/** PEP 508 / core metadata `Name`: ASCII letters and digits, with `.`, `_`, `-` inside. */
const DISTRIBUTION_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** What an INSTALLER file may say to be passed on (pip, uv, conda, debian, poetry…): one short word. */
const INSTALLER_WORD = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** Debian's own Python packages live here; apt's dh-python leaves no INSTALLER file. pip on Debian installs under /usr/local. */
const DEBIAN_DIST_PACKAGES = /(?:^|\/)usr\/lib\/python3(?:\.\d+)?\/dist-packages\//;

interface MetadataFolder {
  /** The folder (or single file) name: `PyYAML-6.0.dist-info`, `cupshelpers-1.0-py3.10.egg-info`. */
  name: string;
  kind: 'dist-info' | 'egg-info';
  /** Whether the metadata file sits in a folder (INSTALLER and direct_url.json are its siblings). */
  inFolder: boolean;
}

function metadataFolder(path: string): MetadataFolder {
  const parts = path.replace(/\\/g, '/').split('/').filter((part) => part !== '');
  const base = parts.at(-1) ?? '';
  if (base.endsWith('.egg-info')) return { name: base, kind: 'egg-info', inFolder: false };
  const folder = parts.at(-2) ?? '';
  return { name: folder, kind: folder.endsWith('.dist-info') ? 'dist-info' : 'egg-info', inFolder: true };
}

/**
 * The name and version a metadata folder's name gives, when it gives both:
 * `{name}-{version}.dist-info` (the name escaped, `-` written `_`), or
 * `{name}-{version}[-py{X.Y}[-{platform}]].egg-info`; Debian's
 * `cryptography.egg-info` gives no version.
 */
function folderIdentity(folder: MetadataFolder): { name: string; version: string } | null {
  const stem = folder.name.slice(0, -`.${folder.kind}`.length);
  const [name, version] = stem.split('-');
  return name && version ? { name, version } : null;
}

/** The first line of a sibling file, or null when absent, refused or unreadable (never an error: it only adds a qualifier). */
function siblingText(input: ExtractInput, name: string): string | null {
  const related: RelatedFile | null | undefined = input.readRelated?.(name);
  return related && 'text' in related ? related.text : null;
}

function installerOf(input: ExtractInput, folder: MetadataFolder): string | null {
  if (folder.inFolder && folder.kind === 'dist-info') {
    const text = siblingText(input, 'INSTALLER');
    const word = text?.split(/\r?\n/)[0]?.trim();
    if (word && INSTALLER_WORD.test(word)) return word.toLowerCase();
  }
  return DEBIAN_DIST_PACKAGES.test(input.path.replace(/\\/g, '/')) ? 'debian' : null;
}

/**
 * PEP 610's direct_url.json, written by pip and uv when a distribution was not
 * installed from an index: a local directory (`dir_info`: the project itself,
 * often editable) is a `path` package, a VCS checkout (`vcs_info`) a `git` one
 * with its commit. An archive (`archive_info`: a wheel file or URL) keeps its
 * name and version, and is matched as a registry package: images are often
 * built from wheels downloaded first and installed from disk.
 */
function directOrigin(input: ExtractInput, folder: MetadataFolder): Pick<ExtractedPackage, 'source' | 'commit'> {
  if (!folder.inFolder || folder.kind !== 'dist-info') return { source: 'registry' };
  const text = siblingText(input, 'direct_url.json');
  if (text === null) return { source: 'registry' };
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { source: 'registry' };
  }
  if (typeof document !== 'object' || document === null) return { source: 'registry' };
  const record = document as Record<string, unknown>;
  const vcs = record.vcs_info;
  if (typeof vcs === 'object' && vcs !== null) {
    const commit = (vcs as Record<string, unknown>).commit_id;
    return typeof commit === 'string' && /^[0-9a-fA-F]{7,64}$/.test(commit) ? { source: 'git', commit: commit.toLowerCase() } : { source: 'git' };
  }
  if (typeof record.dir_info === 'object' && record.dir_info !== null) return { source: 'path' };
  return { source: 'registry' };
}

function extract(input: ExtractInput): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  const { fields, problems } = readMetadataHeaders(withoutByteOrderMark(input.text));
  for (const problem of problems) addError(result.errors, 'parse-error', problem.message, { path: input.path, line: problem.line });

  const name = fields.get('name');
  const version = fields.get('version');
  if (name === undefined || name.value === '') {
    // One error for a file with no Name, at its first line: its other lines may have been read fine.
    if (problems.length === 0 || fields.size > 0) addError(result.errors, 'parse-error', 'core metadata has no Name field', { path: input.path, line: 1 });
    return result;
  }
  const location = { path: input.path, line: name.line };
  if (!DISTRIBUTION_NAME.test(name.value)) {
    addError(result.errors, 'parse-error', `Name "${excerpt(name.value)}" is not a valid distribution name`, location);
    return result;
  }

  const folder = metadataFolder(input.path);
  const qualifiers: Record<string, string> = {};
  const installer = installerOf(input, folder);
  if (installer !== null) qualifiers.installer = installer;
  const versionText = version?.value || null;
  // The METADATA is what importlib.metadata and pip report; the folder name is only its escaped copy.
  const fromFolder = folderIdentity(folder);
  if (
    fromFolder !== null &&
    (normalizeName('PyPI', fromFolder.name) !== normalizeName('PyPI', name.value) || (versionText !== null && fromFolder.version.replace(/_/g, '-') !== versionText.replace(/_/g, '-')))
  ) {
    qualifiers.metadataFolder = folder.name;
  }

  const extracted: ExtractedPackage = { ecosystem: 'PyPI', name: name.value, version: versionText, location, ...directOrigin(input, folder) };
  if (Object.keys(qualifiers).length > 0) extracted.qualifiers = qualifiers;
  result.packages.push(extracted);
  if (versionText === null) result.notScannable.push({ name: name.value, reason: 'core metadata has no Version field', location });
  return result;
}

export const extractor: Extractor = { ...detection, extract };
