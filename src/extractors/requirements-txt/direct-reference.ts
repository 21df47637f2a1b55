/**
 * What a URL or path requirement tells about the package: pip's `#egg=name`
 * fragment, a VCS URL's `@revision`, or a wheel file name's name and version
 * (PEP 427 file names are exact: `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`).
 */
export type Vcs = 'git' | 'hg' | 'svn' | 'bzr';

export interface DirectReference {
  /** The reference as written (markers removed). */
  text: string;
  /** A local file or directory rather than a URL. */
  local: boolean;
  vcs?: Vcs;
  /** For VCS references: the repository URL without `vcs+`, revision and fragment. */
  repository?: string;
  revision?: string;
  /** `#egg=name` (pip's legacy way to name a URL requirement). */
  eggName?: string;
  /** Name and version from a wheel file name. */
  wheel?: { name: string; version: string };
}

const SCHEME = /^([a-z][a-z0-9+.-]+):/i;
const FULL_COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

export function isFullCommit(revision: string | undefined): revision is string {
  return revision !== undefined && FULL_COMMIT.test(revision);
}

/** A bare requirement line that pip would treat as a URL. */
export function looksLikeUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(text) || /^file:/i.test(text);
}

/** A bare requirement line that pip would treat as a local path (a directory or an archive). */
export function looksLikePath(text: string): boolean {
  return /^[.~/\\]/.test(text) || /^[a-z]:[\\/]/i.test(text) || /[/\\]/.test(text) || /\.(?:whl|zip|tar|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz)$/i.test(text);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function parseDirectReference(raw: string): DirectReference {
  // pip separates markers from a URL by whitespace before the `;`.
  const text = raw.replace(/\s+;.*$/, '').trim();
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  const isUrl = scheme !== undefined && scheme.length > 1;
  const local = !isUrl || scheme === 'file';
  const reference: DirectReference = { text, local };

  const hash = text.indexOf('#');
  const withoutFragment = hash === -1 ? text : text.slice(0, hash);
  if (hash !== -1) {
    const fragment = new URLSearchParams(text.slice(hash + 1));
    const egg = fragment.get('egg');
    if (egg) reference.eggName = egg;
  }

  const vcs = scheme?.split('+')[0];
  if (isUrl && scheme!.includes('+') && (vcs === 'git' || vcs === 'hg' || vcs === 'svn' || vcs === 'bzr')) {
    reference.vcs = vcs;
    const url = withoutFragment.slice(vcs.length + 1);
    // The revision follows the last `@` of the path, not the `user@` of the host part.
    const authorityStart = url.indexOf('://');
    const pathStart = authorityStart === -1 ? 0 : url.indexOf('/', authorityStart + 3);
    const at = url.lastIndexOf('@');
    if (pathStart !== -1 && at > pathStart) {
      reference.repository = url.slice(0, at);
      reference.revision = url.slice(at + 1);
    } else {
      reference.repository = url;
    }
    return reference;
  }

  const fileName = decode(withoutFragment.split(/[/\\]/).pop() ?? '');
  const wheel = /^([^-]+)-([^-]+)(?:-[^-]+)?-[^-]+-[^-]+-[^-]+\.whl$/i.exec(fileName);
  if (wheel) reference.wheel = { name: wheel[1]!, version: wheel[2]! };
  return reference;
}
