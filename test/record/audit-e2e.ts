/**
 * Records test/fixtures/audit-e2e.json.gz: every HTTP exchange the graph step
 * of `chainwatch audit` makes for the config of test/audit-e2e.fixture.ts
 * (PyPI comm and referencing, npm @jupyterlab/nbformat; py3.12-linux), once
 * as of each of its two `--exclude-newer` dates, resolution and signals alike,
 * from this machine's configured PyPI index and npm registry. The audit runs
 * in-process (runAuditCommand) with the fixture's own wiring
 * (`e2eResolvers`: registryResolverFactory, as src/cli/graph-inputs.ts wires
 * it); only the transport differs: a client that sends each request through
 * the recorder. Each run starts from an empty cache, so that client answers a
 * repeated request from what it recorded in that run, as the HTTP cache would.
 * Real base URLs become `https://pypi.test/`, `https://files.pypi.test/` and
 * `https://registry.npm.test/` before anything is written.
 *
 *   npx tsx test/record/audit-e2e.ts [--index-url URL] [--registry URL]
 *
 * Trimmed so that the file stays small (see TRIM below): PEP 691 pages keep
 * the releases a run chose, the newest releases before each date and two
 * after the last one, and of those only the sdists and the wheels a
 * py3.12-linux target can install; full packuments keep the same window of
 * versions (and the one `latest` names), without readmes. The runs are made
 * twice: once on whole answers to learn what they choose, then, recorded, on
 * the trimmed ones, which still hold every version chosen and only lose
 * versions, so the choices stay the same; and the replay asks exactly what
 * the recorded runs asked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runAuditCommand } from '../../src/cli/commands/audit.js';
import type { CliIo } from '../../src/cli/io.js';
import { fixedClock } from '../../src/core/clock.js';
import { systemConfigSources, type RegistryOverrides } from '../../src/ecosystems/config-sources.js';
import { resolveNpmRegistry } from '../../src/ecosystems/npm/config.js';
import { resolvePypiIndex } from '../../src/ecosystems/pypi/config.js';
import { loadRegistryConfig } from '../../src/ecosystems/registry-config.js';
import { normalizeName } from '../../src/core/package.js';
import { defaultEnvironment } from '../../src/ecosystems/pypi/environment.js';
import { parseExcludeNewer } from '../../src/graph/inputs.js';
import { createWheelTagPolicy } from '../../src/graph/pypi/wheel-tags.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/http/types.js';
import { openGraphStore } from '../../src/store/graph-store.js';
import { AUDIT_E2E_CASSETTE, AUDIT_E2E_PACKAGES, AUDIT_E2E_RUNS, auditE2eConfig, e2eResolvers } from '../audit-e2e.fixture.js';
import { createRecorder, type Recorder } from '../http-replay.js';

const TRIM = { releasesBefore: 3, releasesAfter: 2 };
const wheelTags = createWheelTagPolicy(defaultEnvironment);

/** Versions the runs chose, by `ecosystem:name` (names normalised as in PURLs): always kept. */
let chosen = new Map<string, Set<string>>();
let trimming = false;

const cutoffs = AUDIT_E2E_RUNS.map((run) => {
  const parsed = parseExcludeNewer(run.excludeNewer);
  if (!parsed.ok) throw parsed.error;
  return parsed.value.getTime();
});

/** The versions to keep, from each version's first upload or publish time. */
function keptVersions(firstSeen: ReadonlyMap<string, number>, key: string): Set<string> {
  const byTime = [...firstSeen].sort((a, b) => b[1] - a[1]);
  const kept = new Set<string>(chosen.get(key) ?? []);
  for (const cutoff of cutoffs) {
    for (const [version] of byTime.filter(([, time]) => time < cutoff).slice(0, TRIM.releasesBefore)) kept.add(version);
  }
  const last = Math.max(...cutoffs);
  for (const [version] of byTime.filter(([, time]) => time >= last).slice(-TRIM.releasesAfter)) kept.add(version);
  return kept;
}

type Json = Record<string, unknown>;

function versionOfFile(filename: string): string {
  if (filename.endsWith('.whl')) return filename.split('-')[1] ?? '';
  return /-([^-]+)\.(?:tar\.gz|zip|tar\.bz2)$/.exec(filename)?.[1] ?? '';
}

function trimSimplePage(text: string): string {
  const page = JSON.parse(text) as Json & { files: Json[] };
  const firstSeen = new Map<string, number>();
  for (const file of page.files) {
    const version = versionOfFile(String(file.filename));
    const uploaded = Date.parse(String(file['upload-time'] ?? ''));
    if (!Number.isNaN(uploaded)) firstSeen.set(version, Math.min(firstSeen.get(version) ?? uploaded, uploaded));
  }
  const kept = keptVersions(firstSeen, `PyPI:${normalizeName('PyPI', String((page as { name?: unknown }).name ?? ''))}`);
  page.files = page.files.filter((file) => {
    const filename = String(file.filename);
    return kept.has(versionOfFile(filename)) && (!filename.endsWith('.whl') || wheelTags.priority(filename) !== undefined);
  });
  if (Array.isArray(page.versions)) page.versions = (page.versions as string[]).filter((version) => kept.has(version));
  return JSON.stringify(page);
}

