/**
 * Recorded registry answers for an end-to-end `chainwatch audit`: two runs of
 * one small config (AUDIT_E2E_CONFIG), each resolved as of its own
 * `--exclude-newer` date, so the graph changes between them (a package
 * added, one removed, versions bumped: AUDIT_E2E_CHANGES).
 *
 * `test/fixtures/audit-e2e.json.gz` holds every HTTP exchange of both runs'
 * graph step (resolution and signals, PyPI and npm), recorded by
 * `npx tsx test/record/audit-e2e.ts` through the same registry wiring as
 * here. Each run gets a fresh HTTP cache and PyPI summary store, as a
 * first run on a new machine does, so each distinct request is asked once per
 * run and the replay is exact: `assertAllUsed()` after both runs fails if any
 * recorded answer was not asked for, and a request that was not recorded
 * fails its run (the source is then unreachable and the run partial).
 *
 *   const e2e = createAuditE2e();
 *   await runAuditCommand(io, { ...options, excludeNewer: e2e.runs[0].excludeNewer }, e2e.dependencies(0));
 *   await runAuditCommand(io, { ...options, excludeNewer: e2e.runs[1].excludeNewer }, e2e.dependencies(1));
 *   e2e.assertAllUsed();
 *   await e2e.close();
 */
import { join } from 'node:path';
import type { AuditDependencies } from '../src/cli/commands/audit.js';
import { fixedClock, type Clock } from '../src/core/clock.js';
import type { RegistryOverrides } from '../src/ecosystems/config-sources.js';
import { fakeSources, NPM_DEFAULT, PIP_DEFAULT } from '../src/ecosystems/config-sources.fixture.js';
import { loadRegistryConfig } from '../src/ecosystems/registry-config.js';
import type { RegistryConfig } from '../src/ecosystems/registry-config.js';
import { registryResolverFactory, type RegistryAccess, type ResolverFactory } from '../src/graph/run.js';
import { createHttpClient } from '../src/http/client.js';
import type { HttpClient } from '../src/http/types.js';
import { openHttpCache } from '../src/store/http-cache.js';
import { openSummaryStore } from '../src/store/pypi-summary-store.js';
import { replayAgent, type ReplayAgent } from './http-replay.js';

export const AUDIT_E2E_CASSETTE = new URL('./fixtures/audit-e2e.json.gz', import.meta.url);

/** The roots: comm drops its only dependency (traitlets) between the runs, referencing gains one (typing-extensions). */
export const AUDIT_E2E_PACKAGES = { pypi: ['comm', 'referencing'], npm: ['@jupyterlab/nbformat'] } as const;

/** A chainwatch.yaml for the recorded roots (default environment, py3.12-linux), with the orgs given. */
export function auditE2eConfig(orgs: readonly string[] = []): string {
  const lines = [
    ...(orgs.length > 0 ? [`orgs: [${orgs.join(', ')}]`] : []),
    'packages:',
    `  pypi: [${AUDIT_E2E_PACKAGES.pypi.join(', ')}]`,
    `  npm: [${AUDIT_E2E_PACKAGES.npm.map((name) => `'${name}'`).join(', ')}]`,
  ];
  return `${lines.join('\n')}\n`;
}

export interface AuditE2eRun {
  /** `--exclude-newer` as given on the command line (a date: that whole day counts, UTC). */
  excludeNewer: string;
  /** The run's clock: the cut-off itself, so ages and staleness read as they did then. */
  now: string;
}

/** Run 1, then run 2, as recorded. */
export const AUDIT_E2E_RUNS: readonly [AuditE2eRun, AuditE2eRun] = [
  { excludeNewer: '2024-12-15', now: '2024-12-16T00:00:00.000Z' },
  { excludeNewer: '2025-09-01', now: '2025-09-02T00:00:00.000Z' },
];

