import { normalizeName } from '../../core/package.js';
import { parsePep440Version, parsePypiVersion, type Pep440Version } from '../../ecosystems/pypi/pep440-version.js';
import { checkProjectPage, parseDistributionFilename, readProjectPage, SIMPLE_ACCEPT, type DistributionFileRef, type PypiFile, type PypiProjectPage } from '../../ecosystems/pypi/registry.js';
import type { HttpClient, HttpResponse } from '../../http/types.js';
import { createHistoryBuilder, packFile, packProjectSummary, PROJECT_SUMMARY_FORM, unpackProjectSummary, urlBase, type PackedFile } from './project-summary.js';
import type { ProjectSummary, StoredFile, StoredRelease } from './summary-store.js';

/**
 * The resolver's reading of project pages. The registry client turns every
 * file of a page into a full record (schema-checked, version parsed, URL
 * resolved): for the Jupyter preset that is 66 000 files and about 0.7 s of
 * CPU, more than uv needs for the whole resolution, while the resolver reads
 * five fields of the few hundred files it considers. Here a PEP 691 page is
 * parsed once, each file is checked by hand and grouped by the version in
 * its name, and a file becomes a record only when its release is
 * considered. In the same pass each file is read as the registry client
 * reads it, for the signals (`ProjectSummary.history`). A PEP 503 HTML page
 * is read by the registry client's parser. The request is the registry
 * client's own (same URL and Accept header), and the HTTP cache keeps the
 * summary, not the page (`keep`, `PROJECT_SUMMARY_FORM`): a warm run reads
 * kilobytes of summary instead of parsing megabytes of page. An answer that
 * is neither (an unsupported API version, an odd status) is left to the
 * registry client.
 */

/** What a PEP 691 page is before its files are looked at: `meta['api-version']` (text) and `files` (a list). */
interface Envelope {
  meta: { 'api-version': string };
  files: unknown[];
  name?: unknown;
  versions?: unknown;
}

const PEP_691_JSON = 'application/vnd.pypi.simple.v1+json';