function trimPackument(text: string): string {
  const packument = JSON.parse(text) as Json & { versions?: Record<string, Json>; time?: Record<string, string>; 'dist-tags'?: Record<string, string> };
  const time = packument.time ?? {};
  const firstSeen = new Map<string, number>();
  for (const version of Object.keys(packument.versions ?? {})) {
    const published = Date.parse(time[version] ?? '');
    if (!Number.isNaN(published)) firstSeen.set(version, published);
  }
  const kept = keptVersions(firstSeen, `npm:${String(packument.name)}`);
  const latest = packument['dist-tags']?.latest;
  if (latest !== undefined) kept.add(latest);
  delete packument.readme;
  delete packument.readmeFilename;
  packument.versions = Object.fromEntries(
    Object.entries(packument.versions ?? {})
      .filter(([version]) => kept.has(version))
      .map(([version, manifest]) => {
        const { readme: _readme, readmeFilename: _readmeFilename, ...rest } = manifest;
        return [version, rest];
      }),
  );
  packument.time = Object.fromEntries(Object.entries(time).filter(([key]) => key === 'created' || key === 'modified' || kept.has(key)));
  if (latest !== undefined) packument['dist-tags'] = { latest };
  return JSON.stringify(packument);
}

/** The trimmed body a run sees and the cassette keeps, by what the answer is. */
function trimmed(url: string, body: Buffer, contentType: string): Buffer {
  if (!trimming) return body;
  if (contentType.startsWith('application/vnd.pypi.simple.v1+json')) return Buffer.from(trimSimplePage(body.toString('utf8')));
  if (/json/.test(contentType) && packumentOrigins.some((origin) => url.startsWith(origin))) return Buffer.from(trimPackument(body.toString('utf8')));
  return body;
}

let packumentOrigins: string[] = [];

/**
 * An HttpClient for one run: each distinct request (URL, Accept, Range: the
 * HTTP cache's key) goes through the recorder once; a repeat gets the same
 * answer, as the run's fresh cache would give it.
 */
