import { parseRequirement } from '../../ecosystems/pypi/requirement.js';
import type { PypiIndexFile, PypiIndex, PypiMetadata, PypiRelease } from './pypi-index.js';

/** One release in an in-memory index; by default a single pure-Python wheel. */
export interface MemoryRelease {
  requires?: string[];
  requiresPython?: string;
  yanked?: boolean;
  uploadTime?: string;
  /** File names, when not the default `<name>-<version>-py3-none-any.whl`. */
  files?: string[];
  /** The metadata cannot be read (the resolver must skip this version). */
  unreadable?: boolean;
}

/** name → version → release. */
export type MemoryIndexSpec = Record<string, Record<string, MemoryRelease>>;

/** An index held in memory, for tests and examples; counts the calls it answers. */
export function createMemoryIndex(spec: MemoryIndexSpec): PypiIndex & { calls: { versions: number; metadata: number } } {
  const calls = { versions: 0, metadata: 0 };
  return {
    calls,
    async versions(name) {
      calls.versions += 1;
      const project = spec[name];
      if (!project) return null;
      return Object.entries(project).map(
        ([version, release]): PypiRelease => ({
          version,
          files: (release.files ?? [`${name.replace(/-/g, '_')}-${version}-py3-none-any.whl`]).map(
            (filename): PypiIndexFile => ({
              filename,
              yanked: release.yanked ?? false,
              ...(release.requiresPython ? { requiresPython: release.requiresPython } : {}),
              ...(release.uploadTime ? { uploadTime: release.uploadTime } : {}),
            }),
          ),
        }),
      );
    },
    async metadata(name, version): Promise<PypiMetadata | 'unknown'> {
      calls.metadata += 1;
      const release = spec[name]?.[version];
      if (!release || release.unreadable) return 'unknown';
      const requiresDist = (release.requires ?? []).map((line) => {
        const parsed = parseRequirement(line);
        if (!parsed.ok) throw parsed.error;
        return parsed.value;
      });
      return { requiresDist, ...(release.requiresPython ? { requiresPython: release.requiresPython } : {}) };
    },
  };
}
