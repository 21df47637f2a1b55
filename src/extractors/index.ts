import type { Extractor } from './types.js';
import { extractor as packageLock } from './package-lock/index.js';
import { extractor as yarnLock } from './yarn-lock/index.js';
import { extractor as pnpmLock } from './pnpm-lock/index.js';
import { extractor as requirementsTxt } from './requirements-txt/index.js';
import { extractor as poetryLock } from './poetry-lock/index.js';
import { extractor as uvLock } from './uv-lock/index.js';
import { extractor as pipfileLock } from './pipfile-lock/index.js';
import { extractor as pdmLock } from './pdm-lock/index.js';
import { extractor as pylock } from './pylock/index.js';
import { extractor as condaEnvironment } from './conda-environment/index.js';
import { extractor as condaMeta } from './conda-meta/index.js';
import { extractor as dpkgStatus } from './dpkg-status/index.js';
import { extractor as cyclonedx } from './cyclonedx/index.js';
import { extractor as spdx } from './spdx/index.js';

/**
 * Every extractor, as an explicit list (STYLE rule 10). Detection is by path,
 * and the first extractor that claims a path reads it, so SBOM formats (whose
 * names are the most specific) come before anything that might claim `*.json`.
 */
export const extractors: readonly Extractor[] = [
  spdx,
  cyclonedx,
  packageLock,
  yarnLock,
  pnpmLock,
  poetryLock,
  uvLock,
  pipfileLock,
  pdmLock,
  pylock,
  requirementsTxt,
  condaEnvironment,
  condaMeta,
  dpkgStatus,
];
