import {
  condaEnvironment,
  condaMeta,
  cyclonedx,
  dpkgStatus,
  nodeModules,
  packageLock,
  pdmLock,
  pipfileLock,
  pnpmLock,
  poetryLock,
  pylock,
  pythonDistInfo,
  requirementsTxt,
  spdx,
  uvLock,
  yarnLock,
} from './detection.js';
import type { Extractor, ExtractorDetection, RegisteredExtractor } from './types.js';

/** A registry entry: `detection` now, `load` imports the folder's index.ts when a file of the format is met. */
function registered(detection: ExtractorDetection, load: () => Promise<{ extractor: Extractor }>): RegisteredExtractor {
  return { ...detection, load: async () => (await load()).extractor };
}

/**
 * Every extractor, as an explicit list (STYLE rule 10). Detection is by path,
 * and the first extractor that claims a path reads it, so SBOM formats (whose
 * names are the most specific) come before anything that might claim `*.json`.
 * Each extractor's module (and the parsers it uses) is imported on first use:
 * a scan of a directory with one yarn.lock loads neither YAML, TOML nor zod's
 * schemas for the other formats.
 */
export const extractors: readonly RegisteredExtractor[] = [
  registered(spdx, () => import('./spdx/index.js')),
  registered(cyclonedx, () => import('./cyclonedx/index.js')),
  registered(packageLock, () => import('./package-lock/index.js')),
  registered(yarnLock, () => import('./yarn-lock/index.js')),
  registered(pnpmLock, () => import('./pnpm-lock/index.js')),
  registered(poetryLock, () => import('./poetry-lock/index.js')),
  registered(uvLock, () => import('./uv-lock/index.js')),
  registered(pipfileLock, () => import('./pipfile-lock/index.js')),
  registered(pdmLock, () => import('./pdm-lock/index.js')),
  registered(pylock, () => import('./pylock/index.js')),
  registered(requirementsTxt, () => import('./requirements-txt/index.js')),
  registered(condaEnvironment, () => import('./conda-environment/index.js')),
  registered(condaMeta, () => import('./conda-meta/index.js')),
  registered(dpkgStatus, () => import('./dpkg-status/index.js')),
  registered(pythonDistInfo, () => import('./python-dist-info/index.js')),
  registered(nodeModules, () => import('./node-modules/index.js')),
];

/**
 * Every extractor loaded, in registry order.
 * @internal The conformance suite, the hostile-input tests and the fuzzer run them all.
 */
export async function loadExtractors(): Promise<Extractor[]> {
  return Promise.all(extractors.map((entry) => entry.load()));
}
