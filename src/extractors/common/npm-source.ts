/**
 * Where an npm-ecosystem package came from, read from a lockfile's URL or spec
 * (`resolved` in package-lock.json and yarn v1, `resolution` in Yarn Berry and
 * pnpm). Shared by the package-lock, yarn-lock and pnpm-lock extractors, which
 * all meet the same URL shapes. The registry host is never assumed: a tarball
 * URL alone cannot tell a registry from any other web server, so callers decide
 * between 'registry' and 'url' from what the lockfile says about the request.
 */
export interface RemoteOrigin {
  /** 'tarball' is an http(s) archive that is not a git host's snapshot of a commit. */
  kind: 'git' | 'tarball' | 'local' | 'unknown';
  commit?: string;
}

const GIT_PROTOCOL = /^(?:git\+[a-z]+:|git:|ssh:|git@|github:|gitlab:|bitbucket:|gist:)/i;
const LOCAL_PROTOCOL = /^(?:file:|link:|portal:|workspace:)/i;
const HTTP_URL = /^https?:\/\//i;
/** A bare fragment is only taken for a commit when it is a full SHA-1 or SHA-256. */
const FULL_COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
/** `commit=` / `commit:` name a commit outright, so an abbreviated hash is accepted. */
const NAMED_COMMIT = /^commit[=:]([0-9a-f]{7,64})$/i;
/** A git host's download of one commit: `codeload.<host>/<owner>/<repo>/tar.gz/<sha>`. */
const CODELOAD = /^https?:\/\/codeload\.[^/]+\/[^/]+\/[^/]+\/tar\.gz\/([0-9a-f]{7,64})(?:[?#].*)?$/i;
/** GitLab's archive of one commit: `.../repository/archive.tar.gz?ref=<sha>`. */
const ARCHIVE_REF = /^https?:\/\/[^?#]+\/repository\/archive\.tar\.gz\?(?:[^#]*&)?ref=([0-9a-f]{40}|[0-9a-f]{64})(?:[&#].*)?$/i;
const ARCHIVE_PATH = /\.(?:tgz|tar|tar\.gz|tar\.bz2|zip)$/i;

/** The commit named in a URL's fragment (`#<sha>`, `#commit=<sha>`, `#a=b&commit=<sha>`), if any. */
export function commitFromFragment(url: string): string | undefined {
  const hash = url.indexOf('#');
  if (hash === -1) return undefined;
  for (const part of url.slice(hash + 1).split('&')) {
    if (FULL_COMMIT.test(part)) return part.toLowerCase();
    const named = NAMED_COMMIT.exec(part);
    if (named) return named[1]!.toLowerCase();
  }
  return undefined;
}

/** The commit a git dependency's URL pins, in any of the shapes npm, yarn and pnpm write. */
export function gitCommitFrom(url: string): string | undefined {
  const codeload = CODELOAD.exec(url) ?? ARCHIVE_REF.exec(url);
  if (codeload) return codeload[1]!.toLowerCase();
  return commitFromFragment(url);
}

/** Classifies a `resolved` URL or a dependency spec. */
export function originOf(url: string): RemoteOrigin {
  const spec = url.trim();
  if (LOCAL_PROTOCOL.test(spec)) return { kind: 'local' };
  if (GIT_PROTOCOL.test(spec)) return withCommit('git', gitCommitFrom(spec));
  if (HTTP_URL.test(spec)) {
    const snapshot = CODELOAD.exec(spec) ?? ARCHIVE_REF.exec(spec);
    if (snapshot) return { kind: 'git', commit: snapshot[1]!.toLowerCase() };
    const path = spec.replace(/[?#].*$/, '');
    // A registry tarball may carry its own SHA-1 in the fragment (yarn v1),
    // so only a non-archive URL (a repository) makes a fragment a commit.
    if (ARCHIVE_PATH.test(path)) return { kind: 'tarball' };
    const commit = commitFromFragment(spec);
    if (commit || /\.git$/i.test(path)) return withCommit('git', commit);
    return { kind: 'tarball' };
  }
  return { kind: 'unknown' };
}

function withCommit(kind: 'git', commit: string | undefined): RemoteOrigin {
  return commit === undefined ? { kind } : { kind, commit };
}
