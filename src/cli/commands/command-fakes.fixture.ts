/**
 * Shared by the graph, concerns and diff command tests: a temporary
 * directory, captured output, and fake resolvers (PyPI answers from a fixed
 * resolution, conda-forge cannot be reached). No network.
 */
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { temporaryDirectory } from '../../../test/cli-harness.js';
import { fixedClock } from '../../core/clock.js';
import { HostError } from '../../core/errors.js';
import { toPurl } from '../../core/package.js';
import type { EcosystemResolution, EcosystemResolver, ResolvedPackage } from '../../graph/resolver.js';
import type { CliIo } from '../io.js';
import type { GraphCommandOptions, GraphDependencies } from './graph.js';

export function useTemporaryDirectory(beforeEach: (work: () => void) => void, afterEach: (work: () => void) => void): { readonly path: string } {
  let dir: { path: string; remove(): void } | null = null;
  beforeEach(() => {
    dir = temporaryDirectory();
  });
  afterEach(() => dir?.remove());
  return {
    get path() {
      return dir!.path;
    },
  };
}

export function captureIo(cwd: string, env: NodeJS.ProcessEnv = {}): CliIo & { out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    stdin: Readable.from(['']),
    env,
    cwd,
    out: () => stdout,
    err: () => stderr,
  };
}

function pypi(name: string, version: string, root = false, facts: ResolvedPackage['facts'] = {}): ResolvedPackage {
  return { ecosystem: 'PyPI', name, version, purl: toPurl('PyPI', name, version), root, facts };
}

/**
 * jupyterlab 4.2.5 → jupyter-server at `serverVersion`; 2.14.0 runs at
 * 2025-01-01 with 3 maintainers, any other version at 2025-02-01 with 1.
 */
export function fakeDependencies(serverVersion: string): GraphDependencies & { closed: () => number } {
  let closed = 0;
  const jupyterlab = pypi('jupyterlab', '4.2.5', true, { releases: [{ version: '4.2.5', publishedAt: '2024-08-30T00:00:00Z' }], yanked: false });
  const server = pypi('jupyter-server', serverVersion, false, { installScripts: null, maintainers: serverVersion === '2.14.0' ? 3 : 1 });
  const pypiResolver: EcosystemResolver = {
    ecosystem: 'PyPI',
    sourceNames: ['pypi'],
    async resolve(): Promise<EcosystemResolution> {
      return {
        packages: [jupyterlab, server],
        edges: [{ from: jupyterlab.purl, to: server.purl, requirement: '>=2.4.0,<3', kind: 'runtime' }],
        sources: [{ name: 'pypi', reachable: true }],
        problems: [],
      };
    },
  };
  const condaResolver: EcosystemResolver = {
    ecosystem: 'conda',
    sourceNames: ['conda-forge'],
    async resolve() {
      throw new HostError('conda-forge', 'conda-forge: connect ECONNREFUSED');
    },
  };
  return {
    clock: fixedClock(serverVersion === '2.14.0' ? '2025-01-01T00:00:00Z' : '2025-02-01T00:00:00Z'),
    resolvers: async () => ({ resolvers: { PyPI: pypiResolver, conda: condaResolver }, close: async () => void closed++ }),
    closed: () => closed,
  };
}

export function graphOptions(directory: string, overrides: Partial<GraphCommandOptions> = {}): GraphCommandOptions {
  return { env: [], format: 'json', history: join(directory, 'graph.sqlite'), db: join(directory, 'no-advisories.sqlite'), ...overrides };
}
