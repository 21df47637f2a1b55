import type { PypiFile as RegistryFile, PypiRegistry } from '../../ecosystems/pypi/registry.js';
import type { PypiFile, PypiIndex, PypiRelease } from './pypi-index.js';

/**
 * The resolver's view of the PyPI registry client: releases grouped from the
 * project page's files (by the version in each file name, as uv reads them),
 * and dependencies from the registry's metadata chain (PEP 658, else the
 * wheel's METADATA by range requests, else the sdist's PKG-INFO). Metadata the
 * registry marks unknown is 'unknown' here, so the resolver skips that version
 * and reports it; the one exception is an old sdist's PKG-INFO, whose
 * Requires-Dist is used with a caveat (uv builds such sdists; chainwatch
 * never runs a build).
 */
export function createRegistryIndex(registry: PypiRegistry): PypiIndex {
  const files = new Map<string, RegistryFile>();
  return {
    async versions(name) {
      const page = await registry.project(name);
      if (page === null) return null;
      const releases = new Map<string, PypiRelease>();
      for (const file of page.files) {
        if (file.kind === 'other' || file.version === null) continue;
        files.set(file.url, file);
        const version = file.version.normalized;
        let release = releases.get(version);
        if (!release) releases.set(version, (release = { version, files: [] }));
        release.files.push(toIndexFile(file));
      }
      return [...releases.values()];
    },
    async metadata(_name, _version, file) {
      const found = file.url === undefined ? undefined : files.get(file.url);
      if (!found) return 'unknown';
      const result = await registry.metadata(found);
      const requiresPython = result.metadata?.requiresPython;
      const python = requiresPython ? { requiresPython } : {};
      if (result.dependencies.known) return { requiresDist: result.dependencies.value, ...python };
      // An sdist before metadata 2.2 only hints at its dependencies; uv would build it. The hint beats
      // dropping the release (which certainly differs from uv), and the caveat keeps it visible.
      if (result.source === 'sdist' && result.metadata) {
        return { requiresDist: result.metadata.requiresDist, ...python, caveat: result.dependencies.reason };
      }
      return 'unknown';
    },
  };
}

function toIndexFile(file: RegistryFile): PypiFile {
  return {
    filename: file.filename,
    url: file.url,
    yanked: file.yanked,
    ...(file.requiresPython ? { requiresPython: file.requiresPython } : {}),
    ...(file.uploadTime ? { uploadTime: file.uploadTime } : {}),
  };
}
