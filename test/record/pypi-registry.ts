/**
 * Records the PyPI cassettes in src/ecosystems/pypi/fixtures/registry/ from this machine's
 * configured index, through the registry client itself, so the recorded
 * exchanges are exactly the requests the client makes. Every real base URL
 * (the index's origin, the files host) is rewritten to a `.test` placeholder
 * before anything is written.
 *
 *   npx tsx test/record/pypi-registry.ts [--index-url URL]
 *
 * The index is the one chainwatch uses (src/ecosystems/pypi/config.ts: chainwatch
 * config, PIP_INDEX_URL, uv's variables, pip.conf, else pip's own default,
 * asked of pip), or --index-url: no host is written here.
 */
import { request } from 'undici';
import { systemConfigSources } from '../../src/ecosystems/config-sources.js';
import { loadPypiConfig } from '../../src/ecosystems/pypi/config.js';
import { createPypiRegistry, type PypiFile, type PypiRegistry } from '../../src/ecosystems/pypi/registry.js';
import { createRecorder, recordingClient, type Recorder } from '../http-replay.js';


const FIXTURES = new URL('../../src/ecosystems/pypi/fixtures/registry/', import.meta.url);
const INDEX_PLACEHOLDER = 'https://pypi.test/';
const FILES_PLACEHOLDER = 'https://files.pypi.test/';
/** Project pages keep this many newest files (and every yanked one). */
const NEWEST_FILES = 30;
/** The project JSON keeps this many newest releases. */
const NEWEST_RELEASES = 12;

const PROJECTS = ['jupyterlab', 'jupyter-server', 'notebook', 'ipywidgets', 'jupyterlab-widgets', 'traitlets', 'packaging', 'docopt'];
/** A name no index has, for the 404 answers. */
const MISSING_PROJECT = 'chainwatch-no-such-project-0';

/** The index as chainwatch itself finds it (src/ecosystems/pypi/config.ts); --index-url overrides it. */
async function configuredIndex(): Promise<{ url: string; authorization?: string }> {
  const flag = process.argv.indexOf('--index-url');
  const config = await loadPypiConfig(systemConfigSources(), { pypi: flag === -1 ? undefined : process.argv[flag + 1] });
  if (!config.index) throw new Error('no PyPI index configured and pip named no default: pass --index-url');
  return config.index;
}

/** The origins that serve the files of a page, other than the index's own (not recorded: it only finds the hosts to rewrite). */
async function fileOrigins(indexUrl: string, authorization: string | undefined): Promise<string[]> {
  const headers: Record<string, string> = { accept: 'application/vnd.pypi.simple.v1+json' };
  if (authorization) headers.authorization = authorization;
  const response = await request(new URL('packaging/', indexUrl).href, { headers });
  const page = (await response.body.json()) as { files: { url: string }[] };
  const indexOrigin = new URL(indexUrl).origin;
  const origins = new Set(page.files.map((file) => new URL(file.url, indexUrl).origin));
  origins.delete(indexOrigin);
  return [...origins];
}


type Json = Record<string, unknown>;

/** A PEP 691 page with only the newest files and every yanked one, in the page's own order. */
function trimSimplePage(body: Buffer): string {
  const page = JSON.parse(body.toString('utf8')) as Json & { files: Json[] };
  const newest = new Set(
    [...page.files]
      .sort((a, b) => String(b['upload-time'] ?? '').localeCompare(String(a['upload-time'] ?? '')))
      .slice(0, NEWEST_FILES),
  );
  page.files = page.files.filter((file) => newest.has(file) || (file.yanked !== undefined && file.yanked !== false));
  return JSON.stringify(page);
}

/** The JSON API without the long description, and (project JSON) only the newest releases. */
function trimJsonApi(body: Buffer): string {
  const project = JSON.parse(body.toString('utf8')) as Json & { info: Json; releases?: Record<string, Json[]> };
  delete project.info.description;
  if (project.releases) {
    const newestUpload = (files: Json[]): string => files.map((file) => String(file.upload_time_iso_8601 ?? '')).sort().at(-1) ?? '';
    const entries = Object.entries(project.releases);
    const kept = new Set(
      [...entries]
        .sort(([, a], [, b]) => newestUpload(b).localeCompare(newestUpload(a)))
        .slice(0, NEWEST_RELEASES)
        .map(([version]) => version),
    );
    project.releases = Object.fromEntries(entries.filter(([version]) => kept.has(version)));
  }
  return JSON.stringify(project);
}

interface Scenario {
  cassette: string;
  note: string;
  trimPages: boolean;
  run(registry: PypiRegistry, recorder: Recorder): Promise<void>;
}

function newestWheel(files: PypiFile[]): PypiFile {
  const wheels = files.filter((file) => file.kind === 'wheel').sort((a, b) => (b.uploadTime ?? '').localeCompare(a.uploadTime ?? ''));
  if (!wheels[0]) throw new Error('no wheel');
  return wheels[0];
}

