/**
 * Records the npm fixtures in src/ecosystems/npm/fixtures/: `npx tsx test/record/npm-packuments.ts`.
 *
 * For each root below, at the fixed cut-off BEFORE:
 *   1. runs `npm install --package-lock-only --ignore-scripts --before=BEFORE`
 *      in a temporary directory with an empty npm cache, and keeps the
 *      lockfile's packages (location, name, version, flags) as the expectation;
 *   2. runs chainwatch's resolver live through a recorder, so the cassette
 *      holds exactly the packuments the resolver asks for (full form, as
 *      `before` needs publish times), plus the abbreviated form of the root;
 *   3. trims every packument: versions published after BEFORE are dropped
 *      (their `time` entries and the dist-tags stay, so npm's choice is the
 *      same as on the untrimmed document) and only the fields chainwatch reads
 *      are kept (no readmes, no e-mail addresses);
 *   4. rewrites the configured registry's base URL to https://registry.npm.test/.
 *
 * The endpoint comes from `npm config get registry`; it is never written down.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createHttpClient } from '../../src/http/client.js';
import type { HttpClient } from '../../src/http/types.js';
import { resolveNpm } from '../../src/graph/npm/resolve.js';
import { ABBREVIATED_ACCEPT, createNpmRegistry, packumentUrlFor } from '../../src/ecosystems/npm/registry.js';

export const FIXTURE_BEFORE = '2026-11-01T00:00:00.000Z';
export const PLACEHOLDER_REGISTRY = 'https://registry.npm.test/';
const ROOTS = [
  { fixture: 'lumino-widgets', roots: ['@lumino/widgets'] },
  { fixture: 'jupyter-widgets-base', roots: ['@jupyter-widgets/base'] },
];

const fixtures = fileURLToPath(new URL('../../src/ecosystems/npm/fixtures/', import.meta.url));

const VERSION_FIELDS = [
  'name',
  'version',
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bundleDependencies',
  'bundledDependencies',
  'engines',
  'os',
  'cpu',
  'libc',
  'deprecated',
  'hasInstallScript',
  '_hasShrinkwrap',
  'license',
  'repository',
];

function peopleNames(list: unknown): unknown {
  if (!Array.isArray(list)) return undefined;
  return list.map((person) => (typeof person === 'object' && person !== null ? { name: (person as { name?: unknown }).name } : String(person).replace(/\s*<.*$/, '')));
}

/**
 * Keeps what chainwatch reads of a packument, and only versions published by
 * `before`. To keep the repository small, pre-releases no dist-tag names are
 * dropped (no range in these closures names one; the fixture test would fail
 * if that changed npm's answer), and per-version `repository` and registry
 * `signatures` are kept only in the roots' own packuments (`full` detail),
 * which the registry client's signal tests read.
 */
export function trimPackument(document: Record<string, unknown>, before: string, options: { allowed?: ReadonlySet<string>; detail: boolean }): Record<string, unknown> {
  const cutoff = Date.parse(before);
  const time = (document.time ?? undefined) as Record<string, string> | undefined;
  const distTags = (document['dist-tags'] ?? {}) as Record<string, string>;
  const tagged = new Set(Object.values(distTags));
  const versions: Record<string, unknown> = {};
  for (const [version, raw] of Object.entries((document.versions ?? {}) as Record<string, Record<string, unknown>>)) {
    const published = time?.[version];
    if (published && Date.parse(published) > cutoff) continue;
    // Abbreviated documents have no times: keep the versions their full document kept.
    if (!time && options.allowed && !options.allowed.has(version)) continue;
    if (version.includes('-') && !tagged.has(version)) continue;
    const kept: Record<string, unknown> = {};
    for (const field of VERSION_FIELDS) if (raw[field] !== undefined) kept[field] = raw[field];
    if (!options.detail) delete kept.repository;
    const scripts = raw.scripts as Record<string, unknown> | undefined;
    if (scripts && typeof scripts === 'object') {
      kept.scripts = Object.fromEntries(Object.entries(scripts).filter(([name]) => ['preinstall', 'install', 'postinstall'].includes(name)));
    }
    const dist = raw.dist as Record<string, unknown> | undefined;
    if (dist) {
      const fields = options.detail ? ['tarball', 'integrity', 'shasum', 'attestations', 'signatures'] : ['tarball', 'integrity', 'attestations'];
      kept.dist = Object.fromEntries(Object.entries(dist).filter(([name]) => fields.includes(name)));
    }
    if (raw._npmUser && typeof raw._npmUser === 'object') kept._npmUser = { name: (raw._npmUser as { name?: unknown }).name };
    if (raw.maintainers !== undefined && options.detail) kept.maintainers = peopleNames(raw.maintainers);
    versions[version] = kept;
  }
  const trimmed: Record<string, unknown> = { name: document.name, 'dist-tags': distTags, versions };
  if (time) {
    const keep = new Set([...Object.keys(versions), ...tagged, 'created', 'modified']);
    trimmed.time = Object.fromEntries(Object.entries(time).filter(([key]) => keep.has(key)));
  }
  if (document.modified !== undefined) trimmed.modified = document.modified;
  if (document.maintainers !== undefined) trimmed.maintainers = peopleNames(document.maintainers);
  if (document.repository !== undefined) trimmed.repository = document.repository;
  if (document.license !== undefined) trimmed.license = document.license;
  return trimmed;
}