/** The graphs, as the recording resolved them: run 1's packages, and what changed in run 2. */
export const AUDIT_E2E_CHANGES = {
  first: [
    'pkg:npm/%40jupyterlab/nbformat@4.3.3',
    'pkg:npm/%40lumino/algorithm@2.0.2',
    'pkg:npm/%40lumino/coreutils@2.2.0',
    'pkg:pypi/attrs@24.2.0',
    'pkg:pypi/comm@0.2.2',
    'pkg:pypi/referencing@0.35.1',
    'pkg:pypi/rpds-py@0.22.3',
    'pkg:pypi/traitlets@5.14.3',
  ],
  added: ['pkg:pypi/typing-extensions@4.15.0'],
  removed: ['pkg:pypi/traitlets@5.14.3'],
  /** Version changes, `name: [old, new]`. */
  changed: {
    '@jupyterlab/nbformat': ['4.3.3', '4.4.4'],
    '@lumino/algorithm': ['2.0.2', '2.0.3'],
    '@lumino/coreutils': ['2.2.0', '2.2.1'],
    attrs: ['24.2.0', '25.3.0'],
    comm: ['0.2.2', '0.2.3'],
    referencing: ['0.35.1', '0.36.2'],
    'rpds-py': ['0.22.3', '0.27.1'],
  },
} as const;

/** What the registry wiring of a run is given: the HTTP client over a fresh cache, a fresh PyPI summary store. */
export interface E2eRegistryAccess {
  /** The registries' configuration for the run (placeholders in replay, this machine's when recording). */
  registryConfig(overrides: RegistryOverrides): Promise<RegistryConfig>;
  /** The HTTP client of one run (over its own cache). */
  httpClient(options: Parameters<RegistryAccess['httpClient']>[0]): HttpClient;
  /** Where the run keeps parsed PyPI pages: `:memory:` or a file in the run's cache directory. */
  summaryStorePath: string;
}

/**
 * The resolvers of one run, wired as `chainwatch audit` wires them
 * (src/cli/graph-inputs.ts: registryResolverFactory with the freshness
 * policy, one HTTP client over a response cache, a PyPI summary store):
 * only the transport and the stores' places differ. The recorder uses it too.
 */
export function e2eResolvers(access: E2eRegistryAccess, clock: Clock): ResolverFactory {
  return registryResolverFactory(
    {
      registryConfig: access.registryConfig,
      httpClient: access.httpClient,
      openPypiSummaries: () => openSummaryStore(access.summaryStorePath),
    },
    clock,
  );
}

/** The registries at the cassette's placeholder hosts, as `npm config get registry` and pip would name them. */
export function placeholderRegistryConfig(overrides: RegistryOverrides): Promise<RegistryConfig> {
  return loadRegistryConfig(fakeSources({}, { commands: { ...NPM_DEFAULT, ...PIP_DEFAULT } }), overrides);
}

export interface AuditE2e {
  readonly runs: readonly [AuditE2eRun, AuditE2eRun];
  readonly agent: ReplayAgent;
  /**
   * Run `run`'s dependencies for runAuditCommand (or runGraph): its clock and
   * resolvers replaying the cassette. `cacheDirectory`: keep the run's HTTP
   * cache and PyPI summary store there (a fresh directory per run) instead
   * of in memory. `githubCollector`: the fake GitHub's, passed through.
   */
  dependencies(run: 0 | 1, options?: { cacheDirectory?: string; githubCollector?: AuditDependencies['githubCollector'] }): AuditDependencies;
  /** Throws naming every recorded interaction neither run asked for. */
  assertAllUsed(): void;
  close(): Promise<void>;
}

/** The replay of both runs over one MockAgent (network disabled). */
export function createAuditE2e(): AuditE2e {
  const agent = replayAgent(AUDIT_E2E_CASSETTE);
  return {
    runs: AUDIT_E2E_RUNS,
    agent,
    dependencies(run, options = {}) {
      const clock = fixedClock(AUDIT_E2E_RUNS[run].now);
      const directory = options.cacheDirectory;
      const resolvers = e2eResolvers(
        {
          registryConfig: placeholderRegistryConfig,
          httpClient: (clientOptions) =>
            createHttpClient({
              ...clientOptions,
              dispatcher: agent,
              openCache: () => openHttpCache(directory === undefined ? ':memory:' : join(directory, 'http-cache.sqlite')),
              retry: { retries: 0 },
              sleep: async () => {},
              random: () => 0.5,
            }),
          summaryStorePath: directory === undefined ? ':memory:' : join(directory, 'pypi-summary.sqlite'),
        },
        clock,
      );
      return { clock, resolvers, ...(options.githubCollector ? { githubCollector: options.githubCollector } : {}) };
    },
    assertAllUsed: () => agent.assertAllUsed(),
    close: () => agent.close(),
  };
}