function mediaTypeOf(response: HttpResponse): string {
  return (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** A PEP 691 page of API version 1.x, its files not yet looked at; null for anything else. */
function readEnvelope(body: Buffer): Envelope | null {
  try {
    // Checked by hand: a schema would walk the 66 000 files of the Jupyter preset's pages once more.
    const json = JSON.parse(body.toString('utf8')) as unknown;
    if (!isPlainObject(json) || !isPlainObject(json.meta) || !Array.isArray(json.files)) return null;
    const apiVersion = json.meta['api-version'];
    if (typeof apiVersion !== 'string' || !/^1(?:\.\d+)*$/.test(apiVersion.trim())) return null;
    return { meta: { 'api-version': apiVersion }, files: json.files as unknown[], name: json.name, versions: json.versions };
  } catch {
    return null;
  }
}

export interface SimplePageReaderOptions {
  http: HttpClient;
  /** The Simple index (`…/simple/`). */
  indexUrl: string;
  /** Sent only to the index's own origin, as the registry client does. */
  authorization?: string;
  /** The source name in failure lists (default `pypi`). */
  source?: string;
  /** How long a kept summary is used without asking the index again (the request's `maxAgeMs`; default the client's). */
  maxAgeMs?: number;
}

interface RawFile {
  filename: string;
  url: string;
  requiresPython: string | null;
  yanked: boolean;
  uploadTime: string | null;
  size: number | null;
  coreMetadata: { hashes: Record<string, string> } | null;
}

export interface SimplePageReader {
  /** A project's summary; null when the index has none; 'other' when the answer is not a page this reader reads (ask the registry client). */
  read(name: string): Promise<ProjectSummary | null | 'other'>;
  /** What the registry client's metadata() needs of a file this reader handed out from a page it read (with the .metadata hashes). */
  fileRef(file: object): DistributionFileRef | undefined;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function coreMetadataOf(value: unknown): { hashes: Record<string, string> } | null {
  if (value === true) return { hashes: {} };
  if (value && typeof value === 'object') {
    const hashes: Record<string, string> = {};
    for (const [algorithm, digest] of Object.entries(value)) if (typeof digest === 'string') hashes[algorithm.toLowerCase()] = digest;
    return { hashes };
  }
  return null;
}

function rawFile(record: Record<string, unknown>): RawFile | null {
  const filename = text(record.filename);
  const url = text(record.url);
  if (!filename || !url) return null;
  const size = record.size;
  return {
    filename,
    url,
    requiresPython: text(record['requires-python'])?.trim() ?? null,
    // PEP 592: true, or the reason as a string, means yanked.
    yanked: record.yanked === true || typeof record.yanked === 'string',
    uploadTime: text(record['upload-time']),
    size: typeof size === 'number' && Number.isInteger(size) && size >= 0 ? size : null,
    coreMetadata: coreMetadataOf(record['core-metadata'] ?? record['dist-info-metadata']),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

const optional = (value: unknown, kind: 'string' | 'boolean'): boolean => value === undefined || typeof value === kind;
const nullish = (value: unknown): boolean => value === undefined || value === null;

/**
 * Whether the registry client's SimpleFileSchema (src/ecosystems/pypi/schema.ts)
 * keeps a file entry, checked by hand (the schema's cost per file is what
 * this reader avoids). It never says yes where the schema says no; where it
 * says no to an entry the resolver reads, the summary is not `exact` and the
 * signals ask the registry client.
 * @internal Exported for its test against the schema.
 */
export function keptBySimpleFileSchema(record: Record<string, unknown>): boolean {
  const { filename, url, size } = record;
  const metadataFlag = (value: unknown) => optional(value, 'boolean') || isPlainObject(value);
  return (
    typeof filename === 'string' &&
    filename.length > 0 &&
    typeof url === 'string' &&
    url.length > 0 &&
    isPlainObject(record.hashes) &&
    (nullish(record['requires-python']) || typeof record['requires-python'] === 'string') &&
    (optional(record.yanked, 'boolean') || typeof record.yanked === 'string') &&
    (nullish(record['upload-time']) || typeof record['upload-time'] === 'string') &&
    (nullish(size) || (typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) &&
    metadataFlag(record['core-metadata']) &&
    metadataFlag(record['dist-info-metadata']) &&
    (nullish(record.provenance) || typeof record.provenance === 'string')
  );
}

/** An absolute http(s) URL without a fragment, and its authority. */
const ABSOLUTE_HTTP = /^https?:\/\/([^/?#\s]*)(?:[/?][^#\s]*)?$/i;

const SDIST = /\.(?:tar\.gz|tar\.bz2|tar\.xz|tar\.z|tgz|tbz|txz|tar|zip)$/i;

/**
 * The version in a distribution's file name, as written, and a wheel's
 * project name; null for what is neither a wheel nor an sdist. An sdist's
 * version follows the first dash after which the name is the project's and
 * the rest is a version (parseDistributionFilename's rule; `isVersion` is the
 * caller's memoised parsePypiVersion).
 */
function readFilename(filename: string, project: string, isVersion: (text: string) => boolean): { version: string; wheelProject: string | null } | null {
  if (/\.whl$/i.test(filename)) {
    // name-version(-build)?-python-abi-platform: 4 or 5 dashes.
    const first = filename.indexOf('-');
    const second = filename.indexOf('-', first + 1);
    let dashes = first < 0 ? 0 : second < 0 ? 1 : 2;
    for (let at = filename.indexOf('-', second + 1); second >= 0 && at >= 0 && dashes <= 5; at = filename.indexOf('-', at + 1)) dashes++;
    return dashes === 4 || dashes === 5 ? { version: filename.slice(first + 1, second), wheelProject: filename.slice(0, first) } : null;
  }
  const extension = SDIST.exec(filename);
  if (extension === null) return null;
  const stem = filename.slice(0, extension.index);
  for (let dash = stem.indexOf('-'); dash !== -1; dash = stem.indexOf('-', dash + 1)) {
    if (normalizeName('PyPI', stem.slice(0, dash)) !== project) continue;
    const version = stem.slice(dash + 1);
    return isVersion(version) ? { version, wheelProject: null } : null;
  }
  return null;
}

/** A file placed in a release, with its absolute URL (null when it has none). */
interface PlacedFile {
  file: RawFile;
  url: string | null;
}

interface FileGroup<File> {
  version: string;
  files: File[];
  earliest: number;
  earliestUpload: string | null;
}

/** Files grouped by version (in page order; files `versionOf` cannot place left out), each group with its earliest upload time. */
function groupFiles<File extends { uploadTime: string | null }>(files: Iterable<File>, versionOf: (file: File) => string | null): FileGroup<File>[] {
  const groups = new Map<string, FileGroup<File>>();
  for (const file of files) {
    const version = versionOf(file);
    if (version === null) continue;
    let group = groups.get(version);
    if (!group) groups.set(version, (group = { version, files: [], earliest: Number.POSITIVE_INFINITY, earliestUpload: null }));
    group.files.push(file);
    const uploaded = file.uploadTime ? Date.parse(file.uploadTime) : Number.NaN;
    if (uploaded < group.earliest) {
      group.earliest = uploaded;
      group.earliestUpload = file.uploadTime;
    }
  }
  return [...groups.values()];
}

/** Releases over groups; each release's files go through `convert` when first read (most never are). */
function releasesOfGroups<File>(groups: readonly FileGroup<File>[], convert: (files: readonly File[]) => StoredFile[]): StoredRelease[] {
  return groups.map((group): StoredRelease => {
    let converted: StoredFile[] | undefined;
    return {
      version: group.version,
      earliestUpload: group.earliestUpload,
      get files() {
        return (converted ??= convert(group.files));
      },
    };
  });
}

/**
 * A page's releases: its files grouped by version (in page order, files
 * `versionOf` cannot place left out), each with its earliest upload time. A
 * release's files go through `convert` when first read: most never are.
 */
function groupReleases<File extends { uploadTime: string | null }>(
  files: Iterable<File>,
  versionOf: (file: File) => string | null,
  convert: (files: readonly File[]) => StoredFile[],
): StoredRelease[] {
  return releasesOfGroups(groupFiles(files, versionOf), convert);
}

function toStoredFile(file: PypiFile): StoredFile {
  return {
    filename: file.filename,
    url: file.url,
    yanked: file.yanked,
    ...(file.requiresPython ? { requiresPython: file.requiresPython } : {}),
    ...(file.uploadTime ? { uploadTime: file.uploadTime } : {}),
    ...(file.size === null ? {} : { size: file.size }),
    ...(file.coreMetadata ? { coreMetadata: true } : {}),
  };
}

/**
 * The summary of a page the registry client read (a PEP 503 HTML page, or
 * any page when there is no lean reader): releases by normalized version, as
 * the index always grouped them, each file remembered in `origins` (its
 * .metadata hashes).
 */
export function summaryOfPage(page: PypiProjectPage, origins: WeakMap<object, DistributionFileRef>): ProjectSummary {
  const history = createHistoryBuilder();
  const names = new Set<string>();
  let exact = true;
  const files: PypiFile[] = [];
  for (const file of page.files) {
    if (file.kind === 'other' || file.version === null) continue;
    files.push(file);
    history.add(file.version.normalized, { uploadTime: file.uploadTime, yanked: file.yanked, hasProvenance: file.provenanceUrl !== null, provenanceKnown: file.provenanceKnown });
    if (names.has(file.filename)) exact = false;
    names.add(file.filename);
  }
  const releases = groupReleases(
    files,
    (file) => file.version!.normalized,
    (group) =>
      group.map((file) => {
        const stored = toStoredFile(file);
        origins.set(stored, file);
        return stored;
      }),
  );
  return { releases, history: history.releases(), exact };
}

export function createSimplePageReader(options: SimplePageReaderOptions): SimplePageReader {
  const origins = new WeakMap<object, DistributionFileRef>();
  const source = options.source ?? 'pypi';
  const indexOrigin = new URL(options.indexUrl).origin;

  function absolute(url: string, page: string): string | null {
    // Most pages list absolute URLs without a fragment: no need to build a URL object for each.
    if (/^https?:\/\/[^#\s]+$/i.test(url)) return url;
    try {
      const resolved = new URL(url, page);
      resolved.hash = '';
      return resolved.href;
    } catch {
      return null;
    }
  }

  /**
   * A PEP 691 page read in one pass: the resolver's releases (by the version
   * written in each file name) and the signals' history (each file as the
   * registry client reads it), with its stored form made lazily.
   */
  function summarizeJson(envelope: Envelope, page: string, project: string): { summary: ProjectSummary; pack: () => Buffer } {
    const history = createHistoryBuilder();
    // The registry client refuses a page without a name or with a `versions` that is not a list: its signals would fail.
    let exact = typeof envelope.name === 'string' && (envelope.versions === undefined || Array.isArray(envelope.versions));
    const names = new Set<string>();
    const versions = new Map<string, { strict: Pep440Version | null; lenient: string | null }>();
    const versionOf = (written: string) => {
      let found = versions.get(written);
      if (!found) {
        const strict = parsePep440Version(written);
        const lenient = strict.ok ? strict : parsePypiVersion(written);
        versions.set(written, (found = { strict: strict.ok ? strict.value : null, lenient: lenient.ok ? lenient.value.normalized : null }));
      }
      return found;
    };
    const isVersion = (text: string) => versionOf(text).lenient !== null;
    const projectNames = new Map<string, boolean>();
    const sameProject = (written: string) => {
      let same = projectNames.get(written);
      if (same === undefined) projectNames.set(written, (same = normalizeName('PyPI', written) === project));
      return same;
    };
    // A URL with an http(s) scheme parses when its authority does (WHATWG: paths and queries never fail), so
    // the registry client's check is made once per authority, not once per file.
    const authorities = new Map<string, boolean>();
    const resolves = (url: string, match = ABSOLUTE_HTTP.exec(url)): boolean => {
      const authority = match?.[1];
      if (authority === undefined) return URL.canParse(url, page);
      let parses = authorities.get(authority);
      if (parses === undefined) authorities.set(authority, (parses = URL.canParse(`${url.slice(0, url.indexOf(':'))}://${authority}/`)));
      return parses;
    };
    // The resolver's releases: files grouped by the version written in their names, in page order.
    const groups = new Map<string, FileGroup<PlacedFile>>();
    for (const entry of envelope.files) {
      if (!isPlainObject(entry)) continue;
      const file = rawFile(entry);
      const name = file === null ? null : readFilename(file.filename, project, isVersion);
      if (file === null || name === null) {
        // The registry client may keep a distribution this reader does not place: then the history could miss it.
        if (typeof entry.filename === 'string' && parseDistributionFilename(entry.filename).kind !== 'other' && keptBySimpleFileSchema(entry)) exact = false;
        continue;
      }
      const written = name.version;
      let group = groups.get(written);
      if (!group) groups.set(written, (group = { version: written, files: [], earliest: Number.POSITIVE_INFINITY, earliestUpload: null }));
      const match = ABSOLUTE_HTTP.exec(file.url);
      // An absolute http(s) URL without a fragment is used as it is (absolute() says the same, without the pattern).
      group.files.push({ file, url: match !== null && file.url.length > file.url.indexOf('//') + 2 ? file.url : absolute(file.url, page) });
      const uploaded = file.uploadTime ? Date.parse(file.uploadTime) : Number.NaN;
      if (uploaded < group.earliest) {
        group.earliest = uploaded;
        group.earliestUpload = file.uploadTime;
      }
      // The registry client's reading of the file: kept by its schema, with a URL, its version (with the project's name
      // in a wheel's) read leniently, as PEP 440 or a legacy version.
      const kept = keptBySimpleFileSchema(entry) && resolves(file.url, match);
      const registryVersion = name.wheelProject === null ? versionOf(written).lenient : sameProject(name.wheelProject) ? versionOf(written.replaceAll('_', '-')).lenient : null;
      if (kept && registryVersion !== null) {
        const provenance = entry.provenance;
        history.add(registryVersion, {
          uploadTime: (entry['upload-time'] as string | null | undefined) ?? null,
          yanked: file.yanked,
          hasProvenance: typeof provenance === 'string' && provenance !== '' && resolves(provenance),
          provenanceKnown: provenance !== undefined,
        });
      }
      // A file the resolver can pick must be in the history under the version the resolver gives it, and alone with its name.
      const resolverVersion = versionOf(written).strict;
      if (resolverVersion !== null && (!kept || registryVersion !== resolverVersion.normalized || names.has(file.filename))) exact = false;
      names.add(file.filename);
    }
    const grouped = [...groups.values()];
    const convert = (files: readonly PlacedFile[]) =>
      files.flatMap(({ file, url }) => {
        if (url === null) return [];
        const stored = storedFile(file, url);
        origins.set(stored, { filename: file.filename, url, size: file.size, coreMetadata: file.coreMetadata });
        return [stored];
      });
    const releases = releasesOfGroups(grouped, convert);
    // The resolver parses each release's version; these are parsed already.
    for (const release of releases) release.parsed = versionOf(release.version).strict;
    const summary: ProjectSummary = { releases, history: history.releases(), exact };
    const pack = () => {
      const base = urlBase(grouped[0]?.files.find((placed) => placed.url !== null)?.url ?? undefined);
      return packProjectSummary(summary, base, (index) => {
        const packed: PackedFile[] = [];
        for (const { file, url } of grouped[index]!.files) if (url !== null) packed.push(packFile(base, file.filename, url, file.yanked, file.requiresPython, file.uploadTime, file.size, file.coreMetadata !== null));
        return JSON.stringify(packed);
      });
    };
    return { summary, pack };
  }

  function summarizeHtml(answer: HttpResponse, project: string): { summary: ProjectSummary; pack: () => Buffer } | null {
    let page: PypiProjectPage;
    try {
      page = readProjectPage(answer, project);
    } catch {
      return null;
    }
    const summary = summaryOfPage(page, origins);
    return { summary, pack: () => packProjectSummary(summary, urlBase(page.files[0]?.url)) };
  }

  return {
    async read(name) {
      const project = normalizeName('PyPI', name);
      const url = new URL(`${encodeURIComponent(project)}/`, options.indexUrl).href;
      const headers: Record<string, string> = { accept: SIMPLE_ACCEPT };
      if (options.authorization && new URL(url).origin === indexOrigin) headers.authorization = options.authorization;
      // The registry client's request (same URL and Accept), so the same check before caching: a page that is
      // not a project page is never kept. The answer is read here once, in the validator, and its summary kept.
      let summary: ProjectSummary | null = null;
      let pack: (() => Buffer) | null = null;
      const response = await options.http.get({
        url,
        headers,
        source,
        cache: 'revalidate',
        ...(options.maxAgeMs === undefined ? {} : { maxAgeMs: options.maxAgeMs }),
        keep: { form: PROJECT_SUMMARY_FORM, trim: () => (pack === null ? null : pack()) },
        validate: (answer) => {
          summary = null;
          pack = null;
          if (answer.form === PROJECT_SUMMARY_FORM) {
            summary = unpackProjectSummary(answer.body);
            return summary === null ? 'was kept in a damaged form' : true;
          }
          const mediaType = mediaTypeOf(answer);
          const envelope = mediaType === PEP_691_JSON ? readEnvelope(answer.body) : null;
          const made = envelope !== null ? summarizeJson(envelope, answer.url, project) : mediaType === PEP_691_JSON ? null : summarizeHtml(answer, project);
          if (made !== null) {
            ({ summary, pack } = made);
            return true;
          }
          return checkProjectPage(answer, project);
        },
      });
      if (response.status === 404 || response.status === 410) return null;
      if (response.status !== 200 || summary === null) return 'other';
      return summary;
    },
    fileRef(file) {
      return origins.get(file);
    },
  };
}

function storedFile(file: RawFile, url: string): StoredFile {
  return {
    filename: file.filename,
    url,
    yanked: file.yanked,
    ...(file.requiresPython ? { requiresPython: file.requiresPython } : {}),
    ...(file.uploadTime ? { uploadTime: file.uploadTime } : {}),
    ...(file.size === null ? {} : { size: file.size }),
    ...(file.coreMetadata ? { coreMetadata: true } : {}),
  };
}