/** One recorded exchange, in the cassette format of test/http-replay.ts. */
interface Interaction {
  method: 'GET';
  url: string;
  requestHeaders: { accept: string };
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * An HttpClient that fetches through the real client (no cache) and keeps
 * every answer, trimmed and with the registry's base URL rewritten, so the
 * cassette holds exactly what the resolver asked for. (Its own recorder, not
 * test/http-replay.ts: it trims each packument to the cut-off as it records.)
 */
function recordingClient(registryUrl: string, before: string, roots: readonly string[]): { client: HttpClient; interactions: Interaction[] } {
  const real = createHttpClient({});
  const interactions: Interaction[] = [];
  const allowedVersions = new Map<string, Set<string>>();
  const rewrite = (text: string): string => text.split(registryUrl).join(PLACEHOLDER_REGISTRY);
  const client: HttpClient = {
    async get(request) {
      const answer = await real.get({ ...request, cache: 'no-store' });
      let body = answer.body.toString('utf8');
      if (answer.status === 200) {
        const document = JSON.parse(body) as Record<string, unknown>;
        const name = String(document.name);
        const trimmed = trimPackument(document, before, { allowed: allowedVersions.get(name), detail: roots.includes(name) });
        if (document.time) allowedVersions.set(name, new Set(Object.keys(trimmed.versions as object)));
        body = JSON.stringify(trimmed);
      }
      interactions.push({
        method: 'GET',
        url: rewrite(request.url),
        requestHeaders: { accept: request.headers?.accept ?? '' },
        status: answer.status,
        headers: { 'content-type': answer.headers['content-type'] ?? 'application/json' },
        body: rewrite(body),
      });
      return answer;
    },
    failures: () => real.failures(),
    stats: () => real.stats(),
    close: () => real.close(),
  };
  return { client, interactions };
}

export interface ExpectedLock {
  roots: string[];
  before: string;
  npmVersion: string;
  nodeVersion: string;
  packages: { location: string; name: string; version: string; peer: boolean; optional: boolean; dev: boolean }[];
}

/** What npm itself writes for these roots at this cut-off. */
export function npmLockPackages(roots: readonly string[], before: string, cacheDirectory?: string): ExpectedLock['packages'] {
  const directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-npm-lock-'));
  try {
    const dependencies = Object.fromEntries(roots.map((root) => [root, '*']));
    writeFileSync(path.join(directory, 'package.json'), JSON.stringify({ name: 'chainwatch-npm-root', version: '0.0.0', dependencies }));
    execFileSync(
      'npm',
      ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', `--before=${before}`, '--cache', cacheDirectory ?? path.join(directory, '.npm-cache')],
      { cwd: directory, stdio: 'ignore' },
    );
    const lock = JSON.parse(readFileSync(path.join(directory, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
    return Object.entries(lock.packages)
      .filter(([location]) => location !== '')
      .map(([location, entry]) => ({
        location,
        name: typeof entry.name === 'string' ? entry.name : location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length),
        version: String(entry.version),
        peer: entry.peer === true,
        optional: entry.optional === true,
        dev: entry.dev === true,
      }));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const registryUrl = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
  const npmVersion = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
  for (const { fixture, roots } of ROOTS) {
    const expected: ExpectedLock = { roots, before: FIXTURE_BEFORE, npmVersion, nodeVersion: process.version, packages: npmLockPackages(roots, FIXTURE_BEFORE) };
    writeFileSync(path.join(fixtures, `${fixture}.expected.json`), `${JSON.stringify(expected, null, 1)}\n`);

    const registryBase = registryUrl.endsWith('/') ? registryUrl : `${registryUrl}/`;
    const { client, interactions } = recordingClient(registryBase, FIXTURE_BEFORE, roots);
    const registry = createNpmRegistry({ http: client, resolveRegistry: () => ({ url: registryBase }) });
    await resolveNpm(roots.map((name) => ({ name })), { registry, before: new Date(FIXTURE_BEFORE), npmVersion });
    for (const root of roots) await client.get({ url: packumentUrlFor(registryBase, root), headers: { accept: ABBREVIATED_ACCEPT }, source: 'npm' });
    await client.close();
    const cassette = {
      version: 1,
      recordedAt: new Date().toISOString(),
      note: `npm packuments for ${roots.join(', ')} and their dependency closure at --before ${FIXTURE_BEFORE}, trimmed by test/record/npm-packuments.ts`,
      interactions,
    };
    const text = `${JSON.stringify(cassette, null, 1)}\n`;
    if (text.includes(new URL(registryBase).host)) throw new Error('the cassette still names the real registry host');
    writeFileSync(path.join(fixtures, `${fixture}.cassette.json.gz`), gzipSync(text, { level: 9 }));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
