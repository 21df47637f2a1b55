/**
 * Issue 10's benchmark, `npm run bench -- audit`: cold and warm wall time and
 * peak RSS of the whole process `chainwatch audit --preset jupyter --no-save
 * --format json`, on recorded registry answers, so the measured runs never
 * touch the internet.
 *
 * On first use (or with CHAINWATCH_BENCH_RERECORD=1) the audit runs once live
 * through a recording proxy (audit-answers.ts, record mode) and the answers
 * are kept in bench/.cache/audit/answers/ (gitignored); the advisory database
 * is imported once from ../shared/data/osv into bench/.cache/audit/ when that
 * folder exists. The measured runs are then served by the same script on
 * 127.0.0.1 (serve mode), pointed at through the ecosystems' own variables:
 * PIP_INDEX_URL, npm_config_registry, CONDA_CHANNEL_ALIAS. An upstream the
 * recording could not reach (conda-forge, from a machine that cannot) fails
 * again in every measured run, as it did live: one whose name did not resolve
 * (every recorded answer ENOTFOUND) is given a name that never resolves
 * (`<upstream>.invalid`, RFC 6761), so the CLI sees ENOTFOUND as it did live
 * and fails at once, as it does for a name that does not exist; cutting the
 * connection instead would be a reset, which the CLI retries with back-off
 * (2–3 s of waiting that the live run did not have). Other failures are cut
 * off by the answers server.
 *
 * Cold = empty cache directories (XDG_CACHE_HOME, CHAINWATCH_HTTP_CACHE and the
 * other stores in a fresh directory); warm = the next run on the same
 * directories. CHAINWATCH_BENCH_RUNS (default 3) cold/warm pairs, alternating.
 * No GitHub token is passed: posture and the advisories desk are skipped, as
 * on a machine without one. Goal (issue 10): warm ≤ 5 s.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveCondaChannel } from '../src/ecosystems/conda/config.js';
import { systemConfigSources } from '../src/ecosystems/config-sources.js';
import { resolveNpmRegistry } from '../src/ecosystems/npm/config.js';
import { resolvePypiIndex } from '../src/ecosystems/pypi/config.js';
import { loadRegistryConfig } from '../src/ecosystems/registry-config.js';
import type { AnswersOptions } from './audit-answers.js';
import { measureCommand, median, type Measurement } from './measure.js';

const repoRoot = resolve(import.meta.dirname, '..');
const cli = join(repoRoot, 'bin', 'chainwatch');
const work = join(import.meta.dirname, '.cache', 'audit');
const answers = join(work, 'answers');
const database = join(work, 'advisories.sqlite');
const sharedOsv = resolve(process.env.CHAINWATCH_SHARED_DATA ?? join(repoRoot, '..', 'shared', 'data'), 'osv');
const RUNS = Number(process.env.CHAINWATCH_BENCH_RUNS ?? 3);
const WARM_GOAL_SECONDS = 5;
const AUDIT_ARGS = ['audit', '--preset', 'jupyter', '--no-save', '--format', 'json'];

interface AnswersServer {
  origin: string;
  stats(): Promise<{ served: number; notModified: number; cut: number; misses: string[] }>;
  close(): Promise<void>;
}

async function startAnswers(options: AnswersOptions): Promise<AnswersServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./audit-answers.ts', import.meta.url)), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolveMessage, reject) => {
      const onMessage = (message: { type: string }) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolveMessage(message as T);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`the answers server exited (${code})`)));
    });
  const { origin } = await next<{ origin: string }>('ready');
  return {
    origin,
    stats: () => {
      const answer = next<{ served: number; notModified: number; cut: number; misses: string[] }>('stats');
      child.send({ type: 'stats' });
      return answer;
    },
    close: async () => {
      const closed = next('closed');
      child.send({ type: 'close' });
      await closed;
    },
  };
}

/** The upstreams' origins and the paths under them, from this machine's configuration (as the CLI would read it). */
async function upstreams(): Promise<{ origins: Record<string, string>; paths: { pypi: string; npm: string; conda: string } }> {
  const config = await loadRegistryConfig(systemConfigSources());
  const pypi = new URL(resolvePypiIndex(config.pypi).url);
  const npm = new URL(resolveNpmRegistry('@jupyterlab/services', config.npm).url);
  const forge = resolveCondaChannel('conda-forge', config.conda);
  if (forge === null) throw new Error('no URL for the conda-forge channel');
  // The channel alias is the channel URL's parent: other channel names resolve beside it.
  const alias = new URL('..', forge);
  return { origins: { pypi: pypi.origin, npm: npm.origin, conda: alias.origin }, paths: { pypi: pypi.pathname, npm: npm.pathname, conda: alias.pathname } };
}

