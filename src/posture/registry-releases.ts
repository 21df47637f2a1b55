import { known, unknown, type Knowable } from '../core/known.js';
import { resolveNpmRegistry } from '../ecosystems/npm/config.js';
import { createNpmRegistry, type NpmRegistry } from '../ecosystems/npm/registry.js';
import { resolvePypiIndex } from '../ecosystems/pypi/config.js';
import { createPypiRegistry, type PypiFile, type PypiRegistry } from '../ecosystems/pypi/registry.js';
import type { RegistryConfig } from '../ecosystems/registry-config.js';
import type { HttpClient } from '../http/types.js';
import type { NewestRelease, RegistryReleases } from './package-releases.js';

/**
 * `RegistryReleases` over the ecosystems' registry clients, at the endpoints
 * pip and npm are configured to use (ecosystems/<id>/config.ts; no host is
 * written here):
 *   - PyPI: the project's Simple page (PEP 691 JSON carries each file's
 *     upload time, PEP 700); an index that serves only HTML pages is asked its
 *     JSON API instead (`upload_time_iso_8601`); the newest file that is not
 *     yanked is the newest release;
 *   - npm: the full packument's `time` (the abbreviated form has none), the
 *     newest version still listed in `versions` (an unpublished one keeps its
 *     `time` entry).
 * A registry without the package is `known(null)`; an answer without dates
 * is unknown, saying so; a host failing throws (the caller decides).
 */
export function createRegistryReleases(options: { http: HttpClient; registries: Pick<RegistryConfig, 'npm' | 'pypi'> }): RegistryReleases {
  const { http, registries } = options;
  let pypi: PypiRegistry | undefined;
  let npm: NpmRegistry | undefined;
  // Made on first use: resolving the index throws `invalid-config` when none is configured, which the caller reports for that registry only.
  const pypiRegistry = () => {
    if (!pypi) {
      const index = resolvePypiIndex(registries.pypi);
      pypi = createPypiRegistry({ http, indexUrl: index.url, ...(index.authorization !== undefined ? { authorization: index.authorization } : {}) });
    }
    return pypi;
  };
  const npmRegistry = () => (npm ??= createNpmRegistry({ http, resolveRegistry: (name) => resolveNpmRegistry(name, registries.npm) }));
  return {
    newestRelease: async (pkg) => (pkg.ecosystem === 'PyPI' ? newestOnPypi(pypiRegistry(), pkg.name) : newestOnNpm(npmRegistry(), pkg.name)),
    close: () => http.close(),
  };
}

async function newestOnPypi(registry: PypiRegistry, name: string): Promise<Knowable<NewestRelease | null>> {
  const page = await registry.project(name);
  if (page === null) return known(null);
  if (page.files.every((file) => file.uploadTime !== null)) return known(withoutFile(newestFile(page.files)));
  // An HTML Simple page has no upload times: the JSON API has them.
  const project = await registry.projectJson(name);
  const files = project?.releases?.flatMap((release) => release.files) ?? [];
  if (project?.releases && files.every((file) => file.uploadTime !== null)) {
    const versionOf = new Map(project.releases.flatMap((release) => release.files.map((file) => [file.filename, release.version] as const)));
    const newest = newestFile(files);
    return known(newest && { version: versionOf.get(newest.file) ?? newest.version, date: newest.date });
  }
  return unknown(`the PyPI index gives no upload times for ${name} (an HTML Simple page, and no JSON API)`);
}

function withoutFile(newest: (NewestRelease & { file: string }) | null): NewestRelease | null {
  return newest && { version: newest.version, date: newest.date };
}

/** The newest file that is not yanked, by upload time; null when there is none. */
function newestFile(files: readonly PypiFile[]): (NewestRelease & { file: string }) | null {
  let newest: PypiFile | null = null;
  for (const file of files) {
    if (file.yanked || file.uploadTime === null || Number.isNaN(Date.parse(file.uploadTime))) continue;
    if (newest === null || Date.parse(file.uploadTime) > Date.parse(newest.uploadTime!)) newest = file;
  }
  if (newest === null) return null;
  return { version: newest.version?.toString() ?? newest.filename, date: newest.uploadTime!, file: newest.filename };
}

async function newestOnNpm(registry: NpmRegistry, name: string): Promise<Knowable<NewestRelease | null>> {
  const packument = await registry.packument(name, 'full');
  if (packument === null) return known(null);
  if (packument.time === undefined) return unknown(`the npm registry gives no publish times for ${name}`);
  let newest: NewestRelease | null = null;
  for (const [version, date] of Object.entries(packument.time)) {
    if (version === 'created' || version === 'modified' || !(version in packument.versions) || Number.isNaN(Date.parse(date))) continue;
    if (newest === null || Date.parse(date) > Date.parse(newest.date)) newest = { version, date };
  }
  return known(newest);
}
