/**
 * Records the cassettes in src/posture/fixtures/registry-releases/ from this
 * machine's configured PyPI index and npm registry (the endpoints pip and npm
 * are configured to use, as src/ecosystems/<id>/config.ts reads them; no host
 * is written here), through src/posture/registry-releases.ts itself, so each
 * cassette holds exactly the requests `posture --registry-releases` makes:
 *
 *   npx tsx test/record/posture-releases.ts
 *
 * Every real base URL is rewritten to a `.test` placeholder before anything
 * is saved (the recorder refuses a cassette that still names a real host).
 */
import { request } from 'undici';
import { systemConfigSources } from '../../src/ecosystems/config-sources.js';
import { loadRegistryConfig } from '../../src/ecosystems/registry-config.js';
import { resolveNpmRegistry } from '../../src/ecosystems/npm/config.js';
import { resolvePypiIndex } from '../../src/ecosystems/pypi/config.js';
import { createPypiRegistry } from '../../src/ecosystems/pypi/registry.js';
import { createRegistryReleases } from '../../src/posture/registry-releases.js';
import { createRecorder, recordingClient, type Rewrite } from '../http-replay.js';

const FIXTURES = new URL('../../src/posture/fixtures/registry-releases/', import.meta.url);
const PYPI_PLACEHOLDER = 'https://pypi.test/';
const FILES_PLACEHOLDER = 'https://files.pypi.test/';
const NPM_PLACEHOLDER = 'https://registry.npm.test/';
/** Names no registry has, for the 404 answers. */
const MISSING_PYPI = 'chainwatch-no-such-project-0';
const MISSING_NPM = '@chainwatch-no-such-scope/no-such-package';
/** Project pages keep this many newest files (and every yanked one); the JSON API this many newest releases. */
const NEWEST = 6;

type Json = Record<string, unknown>;

function trimSimplePage(body: Buffer): string {
  const page = JSON.parse(body.toString('utf8')) as Json & { files: Json[] };
  const newest = new Set([...page.files].sort((a, b) => String(b['upload-time'] ?? '').localeCompare(String(a['upload-time'] ?? ''))).slice(0, NEWEST));
  page.files = page.files.filter((file) => newest.has(file) || (file.yanked !== undefined && file.yanked !== false));
  return JSON.stringify(page);
}

/** An HTML Simple page: only the anchors of the newest versions' files are kept. */
function trimSimpleHtml(body: Buffer, keep: readonly string[]): string {
  const lines = body.toString('utf8').split('\n');
  return lines.filter((line) => !line.includes('<a ') || keep.some((version) => line.includes(`-${version}-`) || line.includes(`-${version}.tar.gz`))).join('\n');
}

function trimJsonApi(body: Buffer): string {
  const project = JSON.parse(body.toString('utf8')) as Json & { info: Json; releases?: Record<string, Json[]> };
  project.info = { name: project.info.name, version: project.info.version };
  const newestUpload = (files: Json[]): string => files.map((file) => String(file.upload_time_iso_8601 ?? '')).sort().at(-1) ?? '';
  if (project.releases) {
    const kept = Object.entries(project.releases)
      .sort(([, a], [, b]) => newestUpload(b).localeCompare(newestUpload(a)))
      .slice(0, NEWEST);
    project.releases = Object.fromEntries(kept);
  }
  delete project.vulnerabilities;
  return JSON.stringify(project);
}

/** A full packument reduced to what the release dates need: name, dist-tags, each version's name and version, and `time`. */
function trimPackument(body: Buffer): string {
  const packument = JSON.parse(body.toString('utf8')) as Json & { versions?: Record<string, Json> };
  const versions = Object.fromEntries(Object.entries(packument.versions ?? {}).map(([version, manifest]) => [version, { name: manifest.name, version: manifest.version }]));
  return JSON.stringify({ name: packument.name, 'dist-tags': packument['dist-tags'], versions, time: packument.time });
}

