/**
 * Which files of a repository the posture collectors read, defined once for
 * both sources: the GitHub collector fetches exactly these blobs from the
 * tree, the local collector reads exactly these files from the checkout, so
 * one repository gives the same `RepoFacts.files` whichever way it is read.
 *
 * What the probes read today: workflows, action metadata (local and composite
 * actions), the Dependabot and Renovate configurations, security policies and
 * package.json (npm detection, Renovate's `renovate` key, publishing). The
 * other manifests and the container files are read too (the two collectors
 * used to disagree on them; the union is kept so that neither source loses a
 * file a check may read).
 */

export const DEPENDABOT_CONFIG_PATHS = ['.github/dependabot.yml', '.github/dependabot.yaml'] as const;

/** Renovate's config locations, in Renovate's own order of precedence; package.json's `renovate` key is last. */
export const RENOVATE_CONFIG_PATHS = [
  'renovate.json',
  'renovate.json5',
  '.github/renovate.json',
  '.github/renovate.json5',
  '.gitlab/renovate.json',
  '.gitlab/renovate.json5',
  '.renovaterc',
  '.renovaterc.json',
  '.renovaterc.json5',
] as const;

/** The largest file whose text is read (larger ones are in `paths` only). */
export const MAX_POSTURE_FILE_BYTES = 512 * 1024;
/** Files read per repository at most: configuration first, then manifests shallowest first. */
export const MAX_POSTURE_FILES = 300;

/** SECURITY.md where GitHub looks for it: the root, `.github/` and `docs/` (any case; a few other text formats). */
const SECURITY_POLICY = /^(?:\.github\/|docs\/)?security\.(?:md|markdown|rst|adoc|txt)$/i;

export function isSecurityPolicyPath(path: string): boolean {
  return SECURITY_POLICY.test(path);
}

/** GitHub runs only the files directly in `.github/workflows/`. */
export function isWorkflowPath(path: string): boolean {
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path);
}

/** `action.yml` at any depth: a workflow can use a local action from anywhere in the repository. */
export function isActionMetadataPath(path: string): boolean {
  return /(?:^|\/)action\.ya?ml$/.test(path) && !/(?:^|\/)node_modules\//.test(path);
}

const CONFIGURATION_PATHS: ReadonlySet<string> = new Set([...DEPENDABOT_CONFIG_PATHS, ...RENOVATE_CONFIG_PATHS]);

/** Manifests and container files, by file name. */
const MANIFEST_NAME =
  /^(?:package\.json|pyproject\.toml|setup\.py|setup\.cfg|Pipfile|environment\.ya?ml|meta\.ya?ml|requirements.*\.(?:txt|in)|go\.mod|Cargo\.toml|pom\.xml|build\.gradle(?:\.kts)?|Gemfile|composer\.json|\.pre-commit-config\.ya?ml|\.gitmodules|Containerfile|Dockerfile|docker-compose[^/]*\.ya?ml|compose(?:\.[\w-]+)?\.ya?ml)$/;
const DOCKERFILE_VARIANT = /^Dockerfile\.|\.Dockerfile$/i;

/** Configuration the checks read first: workflows, actions, update-tool configurations, security policies. */
function isConfigurationPath(path: string): boolean {
  return isWorkflowPath(path) || isActionMetadataPath(path) || CONFIGURATION_PATHS.has(path) || isSecurityPolicyPath(path);
}

/** Whether the collectors read this file's text (a `/`-separated path in the repository). */
export function isPostureFile(path: string): boolean {
  if (/(?:^|\/)(?:node_modules|\.git)\//.test(path)) return false;
  if (isConfigurationPath(path)) return true;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return MANIFEST_NAME.test(name) || DOCKERFILE_VARIANT.test(name);
}

export interface PostureFileSelection<Entry> {
  /** The files to read, by path (code point order). */
  read: Entry[];
  /** Posture files larger than `maxBytes` (listed in `paths`, not read). */
  tooLarge: Entry[];
  /** Posture files left out because `maxFiles` were already chosen. */
  beyondLimit: Entry[];
}

/**
 * The posture files of a listing, and which of them to read: at most
 * `maxFiles`, none larger than `maxBytes`. Configuration comes first so that
 * a monorepo's hundreds of package.json never crowd out a workflow.
 */
export function selectPostureFiles<Entry extends { path: string; size: number }>(
  entries: Iterable<Entry>,
  limits: { maxBytes?: number; maxFiles?: number } = {},
): PostureFileSelection<Entry> {
  const maxBytes = limits.maxBytes ?? MAX_POSTURE_FILE_BYTES;
  const maxFiles = limits.maxFiles ?? MAX_POSTURE_FILES;
  const candidates: Entry[] = [];
  const tooLarge: Entry[] = [];
  for (const entry of entries) {
    if (!isPostureFile(entry.path)) continue;
    if (entry.size > maxBytes) tooLarge.push(entry);
    else candidates.push(entry);
  }
  candidates.sort(
    (a, b) =>
      Number(!isConfigurationPath(a.path)) - Number(!isConfigurationPath(b.path)) || a.path.split('/').length - b.path.split('/').length || compareCodePoints(a.path, b.path),
  );
  return { read: candidates.slice(0, maxFiles).sort((a, b) => compareCodePoints(a.path, b.path)), tooLarge, beyondLimit: candidates.slice(maxFiles) };
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