function recordingRunClient(recorder: Recorder): HttpClient {
  const answers = new Map<string, Promise<HttpResponse>>();
  let requests = 0;
  return {
    get(input: HttpRequest) {
      const headers = { ...(input.headers ?? {}) };
      if (input.range) headers.range = `bytes=${input.range.start}-${input.range.end ?? ''}`;
      const key = [input.url, headers.accept ?? '', headers.range ?? ''].join('\u0000');
      let answer = answers.get(key);
      if (!answer) {
        requests++;
        answer = recorder.fetch({ url: input.url, headers }).then((recorded) => {
          const response: HttpResponse = { status: recorded.status, headers: recorded.headers, body: trimmed(recorded.url, recorded.body, recorded.headers['content-type'] ?? ''), url: recorded.url, fromCache: false };
          if (input.validate && (response.status === 200 || response.status === 203)) {
            const verdict = input.validate(response);
            if (verdict === false || typeof verdict === 'string') throw new Error(`${recorded.url}: ${verdict || 'did not pass validation'}`);
          }
          return response;
        });
        answers.set(key, answer);
      } else if (input.validate) {
        // The registry clients keep what validate parsed: hand it the answer again, as a cache hit would.
        answer = answer.then((response) => {
          input.validate!(response);
          return { ...response, fromCache: true };
        });
      }
      return answer;
    },
    failures: () => [],
    stats: () => ({ requests, cacheHits: 0, notModified: 0, retries: 0, bytes: 0 }),
    close: async () => {},
  };
}

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function main(): Promise<void> {
  const overrides: RegistryOverrides = { pypi: flag('--index-url'), npm: flag('--registry') };
  const machine = await loadRegistryConfig(systemConfigSources(), overrides);
  const index = resolvePypiIndex(machine.pypi);
  const npmRegistry = resolveNpmRegistry(AUDIT_E2E_PACKAGES.npm[0], machine.npm);
  packumentOrigins = [new URL(npmRegistry.url).origin];
  // The files host is whatever the index's pages point at; find it from one page.
  const probe = await fetch(new URL(`${AUDIT_E2E_PACKAGES.pypi[0]}/`, index.url), { headers: { accept: 'application/vnd.pypi.simple.v1+json', ...(index.authorization ? { authorization: index.authorization } : {}) } });
  const probePage = (await probe.json()) as { files: { url: string }[] };
  const fileOrigins = new Set(probePage.files.map((file) => new URL(file.url, index.url).origin));
  fileOrigins.delete(new URL(index.url).origin);
  const rewrites = [
    { from: `${new URL(index.url).origin}/`, to: 'https://pypi.test/' },
    ...[...fileOrigins].map((origin) => ({ from: `${origin}/`, to: 'https://files.pypi.test/' })),
    { from: `${new URL(npmRegistry.url).origin}/`, to: 'https://registry.npm.test/' },
  ];
  const note =
    `Every request of the graph step of two \`chainwatch audit\` runs (test/audit-e2e.fixture.ts: PyPI ${AUDIT_E2E_PACKAGES.pypi.join(', ')}, npm ${AUDIT_E2E_PACKAGES.npm.join(', ')}; py3.12-linux), ` +
    `--exclude-newer ${AUDIT_E2E_RUNS.map((run) => run.excludeNewer).join(' then ')}, each from an empty cache, in order. PEP 691 pages and full packuments trimmed to the versions the runs chose, the ${TRIM.releasesBefore} newest releases before each date and ${TRIM.releasesAfter} after the last ` +
    '(pages: only sdists and wheels a py3.12-linux target installs; packuments also keep `latest`, lose readmes).';

  // First on whole answers, to learn what the runs choose; then recorded, on trimmed answers that keep those versions.
  const learning = createRecorder({ rewrites });
  let learned: string[][];
  try {
    learned = await runBoth(learning, overrides);
  } finally {
    await learning.close();
  }
  chosen = new Map();
  for (const purl of learned.flat()) {
    const match = /^pkg:(pypi|npm)\/(.+)@([^@?]+)$/.exec(purl)!;
    const key = `${match[1] === 'pypi' ? 'PyPI' : 'npm'}:${decodeURIComponent(match[2]!)}`;
    chosen.set(key, (chosen.get(key) ?? new Set()).add(match[3]!));
  }
  trimming = true;
  const recorder = createRecorder({ rewrites, note, transformBody: (url, body, headers) => trimmed(url, body, headers['content-type'] ?? '') });
  try {
    const recorded = await runBoth(recorder, overrides);
    if (JSON.stringify(recorded) !== JSON.stringify(learned)) throw new Error(`the trimmed answers resolve differently:\n${JSON.stringify(learned)}\n${JSON.stringify(recorded)}`);
    const cassette = recorder.save(AUDIT_E2E_CASSETTE);
    process.stdout.write(`${cassette.interactions.length} interactions written\n`);
  } finally {
    await recorder.close();
  }
}

/** Both runs of the fixture through `recorder`; each run's graph, as PURLs. */
async function runBoth(recorder: Recorder, overrides: RegistryOverrides): Promise<string[][]> {
  const graphs: string[][] = [];
  const directory = mkdtempSync(join(tmpdir(), 'chainwatch-record-'));
  try {
    const config = join(directory, 'chainwatch.yaml');
    writeFileSync(config, auditE2eConfig());
    for (const [position, run] of AUDIT_E2E_RUNS.entries()) {
      let stdout = '';
      let stderr = '';
      const io: CliIo = {
        stdout: { write: (text: string) => void (stdout += text) },
        stderr: { write: (text: string) => void (stderr += text), isTTY: false },
        stdin: Readable.from(['']),
        env: {},
        cwd: directory,
      };
      const clock = fixedClock(run.now);
      const client = recordingRunClient(recorder);
      const resolvers = e2eResolvers({ registryConfig: (given) => loadRegistryConfig(systemConfigSources(), { ...given, ...overrides }), httpClient: () => client, summaryStorePath: ':memory:' }, clock);
      await runAuditCommand(
        io,
        { config, env: [], local: [], format: 'json', excludeNewer: run.excludeNewer, db: join(directory, 'no-advisories.sqlite'), history: join(directory, 'graph.sqlite') },
        { clock, resolvers },
      );
      const document = JSON.parse(stdout) as { run: { id: number }; sources: { name: string; reachable: boolean }[] };
      const history = openGraphStore(join(directory, 'graph.sqlite'), { readonly: true });
      const graph = history.loadSnapshot(document.run.id)?.graph;
      history.close();
      const unreachable = document.sources.filter((source) => !source.reachable && !source.name.startsWith('advisories'));
      if (unreachable.length > 0 || (graph?.problems.length ?? 1) > 0) {
        throw new Error(`run ${position + 1}: not reachable: ${unreachable.map((source) => source.name).join(', ')}; problems: ${JSON.stringify(graph?.problems)}\n${stderr}`);
      }
      const nodes = graph!.nodes.map((node) => node.purl);
      graphs.push(nodes);
      process.stdout.write(`run ${position + 1} (--exclude-newer ${run.excludeNewer}): ${client.stats().requests} requests; ${nodes.join(' ')}\n`);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  return graphs;
}

await main();
