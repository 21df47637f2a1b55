import type { ExtractorDetection } from './types.js';

/**
 * What the registry (index.ts) knows of each format before its parser is
 * loaded: its id (the folder name), its ecosystems, and which paths it claims
 * (from the path alone, no I/O). In one module so that a scan loads one small
 * file for all of them; each format's index.ts adds its `extract`.
 */

// spdx
function detectSpdx(path: string): boolean {
  const base = path.replace(/\\/g, '/').split('/').at(-1)?.toLowerCase() ?? '';
  return base.endsWith('.spdx.json');
}

export const spdx: ExtractorDetection = { id: 'spdx', ecosystems: ['PyPI', 'npm', 'Debian', 'conda'], detect: detectSpdx };

// cyclonedx
/**
 * Detection is by name only (see readme.md): `bom.json`, `*.cdx.json`, `*.cyclonedx.json`.
 * A CycloneDX BOM under another name is found only when the caller names it explicitly.
 */
function detectCyclonedx(path: string): boolean {
  const base = path.replace(/\\/g, '/').split('/').at(-1)?.toLowerCase() ?? '';
  return base === 'bom.json' || base.endsWith('.cdx.json') || base.endsWith('.cyclonedx.json');
}

export const cyclonedx: ExtractorDetection = { id: 'cyclonedx', ecosystems: ['PyPI', 'npm', 'Debian', 'conda'], detect: detectCyclonedx };

// package-lock
const PACKAGE_LOCK_NAMES = new Set(['package-lock.json', 'npm-shrinkwrap.json']);

/** npm's lockfile and its publishable twin; `node_modules/.package-lock.json` is npm's cache of the installed tree, not a lockfile. */
function detectPackageLock(path: string): boolean {
  return PACKAGE_LOCK_NAMES.has(path.split(/[\\/]/).pop() ?? '');
}

export const packageLock: ExtractorDetection = { id: 'package-lock', ecosystems: ['npm'], detect: detectPackageLock };

// yarn-lock
function detectYarnLock(path: string): boolean {
  return path.split(/[\\/]/).pop() === 'yarn.lock';
}

export const yarnLock: ExtractorDetection = { id: 'yarn-lock', ecosystems: ['npm'], detect: detectYarnLock };

// pnpm-lock
function detectPnpmLock(path: string): boolean {
  return path.split(/[\\/]/).pop() === 'pnpm-lock.yaml';
}

export const pnpmLock: ExtractorDetection = { id: 'pnpm-lock', ecosystems: ['npm'], detect: detectPnpmLock };

// poetry-lock
function detectPoetryLock(path: string): boolean {
  return path.split(/[\\/]/).pop() === 'poetry.lock';
}

export const poetryLock: ExtractorDetection = { id: 'poetry-lock', ecosystems: ['PyPI'], detect: detectPoetryLock };

// uv-lock
function detectUvLock(path: string): boolean {
  return path.split(/[\\/]/).pop() === 'uv.lock';
}

export const uvLock: ExtractorDetection = { id: 'uv-lock', ecosystems: ['PyPI'], detect: detectUvLock };

// pipfile-lock
function detectPipfileLock(path: string): boolean {
  return path.split(/[\\/]/).pop() === 'Pipfile.lock';
}

export const pipfileLock: ExtractorDetection = { id: 'pipfile-lock', ecosystems: ['PyPI'], detect: detectPipfileLock };

// pdm-lock
function detectPdmLock(path: string): boolean {
  return path.split(/[\\/]/).pop() === 'pdm.lock';
}

export const pdmLock: ExtractorDetection = { id: 'pdm-lock', ecosystems: ['PyPI'], detect: detectPdmLock };

// pylock
/** PEP 751 file names: `pylock.toml` or `pylock.<name>.toml` (the name has no dot). */
const PYLOCK_FILE_NAME = /^pylock\.([^.]+\.)?toml$/;

function detectPylock(path: string): boolean {
  return PYLOCK_FILE_NAME.test(path.split(/[\\/]/).pop() ?? '');
}

export const pylock: ExtractorDetection = { id: 'pylock', ecosystems: ['PyPI'], detect: detectPylock };

// requirements-txt
/**
 * Which files are pip requirements files, from the path alone. Only names that
 * say "requirements" or "constraints" are claimed, so random `.txt` files
 * (licences, notes, `robots.txt`) are left alone:
 *   requirements.txt, requirements-dev.txt, requirements_test.txt, requirements.prod.txt,
 *   dev-requirements.txt, test_requirements.txt, docs.requirements.txt,
 *   requirements/<anything>.txt, constraints.txt, constraints-py312.txt.
 */