const SCENARIOS: Scenario[] = [
  {
    cassette: 'projects.json',
    note: 'PEP 691 project pages of the Jupyter projects, packaging and docopt (sdist-only), each trimmed to its 30 newest files plus every yanked file; a 404 for a missing project.',
    trimPages: true,
    async run(registry) {
      for (const name of [...PROJECTS, MISSING_PROJECT]) await registry.project(name);
    },
  },
  {
    cassette: 'packaging-forms.json',
    note: 'The whole project page of packaging in both forms: PEP 691 JSON (pip\'s Accept header) and PEP 503 HTML (Accept: text/html).',
    trimPages: false,
    async run(registry, recorder) {
      const page = await registry.project('packaging');
      if (!page) throw new Error('packaging is missing');
      await recorder.fetch({ url: page.url, headers: { accept: 'text/html' } });
    },
  },
  {
    cassette: 'json-api.json',
    note: 'JSON API: project JSON of jupyterlab and ipywidgets (no description, the 12 newest releases each); release JSON of ipywidgets 8.1.9 (this index answers 404: it serves no per-release JSON); a 404 for a missing project; then ipywidgets 8.1.9\'s wheel .metadata (PEP 658), whose sha256 the project JSON gives.',
    trimPages: true,
    async run(registry) {
      await registry.projectJson('jupyterlab');
      await registry.projectJson(MISSING_PROJECT);
      await registry.releaseJson('ipywidgets', '8.1.9');
      const project = await registry.projectJson('ipywidgets');
      const wheel = project?.releases?.find((release) => release.version === '8.1.9')?.files.find((file) => file.kind === 'wheel');
      if (!wheel?.coreMetadata) throw new Error('ipywidgets 8.1.9: no wheel with core metadata in the project JSON');
      await registry.metadata(wheel);
    },
  },
  {
    cassette: 'wheel-ranges.json.gz',
    note: 'Range requests on two wheels whose pages advertise no core metadata: jupyterlab-widgets (newest wheel: tail with the central directory, the labextension package.json, METADATA) and jupyterlab (newest wheel: tail, the rest of its central directory, METADATA). Their project pages come first, trimmed as in projects.json.',
    trimPages: true,
    async run(registry) {
      const widgets = await registry.project('jupyterlab-widgets');
      const widgetsWheel = newestWheel(widgets?.files ?? []);
      const members = (await registry.listFiles(widgetsWheel)) ?? [];
      const manifest = members.find((member) => /\.data\/data\/share\/jupyter\/labextensions\/.+\/package\.json$/.test(member));
      if (!manifest) throw new Error('no labextension package.json in the jupyterlab-widgets wheel');
      await registry.readMember(widgetsWheel, manifest);
      await registry.metadata(widgetsWheel);
      const jupyterlab = await registry.project('jupyterlab');
      await registry.metadata(newestWheel(jupyterlab?.files ?? []));
    },
  },
  {
    cassette: 'sdist.json.gz',
    note: 'docopt, a project with only sdists: its project page (trimmed as in projects.json) and the newest sdist, downloaded whole for its PKG-INFO (metadata 1.1, no Requires-Dist).',
    trimPages: true,
    async run(registry) {
      const page = await registry.project('docopt');
      const sdists = (page?.files ?? []).filter((file) => file.kind === 'sdist').sort((a, b) => (b.uploadTime ?? '').localeCompare(a.uploadTime ?? ''));
      if (!sdists[0]) throw new Error('docopt has no sdist');
      await registry.metadata(sdists[0]);
    },
  },
];

async function main(): Promise<void> {
  const { url: indexUrl, authorization } = await configuredIndex();
  const indexOrigin = new URL(indexUrl).origin;
  const rewrites = [{ from: `${indexOrigin}/`, to: INDEX_PLACEHOLDER }, ...(await fileOrigins(indexUrl, authorization)).map((origin) => ({ from: `${origin}/`, to: FILES_PLACEHOLDER }))];
  for (const scenario of SCENARIOS) {
    const recorder = createRecorder({
      rewrites,
      note: scenario.note,
      transformBody(url, body, headers) {
        const type = headers['content-type'] ?? '';
        if (scenario.trimPages && type.startsWith('application/vnd.pypi.simple.v1+json')) return trimSimplePage(body);
        if (type.includes('json') && new URL(url).pathname.endsWith('/json')) return trimJsonApi(body);
        return body;
      },
    });
    try {
      const registry = createPypiRegistry({ http: recordingClient(recorder), indexUrl, ...(authorization ? { authorization } : {}) });
      await scenario.run(registry, recorder);
      const cassette = recorder.save(new URL(scenario.cassette, FIXTURES));
      process.stdout.write(`${scenario.cassette}: ${cassette.interactions.length} interactions\n`);
    } finally {
      await recorder.close();
    }
  }
}

await main();
