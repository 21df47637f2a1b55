/**
 * Records src/graph/pypi/fixtures/jupyter-client.json.gz: every request a resolution of
 * `jupyter-client` (Python 3.12, manylinux x86_64, exclude-newer
 * 2026-01-01) makes through the PyPI registry client, from this machine's
 * configured index. Real base URLs (the index's origin and the files host)
 * become `https://pypi.test/` and `https://files.pypi.test/` before anything
 * is written.
 *
 *   npx tsx test/record/pypi-resolution.ts [--index-url URL]
 *
 * Project pages are trimmed to the files of the six newest releases uploaded
 * before the cut-off, plus the files of at most two releases after it (so the
 * replay still has something for --exclude-newer to hide); the resolver picks
 * the newest compatible release, so the trimmed pages resolve as the whole
 * ones do (checked against `uv pip compile` when recorded).
 */
import { systemConfigSources } from '../../src/ecosystems/config-sources.js';
import { loadPypiConfig } from '../../src/ecosystems/pypi/config.js';
import { defaultEnvironment } from '../../src/ecosystems/pypi/environment.js';
import { createPypiRegistry } from '../../src/ecosystems/pypi/registry.js';
import { createRegistryIndex } from '../../src/graph/pypi/registry-index.js';
import { resolvePypi } from '../../src/graph/pypi/resolve.js';
import { createRecorder, recordingClient } from '../http-replay.js';


const RECORDED_ROOT = 'jupyter-client';
const RECORDED_EXCLUDE_NEWER = '2026-01-01T00:00:00Z';
const RELEASES_BEFORE = 6;
const RELEASES_AFTER = 2;
const CASSETTE = new URL('../../src/graph/pypi/fixtures/jupyter-client.json.gz', import.meta.url);

type Json = Record<string, unknown>;

function versionOf(filename: string): string {
  if (filename.endsWith('.whl')) return filename.split('-')[1] ?? '';
  return /-([^-]+)\.(?:tar\.gz|zip|tar\.bz2)$/.exec(filename)?.[1] ?? '';
}

/** A PEP 691 page with only the files of the releases around the cut-off. */
function trimSimplePage(body: Buffer): string {
  const page = JSON.parse(body.toString('utf8')) as Json & { files: Json[] };
  const cutoff = Date.parse(RECORDED_EXCLUDE_NEWER);
  const firstUpload = new Map<string, number>();
  for (const file of page.files) {
    const version = versionOf(String(file.filename));
    const uploaded = Date.parse(String(file['upload-time'] ?? ''));
    if (!Number.isNaN(uploaded)) firstUpload.set(version, Math.min(firstUpload.get(version) ?? uploaded, uploaded));
  }
  const byTime = [...firstUpload].sort((a, b) => b[1] - a[1]);
  const kept = new Set([
    ...byTime.filter(([, time]) => time < cutoff).slice(0, RELEASES_BEFORE).map(([version]) => version),
    ...byTime.filter(([, time]) => time >= cutoff).slice(-RELEASES_AFTER).map(([version]) => version),
  ]);
  page.files = page.files.filter((file) => kept.has(versionOf(String(file.filename))));
  if (Array.isArray(page.versions)) page.versions = (page.versions as string[]).filter((version) => kept.has(version));
  return JSON.stringify(page);
}


async function main(): Promise<void> {
  const flag = process.argv.indexOf('--index-url');
  const config = await loadPypiConfig(systemConfigSources(), { pypi: flag === -1 ? undefined : process.argv[flag + 1] });
  if (!config.index) throw new Error('no PyPI index configured and pip named no default: pass --index-url');
  const { url: indexUrl, authorization } = config.index;
  // The files host is whatever the index's pages point at; find it from one page.
  const probe = await fetch(new URL(`${RECORDED_ROOT}/`, indexUrl), { headers: { accept: 'application/vnd.pypi.simple.v1+json', ...(authorization ? { authorization } : {}) } });
  const probePage = (await probe.json()) as { files: { url: string }[] };
  const fileOrigins = new Set(probePage.files.map((file) => new URL(file.url, indexUrl).origin));
  fileOrigins.delete(new URL(indexUrl).origin);
  const rewrites = [
    { from: `${new URL(indexUrl).origin}/`, to: 'https://pypi.test/' },
    ...[...fileOrigins].map((origin) => ({ from: `${origin}/`, to: 'https://files.pypi.test/' })),
  ];
  const recorder = createRecorder({
    rewrites,
    note: `Every request of a resolution of ${RECORDED_ROOT} (CPython 3.12, manylinux x86_64, exclude-newer ${RECORDED_EXCLUDE_NEWER}) through the registry client: PEP 691 pages trimmed to the ${RELEASES_BEFORE} newest releases before the cut-off and ${RELEASES_AFTER} after it, and the range reads of each chosen wheel's METADATA (the index advertises no PEP 658 metadata).`,
    transformBody(_url, body, headers) {
      return (headers['content-type'] ?? '').startsWith('application/vnd.pypi.simple.v1+json') ? trimSimplePage(body) : body;
    },
  });
  try {
    const registry = createPypiRegistry({ http: recordingClient(recorder), indexUrl, ...(authorization ? { authorization } : {}) });
    const result = await resolvePypi([{ name: RECORDED_ROOT }], {
      index: createRegistryIndex(registry),
      environment: defaultEnvironment,
      excludeNewer: RECORDED_EXCLUDE_NEWER,
    });
    const cassette = recorder.save(CASSETTE);
    process.stdout.write(`${cassette.interactions.length} interactions; resolved ${result.packages.map((found) => `${found.name}==${found.version}`).join(' ')}\n`);
  } finally {
    await recorder.close();
  }
}

await main();