function detectRequirementsTxt(path: string): boolean {
  const parts = path.split(/[\\/]/);
  const base = (parts.pop() ?? '').toLowerCase();
  const parent = (parts.pop() ?? '').toLowerCase();
  if (!base.endsWith('.txt') || base === '.txt') return false;
  if (parent === 'requirements') return true;
  return /^(?:requirements|constraints)(?:[-_.][^/]*)?\.txt$/.test(base) || /^[^/]+[-_.]requirements\.txt$/.test(base);
}

export const requirementsTxt: ExtractorDetection = { id: 'requirements-txt', ecosystems: ['PyPI'], detect: detectRequirementsTxt };

// conda-environment
function detectCondaEnvironment(path: string): boolean {
  const base = path.replace(/\\/g, '/').split('/').at(-1)?.toLowerCase() ?? '';
  return /^(.+\.)?environment\.ya?ml$/.test(base);
}

export const condaEnvironment: ExtractorDetection = { id: 'conda-environment', ecosystems: ['conda', 'PyPI'], detect: detectCondaEnvironment };

// conda-meta
function detectCondaMeta(path: string): boolean {
  const parts = path.replace(/\\/g, '/').split('/').filter((part) => part !== '');
  return parts.at(-2) === 'conda-meta' && (parts.at(-1)?.endsWith('.json') ?? false);
}

export const condaMeta: ExtractorDetection = { id: 'conda-meta', ecosystems: ['conda', 'PyPI'], detect: detectCondaMeta };

// dpkg-status
function dpkgPathParts(path: string): string[] {
  return path.replace(/\\/g, '/').split('/').filter((part) => part !== '');
}

function detectDpkgStatus(path: string): boolean {
  const parts = dpkgPathParts(path);
  const base = parts.at(-1);
  const parent = parts.at(-2);
  if (base === 'status' && parent === 'dpkg') return true;
  // Distroless images keep one file per package in status.d/, beside `<name>.md5sums` lists.
  return parent === 'status.d' && parts.at(-3) === 'dpkg' && base !== undefined && !base.endsWith('.md5sums') && !base.startsWith('.');
}

export const dpkgStatus: ExtractorDetection = { id: 'dpkg-status', ecosystems: ['Debian', 'Ubuntu'], detect: detectDpkgStatus };

// python-dist-info
function pathParts(path: string): string[] {
  return path.replace(/\\/g, '/').split('/').filter((part) => part !== '');
}

/** Where installers put distributions: `site-packages` (pip, conda, venvs) or `dist-packages` (Debian's Python). */
function isInstallDirectory(name: string | undefined): boolean {
  return name === 'site-packages' || name === 'dist-packages';
}

/**
 * Installed Python distributions' core metadata (see python-dist-info/readme.md):
 * `<name>-<version>.dist-info/METADATA` wherever it is (only installers write
 * dist-info folders), and egg-info metadata only directly in site-packages or
 * dist-packages (`<x>.egg-info/PKG-INFO` or a single-file `<x>.egg-info`):
 * elsewhere an egg-info folder is a source tree's own (`setup.py egg_info`).
 */
function detectPythonDistInfo(path: string): boolean {
  const parts = pathParts(path);
  const base = parts.at(-1) ?? '';
  const parent = parts.at(-2) ?? '';
  if (base === 'METADATA') return parent.length > '.dist-info'.length && parent.endsWith('.dist-info');
  if (base === 'PKG-INFO') return parent.length > '.egg-info'.length && parent.endsWith('.egg-info') && isInstallDirectory(parts.at(-3));
  return base.length > '.egg-info'.length && base.endsWith('.egg-info') && isInstallDirectory(parent);
}

export const pythonDistInfo: ExtractorDetection = { id: 'python-dist-info', ecosystems: ['PyPI'], detect: detectPythonDistInfo };

// node-modules
/**
 * An installed npm package's manifest: `node_modules/<name>/package.json` or
 * `node_modules/@scope/name/package.json`, at any depth (nested node_modules,
 * pnpm's `node_modules/.pnpm/<key>/node_modules/<name>/`). Never the project's
 * own package.json, which is not under a node_modules folder of its own.
 */
function detectNodeModules(path: string): boolean {
  const parts = pathParts(path);
  if (parts.at(-1) !== 'package.json') return false;
  const name = parts.at(-2);
  if (name === undefined || name === 'node_modules' || name.startsWith('.')) return false;
  if (parts.at(-3) === 'node_modules') return !name.startsWith('@');
  const scope = parts.at(-3);
  return scope !== undefined && scope.length > 1 && scope.startsWith('@') && parts.at(-4) === 'node_modules';
}

export const nodeModules: ExtractorDetection = { id: 'node-modules', ecosystems: ['npm'], detect: detectNodeModules };
