import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { normalizeName, type Ecosystem } from '../core/package.js';
import { normalizeRepositoryUrl } from '../core/repository-url.js';

/**
 * Source repositories of packages: URLs as registries give them, normalised
 * to `host/owner/repo` by core's normalizeRepositoryUrl, and whether the
 * repository's own manifest names the package (`confirmed`) or only the
 * package claims the repository (`claimed`). Anyone can point a package at
 * any repository; only the repository's manifest naming the package back
 * makes the link believable.
 */

/** The first URL of a list (most trusted first) that names a repository. */
export function pickRepository(urls: readonly string[], options: { allowShorthand?: boolean } = {}): string | null {
  for (const url of urls) {
    const repository = normalizeRepositoryUrl(url, options);
    if (repository) return repository;
  }
  return null;
}

/** A package a repository's manifest declares. */
export interface ManifestPackage {
  ecosystem: Ecosystem;
  /** Normalised with core normalizeName(). */
  name: string;
  /** The manifest that says so, relative to the checkout. */
  manifest: string;
}

/**
 * What a repository's manifests declare, or null when the repository is not
 * available (then a link to it stays `claimed`).
 */
export type ManifestLookup = (repository: string) => ManifestPackage[] | null;

/** Directories never worth reading for a repository's own manifests. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', '__pycache__', 'dist', 'build', 'lib']);
const MAX_DEPTH = 4;

/**
 * Manifests of local checkouts laid out as `<root>/<owner>/<repo>/`
 * (`github.com/` repositories only): package.json `name` (npm),
 * pyproject.toml `[project].name` and setup.cfg / setup.py `name` (PyPI),
 * conda recipes' `package.name` (conda), read up to four levels deep.
 */
export function manifestLookupFromDirectory(root: string): ManifestLookup {
  const cache = new Map<string, ManifestPackage[] | null>();
  return (repository) => {
    if (cache.has(repository)) return cache.get(repository)!;
    const match = /^github\.com\/([\w.-]+)\/([\w.-]+)$/.exec(repository);
    const directory = match ? findCheckout(root, match[1]!, match[2]!) : null;
    const packages = directory ? readManifests(directory) : null;
    cache.set(repository, packages);
    return packages;
  };
}

/** Owner and repository directories are matched case-insensitively (normalised ids are lower case). */
function findCheckout(root: string, owner: string, repo: string): string | null {
  const ownerDirectory = findEntry(root, owner);
  const repoDirectory = ownerDirectory ? findEntry(ownerDirectory, repo) : null;
  return repoDirectory;
}

function findEntry(directory: string, name: string): string | null {
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch {
    return null;
  }
  const entry = entries.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (!entry) return null;
  const full = path.join(directory, entry);
  return statSync(full).isDirectory() ? full : null;
}

/** Reads the manifests of one checkout. */
export function readManifests(checkout: string): ManifestPackage[] {
  const found: ManifestPackage[] = [];
  const walk = (directory: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIPPED_DIRECTORIES.has(entry.name)) walk(full, depth + 1);
        continue;
      }
      const declared = manifestName(entry.name, full);
      if (declared) found.push({ ...declared, manifest: path.relative(checkout, full).split(path.sep).join('/') });
    }
  };
  walk(checkout, 0);
  return found;
}

const MANIFEST_FILES = new Set(['package.json', 'pyproject.toml', 'setup.cfg', 'setup.py', 'meta.yaml', 'recipe.yaml']);

function manifestName(fileName: string, full: string): { ecosystem: Ecosystem; name: string } | null {
  if (!MANIFEST_FILES.has(fileName)) return null;
  try {
    return declaredName(fileName, readFileSync(full, 'utf8'));
  } catch {
    return null;
  }
}

/** The package name a manifest declares; null when it declares none or cannot be read. */
export function declaredName(fileName: string, text: string): { ecosystem: Ecosystem; name: string } | null {
  try {
    switch (fileName) {
      case 'package.json': {
        const name = (JSON.parse(text) as { name?: unknown }).name;
        return typeof name === 'string' && name !== '' ? { ecosystem: 'npm', name: normalizeName('npm', name) } : null;
      }
      case 'pyproject.toml': {
        const project = (parseToml(text) as { project?: { name?: unknown } }).project;
        return typeof project?.name === 'string' ? { ecosystem: 'PyPI', name: normalizeName('PyPI', project.name) } : null;
      }
      case 'setup.cfg': {
        const metadata = /^\[metadata\][^[]*?^name\s*=\s*([A-Za-z0-9._-]+)\s*$/m.exec(text);
        return metadata ? { ecosystem: 'PyPI', name: normalizeName('PyPI', metadata[1]!) } : null;
      }
      case 'setup.py': {
        // Only a literal `name="..."` argument; a computed name stays unknown.
        const literal = /\bname\s*=\s*['"]([A-Za-z0-9._-]+)['"]/.exec(text);
        return literal ? { ecosystem: 'PyPI', name: normalizeName('PyPI', literal[1]!) } : null;
      }
      case 'meta.yaml':
      case 'recipe.yaml': {
        // Jinja-templated recipes: the `package: name:` line, through a `{% set name = ... %}` if used.
        const setName = /{%-?\s*set\s+name\s*=\s*['"]([^'"]+)['"]\s*-?%}/.exec(text)?.[1];
        const line = /^package:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*(.+?)\s*$/m.exec(text)?.[1];
        const name = line?.includes('{{') ? setName : line?.replace(/^['"]|['"]$/g, '');
        return name ? { ecosystem: 'conda', name: normalizeName('conda', name) } : null;
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/** `confirmed` when the repository's manifests name the package, else `claimed`. */
export function repositoryConfidence(
  repository: string,
  ecosystem: Ecosystem,
  name: string,
  lookup: ManifestLookup | undefined,
): 'confirmed' | 'claimed' {
  const declared = lookup?.(repository);
  if (!declared) return 'claimed';
  const wanted = normalizeName(ecosystem, name);
  return declared.some((entry) => entry.ecosystem === ecosystem && entry.name === wanted) ? 'confirmed' : 'claimed';
}