/** The origins that serve a project's files, other than the index's (asked, not recorded: only to know what to rewrite). */
async function fileOrigins(indexUrl: string, authorization: string | undefined): Promise<string[]> {
  const headers: Record<string, string> = { accept: 'application/vnd.pypi.simple.v1+json' };
  if (authorization) headers.authorization = authorization;
  const response = await request(new URL('ipywidgets/', indexUrl).href, { headers });
  const page = (await response.body.json()) as { files: { url: string }[] };
  const origins = new Set(page.files.map((file) => new URL(file.url, indexUrl).origin));
  origins.delete(new URL(indexUrl).origin);
  return [...origins];
}

async function main(): Promise<void> {
  const registries = await loadRegistryConfig(systemConfigSources());
  const index = resolvePypiIndex(registries.pypi);
  const npmBase = resolveNpmRegistry('ipywidgets', registries.npm).url;
  const rewrites: Rewrite[] = [
    { from: `${new URL(index.url).origin}/`, to: PYPI_PLACEHOLDER },
    ...(await fileOrigins(index.url, index.authorization)).map((origin) => ({ from: `${origin}/`, to: FILES_PLACEHOLDER })),
    { from: npmBase, to: NPM_PLACEHOLDER },
  ];
  const transformBody = (url: string, body: Buffer, headers: Record<string, string>) => {
    const type = headers['content-type'] ?? '';
    if (type.startsWith('application/vnd.pypi.simple.v1+json')) return trimSimplePage(body);
    if (type.startsWith('text/html')) return trimSimpleHtml(body, ['8.1.9', '8.1.8', '8.1.7']);
    if (new URL(url).pathname.endsWith('/json')) return trimJsonApi(body);
    if (url.startsWith(npmBase) && type.includes('json')) return trimPackument(body);
    return body;
  };

  const scenarios: { cassette: string; note: string; run(recorder: ReturnType<typeof createRecorder>): Promise<void> }[] = [
    {
      cassette: 'pypi.json',
      note: 'PEP 691 project page of ipywidgets (its 6 newest files) and a 404 for a missing project, as posture --registry-releases asks them.',
      async run(recorder) {
        const releases = createRegistryReleases({ http: recordingClient(recorder), registries });
        await releases.newestRelease({ ecosystem: 'PyPI', name: 'ipywidgets' });
        await releases.newestRelease({ ecosystem: 'PyPI', name: MISSING_PYPI });
      },
    },
    {
      cassette: 'pypi-html-and-json-api.json',
      note: "ipywidgets' PEP 503 HTML page (Accept: text/html; anchors of 8.1.7 to 8.1.9 only) and its project JSON (info reduced to name and version, the 6 newest releases): what an index that serves only HTML pages answers.",
      async run(recorder) {
        await recorder.fetch({ url: new URL('ipywidgets/', index.url).href, headers: { accept: 'text/html', ...(index.authorization ? { authorization: index.authorization } : {}) } });
        const pypi = createPypiRegistry({ http: recordingClient(recorder), indexUrl: index.url, ...(index.authorization ? { authorization: index.authorization } : {}) });
        await pypi.projectJson('ipywidgets');
      },
    },
    {
      cassette: 'npm.json',
      note: 'Full packuments of @jupyter-widgets/base and @lumino/widgets (name, dist-tags, each version reduced to name and version, time) and a 404 for a missing package, as posture --registry-releases asks them.',
      async run(recorder) {
        const releases = createRegistryReleases({ http: recordingClient(recorder), registries });
        await releases.newestRelease({ ecosystem: 'npm', name: '@jupyter-widgets/base' });
        await releases.newestRelease({ ecosystem: 'npm', name: '@lumino/widgets' });
        await releases.newestRelease({ ecosystem: 'npm', name: MISSING_NPM });
      },
    },
  ];
  for (const scenario of scenarios) {
    const recorder = createRecorder({ rewrites, note: scenario.note, transformBody });
    try {
      await scenario.run(recorder);
      const cassette = recorder.save(new URL(scenario.cassette, FIXTURES));
      process.stdout.write(`${scenario.cassette}: ${cassette.interactions.length} interactions\n`);
    } finally {
      await recorder.close();
    }
  }
}

await main();