type Upstream = 'pypi' | 'npm' | 'conda';

/** The upstreams whose every recorded answer failed because the name did not resolve. */
function unresolvedUpstreams(answers: Record<string, { error?: string }>): Set<Upstream> {
  const unresolved = new Set<Upstream>();
  for (const upstream of ['pypi', 'npm', 'conda'] as const) {
    const recorded = Object.entries(answers).filter(([key]) => key.startsWith(`/u/${upstream}/`));
    if (recorded.length > 0 && recorded.every(([, answer]) => answer.error !== undefined && /\bENOTFOUND\b/.test(answer.error))) unresolved.add(upstream);
  }
  return unresolved;
}

/** The CLI's environment: registries at the answers server (or at a name that never resolves, for `unresolved`), every store under `cache`, no token. */
function auditEnv(origin: string, paths: { pypi: string; npm: string; conda: string }, cache: string, unresolved: ReadonlySet<Upstream> = new Set()): NodeJS.ProcessEnv {
  const base = (upstream: Upstream) => (unresolved.has(upstream) ? `http://${upstream}.invalid` : `${origin}/u/${upstream}`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(GH_TOKEN|GITHUB_TOKEN|CHAINWATCH_.*|PIP_.*|UV_.*|npm_config_.*|CONDA_.*)$/i.test(name)) delete env[name];
  }
  return {
    ...env,
    NO_COLOR: '1',
    PIP_INDEX_URL: `${base('pypi')}${paths.pypi}`,
    npm_config_registry: `${base('npm')}${paths.npm}`,
    CONDA_CHANNEL_ALIAS: `${base('conda')}${paths.conda}`,
    XDG_CACHE_HOME: cache,
    CHAINWATCH_HTTP_CACHE: join(cache, 'http-cache.sqlite'),
    CHAINWATCH_GRAPH_DB: join(cache, 'graph.sqlite'),
    CHAINWATCH_GITHUB_CACHE: join(cache, 'github-cache.sqlite'),
    CHAINWATCH_DISCLOSURE_DB: join(cache, 'disclosure.sqlite'),
  };
}

function summary(measurements: readonly Measurement[]): string {
  const seconds = measurements.map((entry) => entry.seconds);
  const rss = measurements.map((entry) => entry.peakRssMegabytes);
  return `${median(seconds).toFixed(2)} s (${Math.min(...seconds).toFixed(2)}–${Math.max(...seconds).toFixed(2)}), peak RSS ${median(rss).toFixed(0)} MB (max ${Math.max(...rss).toFixed(0)})`;
}

/** What the audit reported: its status, the graph's size, the unreachable sources. */
function described(measurement: Measurement): string {
  try {
    const document = JSON.parse(measurement.stdout) as { run: { status: string }; graph: { nodes: number; edges: number } | null; sources: { name: string; reachable: boolean }[]; steps: { name: string; milliseconds: number }[] };
    const unreachable = document.sources.filter((source) => !source.reachable).map((source) => source.name);
    const graphStep = document.steps.find((step) => step.name === 'graph');
    return `${document.run.status}, ${document.graph?.nodes ?? 0} packages, ${document.graph?.edges ?? 0} edges, graph step ${((graphStep?.milliseconds ?? 0) / 1000).toFixed(1)} s${unreachable.length > 0 ? `; not reachable: ${unreachable.join(', ')}` : ''} (exit ${measurement.exitCode})`;
  } catch {
    return `no JSON (exit ${measurement.exitCode}): ${measurement.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  }
}

export async function runAuditBench(print: (line: string) => void): Promise<void> {
  print('## Audit benchmark (issue 10): `chainwatch audit --preset jupyter --no-save --format json` on recorded answers');
  mkdirSync(work, { recursive: true });
  const { origins, paths } = await upstreams();

  if (!existsSync(database) && existsSync(sharedOsv)) {
    const imported = measureCommand(cli, ['db', 'import', '--db', database, sharedOsv], { env: { ...process.env, NO_COLOR: '1' } });
    if (imported.exitCode !== 0) print(`advisory database: import of ${sharedOsv} exited ${imported.exitCode}: ${imported.stderr.trim().split('\n').at(-1) ?? ''}`);
  }
  const databaseArgs = existsSync(database) ? ['--db', database] : [];
  print(`advisory database: ${databaseArgs.length > 0 ? `${database} (from ../shared/data/osv)` : 'none (no ../shared/data/osv): the findings step fails in every run'}`);

  const indexFile = join(answers, 'index.json');
  if (!existsSync(indexFile) || process.env.CHAINWATCH_BENCH_RERECORD === '1') {
    rmSync(answers, { recursive: true, force: true });
    const recorder = await startAnswers({ mode: 'record', directory: answers, upstreams: origins });
    const cache = mkdtempSync(join(work, 'record-'));
    try {
      print('recording the live registries\' answers once (bench/.cache/audit/answers/; CHAINWATCH_BENCH_RERECORD=1 records again)…');
      const live = measureCommand(cli, [...AUDIT_ARGS, ...databaseArgs], { env: auditEnv(recorder.origin, paths, cache) });
      print(`  live run: ${live.seconds.toFixed(2)} s, peak RSS ${live.peakRssMegabytes.toFixed(0)} MB: ${described(live)}`);
    } finally {
      await recorder.close();
      rmSync(cache, { recursive: true, force: true });
    }
  }
  const recorded = JSON.parse(readFileSync(indexFile, 'utf8')) as { recordedAt: string; answers: Record<string, { error?: string }> };
  const kept = Object.values(recorded.answers);
  const failed = kept.filter((answer) => answer.error !== undefined).length;
  print(`recorded answers: ${kept.length} requests, recorded ${recorded.recordedAt}${failed > 0 ? `; ${failed} could not be reached when recorded and fail in every run` : ''}`);
  const unresolved = unresolvedUpstreams(recorded.answers);
  if (unresolved.size > 0) print(`  ${[...unresolved].join(', ')}: every recorded answer was ENOTFOUND (the name did not resolve): pointed at ${[...unresolved].map((upstream) => `${upstream}.invalid`).join(', ')}, which never resolves, so each run fails there as the live one did`);

  const server = await startAnswers({ mode: 'serve', directory: answers });
  const cold: Measurement[] = [];
  const warm: Measurement[] = [];
  const loadBefore = loadavg();
  try {
    for (let run = 0; run < RUNS; run++) {
      const cache = mkdtempSync(join(work, 'run-'));
      try {
        const env = auditEnv(server.origin, paths, cache, unresolved);
        cold.push(measureCommand(cli, [...AUDIT_ARGS, ...databaseArgs], { env }));
        warm.push(measureCommand(cli, [...AUDIT_ARGS, ...databaseArgs], { env }));
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    }
    const stats = await server.stats();
    const loadAfter = loadavg();
    print(`${RUNS} cold/warm pairs, alternating; node ${process.version}; load average ${loadBefore.map((value) => value.toFixed(1)).join(' ')} before, ${loadAfter.map((value) => value.toFixed(1)).join(' ')} after, on ${availableParallelism()} cores`);
    print(`  cold  ${summary(cold)}  — ${described(cold[0]!)}`);
    print(`  warm  ${summary(warm)}  — ${described(warm[0]!)}`);
    print(`  served ${stats.served} answers, ${stats.notModified} not modified, ${stats.cut} cut off as recorded${stats.misses.length > 0 ? `; ${stats.misses.length} requests were never recorded (e.g. ${stats.misses.slice(0, 3).join(', ')}): record again` : ''}`);
    const warmMedian = median(warm.map((entry) => entry.seconds));
    print(`  goal warm ≤ ${WARM_GOAL_SECONDS} s: ${warmMedian <= WARM_GOAL_SECONDS ? 'met' : 'NOT met'} (median ${warmMedian.toFixed(2)} s)`);
  } finally {
    await server.close();
  }
}
