import { createHash, getHashes } from 'node:crypto';
import type { z } from 'zod';
import { ChainwatchError, HostError } from '../../core/errors.js';
import { known, unknown, type Knowable } from '../../core/known.js';
import { normalizeName } from '../../core/package.js';
import { redactUrl } from '../../http/redact.js';
import type { HttpClient, HttpResponse } from '../../http/types.js';
import { parsePypiVersion, type Pep440Version } from './pep440-version.js';
import type { Pep508Requirement } from './requirement.js';
import { JsonApiProjectSchema, SimpleProjectSchema, type JsonApiFile, type SimpleFile } from './schema.js';
import { parseSimpleHtml } from './simple-html.js';
import {
  findWheelMetadataEntry,
  metadataValue,
  metadataVersionParts,
  parseCoreMetadata,
  readSdistPkgInfo,
  readZipDirectory,
  readZipMember,
  sdistFormatOf,
  ZIP_TAIL_BYTES,
  type ByteSource,
  type CoreMetadata,
  type SdistFormat,
  type ZipDirectory,
} from './wheel-metadata.js';

/**
 * The PyPI registry client, over the shared HttpClient, against the index the
 * user's configuration names (never a literal host):
 *   - project pages from the Simple API by content negotiation: PEP 691 JSON
 *     where the index offers it, PEP 503 HTML where a mirror serves only that;
 *   - core metadata from `<file>.metadata` (PEP 658/714), else from the
 *     wheel's METADATA read by range requests, else from the sdist's PKG-INFO,
 *     saying which and what stayed unknown;
 *   - the richer per-project JSON API where the index serves it;
 *   - a wheel's member list and one member's bytes by range requests.
 * Absent things (404/410) are null; a host failing is a HostError from the
 * HttpClient (or here, for a status nothing can be made of); a body that is
 * not what the API promises is a ChainwatchError located at its URL.
 */

/** What pip sends: JSON first, the HTML forms as fallbacks (PEP 691). */
export const SIMPLE_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';

export type DistributionKind = 'wheel' | 'sdist' | 'other';

/** The tags of a wheel file name (`name-ver(-build)?-py-abi-plat.whl`), compressed tag sets split on `.`. */
export interface WheelTags {
  build: string | null;
  python: string[];
  abi: string[];
  platform: string[];
}

export interface DistributionFilename {
  kind: DistributionKind;
  /** The version read from the file name; null when it cannot be read or the name is another project's. */
  version: Pep440Version | null;
  wheel: WheelTags | null;
}

/** One distribution file, whichever API described it. */
export interface PypiFile {
  filename: string;
  /** Absolute (resolved against the page that listed it), without the hash fragment. */
  url: string;
  /** Algorithm → hex digest. */
  hashes: Record<string, string>;
  requiresPython: string | null;
  yanked: boolean;
  /** The reason given when yanked, if any. */
  yankedReason: string | null;
  /** PEP 700 upload time (ISO), when the API gives it (JSON forms only). */
  uploadTime: string | null;
  size: number | null;
  /** PEP 658/714: the index serves `<url>.metadata`, with these hashes of it ({} when none were given); null when not advertised. */
  coreMetadata: { hashes: Record<string, string> } | null;
  /** PEP 740 provenance URL, absolute; null when there is none or the index does not say (see provenanceKnown). */
  provenanceUrl: string | null;
  /**
   * Whether the index stated this file's provenance: a PEP 691 page with the
   * `provenance` key (null meaning "none"), or an HTML anchor with
   * `data-provenance`. False when the key is missing (older indexes, mirrors
   * that strip it) or an HTML anchor lacks the attribute (HTML cannot say
   * "none"): then no provenance is unknown, not absent.
   */
  provenanceKnown: boolean;
  kind: DistributionKind;
  version: Pep440Version | null;
  wheel: WheelTags | null;
}

export interface PypiProjectPage {
  /** The project name as the index spells it (JSON), else as asked for, normalised. */
  name: string;
  /** The page URL that answered (after redirects). */
  url: string;
  format: 'json' | 'html';
  /** PEP 629 api-version; null for an HTML page without the meta tag (1.0). */
  apiVersion: string | null;
  files: PypiFile[];
  /** PEP 700 `versions` (JSON, api-version 1.1), including versions without files; null when not given. */
  versions: string[] | null;
}

/** What metadata() needs of a file: the PypiFile of either API fits. */
export interface DistributionFileRef {
  filename: string;
  url: string;
  size?: number | null;
  coreMetadata?: { hashes: Record<string, string> } | null;
}

export type MetadataSource = 'pep658' | 'wheel' | 'sdist' | 'unknown';

export interface PypiMetadataResult {
  source: MetadataSource;
  metadata: CoreMetadata | null;
  /**
   * The dependencies, or visibly unknown: an old sdist's PKG-INFO without a
   * trustworthy Requires-Dist is "unknown", never "none".
   */
  dependencies: Knowable<Pep508Requirement[]>;
  /** Core metadata fields (lower-case names) whose absence or value cannot be trusted; `all` when nothing could be read. */
  unknown: 'all' | string[];
  /** Why an earlier source was passed over (`.metadata answered 404`, `hash mismatch`). */
  notes: string[];
}

/** `info` of the JSON API: the core metadata fields it repeats (UNKNOWN and empty as null), plus the release's state. */
export type PypiJsonInfo = Pick<
  CoreMetadata,
  | 'summary'
  | 'license'
  | 'licenseExpression'
  | 'licenseFiles'
  | 'classifiers'
  | 'projectUrls'
  | 'homePage'
  | 'downloadUrl'
  | 'author'
  | 'authorEmail'
  | 'maintainer'
  | 'maintainerEmail'
  | 'requiresPython'
  | 'providesExtra'
> & {
  name: string;
  version: string;
  /** Requires-Dist as text; null when the API says nothing (not "no dependencies"). */
  requiresDist: string[] | null;
  yanked: boolean;
  yankedReason: string | null;
};

export interface PypiJsonRelease {
  version: string;
  files: PypiFile[];
}

export interface PypiJsonProject {
  /** The URL that answered. */
  url: string;
  info: PypiJsonInfo;
  /** Every release with its files (project JSON only; null for release JSON). */
  releases: PypiJsonRelease[] | null;
  /** The files of `info.version`. */
  files: PypiFile[];
  lastSerial: number | null;
}

export interface PypiRegistryOptions {
  http: HttpClient;
  /** The Simple index (`…/simple/`) from PIP_INDEX_URL / UV_INDEX_URL / pip.conf / chainwatch config. */
  indexUrl: string;
  /** Authorization header value; sent only to the index's own origin. */
  authorization?: string;
  /** Name of this source in failure lists; `pypi` by default. */
  source?: string;
  /**
   * Ask for `<wheel>.metadata` even when the page does not advertise it.
   * Some proxies strip the PEP 658 attributes from pages while still serving
   * the files; a 404 then costs one request before the range reads.
   */
  probeCoreMetadata?: boolean;
}

export interface PypiRegistry {
  readonly indexUrl: string;
  /** The Simple API page of a project; null when the index has no such project. */
  project(name: string): Promise<PypiProjectPage | null>;
  /** Core metadata of one file: `.metadata`, else the wheel by ranges, else the sdist's PKG-INFO. */
  metadata(file: DistributionFileRef): Promise<PypiMetadataResult>;
  /** `<index-root>/pypi/<name>/json`; null when absent or the index has no JSON API. */
  projectJson(name: string): Promise<PypiJsonProject | null>;
  /** `<index-root>/pypi/<name>/<version>/json`; null when absent or the index has no JSON API. */
  releaseJson(name: string, version: string): Promise<PypiJsonProject | null>;
  /** Member names of a wheel, by range requests; null when the wheel is absent. */
  listFiles(wheel: string | DistributionFileRef): Promise<string[] | null>;
  /** One member's bytes, by range requests; null when the wheel or the member is absent. */
  readMember(wheel: string | DistributionFileRef, memberName: string): Promise<Buffer | null>;
}

// ---------------------------------------------------------------------------
// File names

const SDIST_EXTENSIONS = ['.tar.gz', '.tar.bz2', '.tar.xz', '.tar.z', '.tgz', '.tbz', '.txz', '.tar', '.zip'];

function parsedVersion(text: string): Pep440Version | null {
  const parsed = parsePypiVersion(text);
  return parsed.ok ? parsed.value : null;
}

/**
 * Kind, version and tags from a distribution's file name. Wheels:
 * `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`. Sdists: the
 * version follows the first `-` where the text before it normalises to the
 * project's name (pip's rule, so `python-dateutil-2.8.2.tar.gz` works, and
 * PEP 625 names such as `jupyterlab_widgets-3.0.17.tar.gz` too). Without a
 * project name an sdist's version is what follows the last `-`.
 */
export function parseDistributionFilename(filename: string, projectName?: string): DistributionFilename {
  const expectedName = projectName === undefined ? undefined : normalizeName('PyPI', projectName);
  const lower = filename.toLowerCase();
  if (lower.endsWith('.whl')) {
    const parts = filename.slice(0, -4).split('-');
    if (parts.length !== 5 && parts.length !== 6) return { kind: 'wheel', version: null, wheel: null };
    const [name, version] = parts as [string, string];
    const [python, abi, platform] = parts.slice(-3) as [string, string, string];
    const wheel: WheelTags = {
      build: parts.length === 6 ? parts[2]! : null,
      python: python.split('.'),
      abi: abi.split('.'),
      platform: platform.split('.'),
    };
    const sameProject = expectedName === undefined || normalizeName('PyPI', name) === expectedName;
    return { kind: 'wheel', version: sameProject ? parsedVersion(version.replaceAll('_', '-')) : null, wheel };
  }
  const extension = SDIST_EXTENSIONS.find((candidate) => lower.endsWith(candidate));
  if (extension === undefined) return { kind: 'other', version: null, wheel: null };
  const stem = filename.slice(0, -extension.length);
  if (expectedName === undefined) {
    const dash = stem.lastIndexOf('-');
    return { kind: 'sdist', version: dash > 0 ? parsedVersion(stem.slice(dash + 1)) : null, wheel: null };
  }
  for (let dash = stem.indexOf('-'); dash !== -1; dash = stem.indexOf('-', dash + 1)) {
    if (normalizeName('PyPI', stem.slice(0, dash)) === expectedName) {
      return { kind: 'sdist', version: parsedVersion(stem.slice(dash + 1)), wheel: null };
    }
  }
  return { kind: 'sdist', version: null, wheel: null };
}

// ---------------------------------------------------------------------------
// Converting API records

function resolveUrl(url: string, base: string): string | null {
  if (!URL.canParse(url, base)) return null;
  const resolved = new URL(url, base);
  resolved.hash = '';
  return resolved.href;
}

function coreMetadataOf(...flags: (SimpleFile['core-metadata'] | null)[]): PypiFile['coreMetadata'] {
  // PEP 714: `core-metadata` wins over the older `dist-info-metadata` name.
  const flag = flags.find((candidate) => candidate !== undefined && candidate !== null);
  if (flag === undefined || flag === null || flag === false) return null;
  return { hashes: flag === true ? {} : lowerCaseKeys(flag) };
}

function lowerCaseKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name.toLowerCase(), value]));
}

function simpleFileToPypiFile(record: SimpleFile, pageUrl: string, projectName: string): PypiFile | null {
  const url = resolveUrl(record.url, pageUrl);
  if (url === null) return null;
  const yanked = record.yanked ?? false;
  return {
    filename: record.filename,
    url,
    hashes: lowerCaseKeys(record.hashes),
    requiresPython: record['requires-python']?.trim() || null,
    yanked: yanked !== false,
    yankedReason: typeof yanked === 'string' && yanked.trim() !== '' ? yanked : null,
    uploadTime: record['upload-time'] ?? null,
    size: record.size ?? null,
    coreMetadata: coreMetadataOf(record['core-metadata'], record['dist-info-metadata']),
    provenanceUrl: record.provenance ? resolveUrl(record.provenance, pageUrl) : null,
    provenanceKnown: record.provenance !== undefined,
    ...parseDistributionFilename(record.filename, projectName),
  };
}

function jsonApiFileToPypiFile(record: JsonApiFile, pageUrl: string, projectName: string): PypiFile | null {
  const url = resolveUrl(record.url, pageUrl);
  if (url === null) return null;
  return {
    filename: record.filename,
    url,
    hashes: lowerCaseKeys(record.digests),
    requiresPython: record.requires_python?.trim() || null,
    yanked: record.yanked ?? false,
    yankedReason: record.yanked && record.yanked_reason?.trim() ? record.yanked_reason : null,
    uploadTime: record.upload_time_iso_8601 ?? null,
    size: record.size ?? null,
    coreMetadata: coreMetadataOf(record['core-metadata'], record['data-dist-info-metadata']),
    provenanceUrl: record.provenance ? resolveUrl(record.provenance, pageUrl) : null,
    provenanceKnown: record.provenance !== undefined,
    ...parseDistributionFilename(record.filename, projectName),
  };
}

// ---------------------------------------------------------------------------
// Helpers

function contentTypeOf(response: HttpResponse): { mediaType: string; charset: string | null } {
  const [mediaType = '', ...parameters] = (response.headers['content-type'] ?? '').split(';');
  const charset = parameters.map((parameter) => /^\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(parameter)?.[1]).find((value) => value !== undefined);
  return { mediaType: mediaType.trim().toLowerCase(), charset: charset ?? null };
}

function decodeText(body: Buffer, charset: string | null): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

function parseJsonBody(response: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(response.body.toString('utf8')) as unknown;
  } catch (error) {
    throw new ChainwatchError('parse-error', `${what} is not JSON: ${(error as Error).message}`, { location: { path: redactUrl(response.url) }, cause: error });
  }
}

function isJsonAnswer(response: HttpResponse): boolean {
  return contentTypeOf(response).mediaType.includes('json');
}

type JsonApiProject = z.output<typeof JsonApiProjectSchema>;

function readJsonApi(response: HttpResponse): JsonApiProject {
  const parsed = JsonApiProjectSchema.safeParse(parseJsonBody(response, 'the JSON API answer'));
  if (!parsed.success) {
    throw new ChainwatchError('parse-error', `not a PyPI JSON API answer: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
      location: { path: redactUrl(response.url) },
    });
  }
  return parsed.data;
}

/** What a captive portal, a login page or a mirror's error page looks like from here. */
export const NOT_A_PROJECT_PAGE = 'answered an HTML page where JSON was expected: a captive portal or a misconfigured mirror?';

/** File names a PEP 503 page lists: wheels, sdists, and the older eggs and installers. */
const DISTRIBUTION_FILE = /\.(?:whl|egg|exe|msi|rpm|dmg|zip|tar|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar\.z)$/i;

/**
 * Whether an HTML answer is a PEP 503 project page: it declares its API
 * version, or links at least one distribution file, or (a project whose
 * files are all gone) links nothing and has no form, script or refresh. A
 * page with only other links, a form or a script is someone else's page.
 */
export function isProjectHtml(html: string, page: { apiVersion: string | null; files: ReadonlyArray<{ filename: string }> }): boolean {
  if (page.apiVersion !== null) return true;
  if (page.files.some((file) => DISTRIBUTION_FILE.test(file.filename))) return true;
  return page.files.length === 0 && !/<(?:form|script|iframe)\b/i.test(html) && !/http-equiv\s*=\s*["']?refresh/i.test(html);
}

/** A ChainwatchError from reading an answer, as the reason the HTTP layer gives after the URL. */
function answerProblem(error: ChainwatchError): string {
  return error.message.startsWith('answered ') ? error.message : `answered something that could not be read: ${error.message}`;
}

function isAbsent(status: number): boolean {
  return status === 404 || status === 410;
}

/** The hashes of `.metadata` we can check; true when none can be checked. */
function hashesMatch(body: Buffer, hashes: Record<string, string>): boolean {
  const available = new Set(getHashes().map((name) => name.toLowerCase()));
  for (const [algorithm, expected] of Object.entries(hashes)) {
    if (!available.has(algorithm)) continue;
    if (createHash(algorithm).update(body).digest('hex') !== expected.toLowerCase()) return false;
  }
  return true;
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/i;
/** Directories kept per registry, so listFiles() then readMember() read the central directory once. */
const DIRECTORY_CACHE_ENTRIES = 32;
/** Range answers kept in memory for later reads of the same wheel; larger ones (big members) are not. */
const KEPT_CHUNK_BYTES = 1024 * 1024;
/** Sdists larger than this are not downloaded for a PKG-INFO. */
const MAX_SDIST_DOWNLOAD_BYTES = 64 * 1024 * 1024;
/** A range request that a server answers with the whole file: the largest wheels are hundreds of megabytes. */
const MAX_WHOLE_FILE_BYTES = 1024 * 1024 * 1024;
/** Downloads of whole files (sdists, wheels from servers without ranges) may take longer than API answers. */
const WHOLE_FILE_DEADLINE_MS = 600_000;

/** Core metadata is RFC 822-style headers, Metadata-Version among the first of them. */
function looksLikeCoreMetadata(body: Buffer): boolean {
  return /^Metadata-Version\s*:/im.test(body.toString('utf8', 0, 4096));
}

/** The first bytes of each archive format an sdist comes in (a plain tar has none at its start). */
const ARCHIVE_SIGNATURES: Record<SdistFormat, readonly number[] | null> = { 'tar.gz': [0x1f, 0x8b], zip: [0x50, 0x4b], tar: null };

function hasArchiveSignature(body: Buffer, format: SdistFormat): boolean {
  const expected = ARCHIVE_SIGNATURES[format];
  if (expected === null) return true;
  return expected.every((byte, index) => body[index] === byte);
}

interface Chunk {
  start: number;
  bytes: Buffer;
}

interface RemoteZip {
  source: ByteSource;
  directory: ZipDirectory;
}

/** Fields whose absence in a pre-PEP 643 sdist (or a Dynamic one) says nothing. */
const SDIST_UNCERTAIN_FIELDS = ['requires-dist', 'requires-python', 'provides-extra'] as const;

/** What of a file's core metadata can be trusted: all of a wheel's; of an sdist's, what PEP 643 (2.2+) says is static. */
function assessMetadata(metadata: CoreMetadata, filename: string): Pick<PypiMetadataResult, 'dependencies' | 'unknown'> {
  let uncertain: string[] = [];
  let reason = '';
  if (parseDistributionFilename(filename).kind !== 'wheel') {
    const version = metadataVersionParts(metadata.metadataVersion);
    const reliable = version !== null && (version[0] > 2 || (version[0] === 2 && version[1] >= 2));
    if (!reliable) {
      uncertain = [...SDIST_UNCERTAIN_FIELDS];
      reason = `PKG-INFO metadata version ${metadata.metadataVersion ?? '(none)'} predates PEP 643: an sdist's Requires-Dist is only a hint before 2.2`;
    } else {
      uncertain = SDIST_UNCERTAIN_FIELDS.filter((field) => metadata.dynamic.includes(field));
      reason = 'the sdist marks Requires-Dist as Dynamic (computed at build time)';
    }
  }
  if (uncertain.includes('requires-dist')) return { dependencies: unknown(reason), unknown: uncertain };
  if (metadata.invalidRequiresDist.length > 0) {
    return {
      dependencies: unknown(`${metadata.invalidRequiresDist.length} Requires-Dist line(s) are not PEP 508: ${metadata.invalidRequiresDist[0]!.text}`),
      unknown: [...uncertain, 'requires-dist'],
    };
  }
  return { dependencies: known(metadata.requiresDist), unknown: uncertain };
}

/** A 200 answer to a project page request, read; a ChainwatchError located at its URL when it is none. */
export function readProjectPage(response: HttpResponse, normalized: string): PypiProjectPage {
  const { mediaType, charset } = contentTypeOf(response);
  const location = { path: redactUrl(response.url) };

  if (mediaType === 'application/vnd.pypi.simple.v1+json') {
    const parsed = SimpleProjectSchema.safeParse(parseJsonBody(response, 'the project page'));
    if (!parsed.success) {
      throw new ChainwatchError('parse-error', `not a PEP 691 project page: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { location });
    }
    checkApiVersion(parsed.data.meta['api-version'], location.path);
    return {
      name: parsed.data.name,
      url: response.url,
      format: 'json',
      apiVersion: parsed.data.meta['api-version'],
      files: parsed.data.files.flatMap((file) => simpleFileToPypiFile(file, response.url, normalized) ?? []),
      versions: parsed.data.versions ?? null,
    };
  }
  if (mediaType === 'application/vnd.pypi.simple.v1+html' || mediaType === 'text/html') {
    const html = decodeText(response.body, charset);
    const page = parseSimpleHtml(html, response.url);
    if (page.apiVersion !== null) checkApiVersion(page.apiVersion, location.path);
    if (!isProjectHtml(html, page)) throw new ChainwatchError('parse-error', NOT_A_PROJECT_PAGE, { location });
    return {
      name: normalized,
      url: response.url,
      format: 'html',
      apiVersion: page.apiVersion,
      files: page.files.flatMap((file) => simpleFileToPypiFile(file, response.url, normalized) ?? []),
      versions: null,
    };
  }
  throw new ChainwatchError('unsupported-format', `the project page came as ${mediaType || 'no content type'}, not PEP 691 JSON or PEP 503 HTML`, { location });
}

/** PEP 629: a client must refuse a major version it does not know. */
function checkApiVersion(version: string, path: string): void {
  if (!/^1(?:\.\d+)*$/.test(version.trim())) {
    throw new ChainwatchError('unsupported-format', `Simple API version ${version} is not supported (only 1.x)`, { location: { path } });
  }
}

/**
 * The check the HTTP layer runs on a project page before caching it: `true`
 * when it can be read (or is in a Simple API version this client refuses,
 * which is an answer all the same), else why not.
 */
export function checkProjectPage(response: HttpResponse, normalized: string): true | string {
  try {
    readProjectPage(response, normalized);
    return true;
  } catch (error) {
    return projectPageVerdict(error);
  }
}

function projectPageVerdict(error: unknown): true | string {
  if (!(error instanceof ChainwatchError)) throw error;
  if (error.code === 'unsupported-format' && error.message.startsWith('Simple API version')) return true;
  return answerProblem(error);
}

// ---------------------------------------------------------------------------
// The client

export function createPypiRegistry(options: PypiRegistryOptions): PypiRegistry {
  const { http } = options;
  const source = options.source ?? 'pypi';
  const indexUrl = options.indexUrl.endsWith('/') ? options.indexUrl : `${options.indexUrl}/`;
  const indexOrigin = new URL(indexUrl).origin;
  // PyPI (and warehouse-like indexes) serve the JSON API beside /simple/; other mirrors do not.
  const jsonApiRoot = /\/simple\/$/.test(new URL(indexUrl).pathname) ? indexUrl.replace(/simple\/$/, 'pypi/') : null;
  const pages = new Map<string, Promise<PypiProjectPage | null>>();
  const directories = new Map<string, Promise<RemoteZip | null>>();

  function headersFor(url: string, headers: Record<string, string> = {}): Record<string, string> {
    // Credentials go to the index's own origin only (files may be on another host), as pip does.
    if (options.authorization && new URL(url).origin === indexOrigin) return { ...headers, authorization: options.authorization };
    return headers;
  }

  function unexpectedStatus(response: HttpResponse, what: string): HostError {
    return new HostError(source, `${redactUrl(response.url)} answered HTTP ${response.status} for ${what}`, {
      status: response.status,
      retryable: false,
    });
  }

  async function fetchProject(name: string): Promise<PypiProjectPage | null> {
    const normalized = normalizeName('PyPI', name);
    const url = new URL(`${encodeURIComponent(normalized)}/`, indexUrl).href;
    // Read before the HTTP layer caches it, so a page that is not a project page is never kept; read once.
    let page: PypiProjectPage | undefined;
    const response = await http.get({
      url,
      headers: headersFor(url, { accept: SIMPLE_ACCEPT }),
      source,
      cache: 'revalidate',
      validate: (answer) => {
        try {
          page = readProjectPage(answer, normalized);
          return true;
        } catch (error) {
          return projectPageVerdict(error);
        }
      },
    });
    if (isAbsent(response.status)) return null;
    if (response.status !== 200) throw unexpectedStatus(response, `the project page of ${normalized}`);
    return page ?? readProjectPage(response, normalized);
  }

  async function fetchJsonApi(url: string, projectName: string): Promise<PypiJsonProject | null> {
    let checked: JsonApiProject | undefined;
    const response = await http.get({
      url,
      headers: headersFor(url, { accept: 'application/json' }),
      source,
      cache: 'revalidate',
      validate: (answer) => {
        // "Not served" (below) is an answer for this run, but not one to keep: it may be a captive portal's page.
        if (!isJsonAnswer(answer)) return { cache: false };
        try {
          checked = readJsonApi(answer);
          return true;
        } catch (error) {
          if (!(error instanceof ChainwatchError)) throw error;
          return answerProblem(error);
        }
      },
    });
    if (isAbsent(response.status)) return null;
    if (response.status !== 200) throw unexpectedStatus(response, `the JSON API of ${projectName}`);
    // A mirror without the JSON API may answer its own HTML page here: that is "not served", not an error.
    if (!isJsonAnswer(response)) return null;
    const project = checked ?? readJsonApi(response);
    const { info, releases, urls } = project;
    const toFiles = (files: JsonApiFile[]): PypiFile[] => files.flatMap((file) => jsonApiFileToPypiFile(file, response.url, projectName) ?? []);
    return {
      url: response.url,
      info: {
        name: info.name,
        version: info.version,
        summary: metadataValue(info.summary),
        license: metadataValue(info.license),
        licenseExpression: metadataValue(info.license_expression),
        licenseFiles: info.license_files ?? [],
        classifiers: info.classifiers ?? [],
        projectUrls: Object.entries(info.project_urls ?? {}).map(([label, projectUrl]) => ({ label, url: projectUrl })),
        homePage: metadataValue(info.home_page),
        downloadUrl: metadataValue(info.download_url),
        author: metadataValue(info.author),
        authorEmail: metadataValue(info.author_email),
        maintainer: metadataValue(info.maintainer),
        maintainerEmail: metadataValue(info.maintainer_email),
        requiresPython: metadataValue(info.requires_python),
        requiresDist: info.requires_dist ?? null,
        providesExtra: info.provides_extra ?? [],
        yanked: info.yanked ?? false,
        yankedReason: metadataValue(info.yanked_reason),
      },
      releases: releases === undefined ? null : Object.entries(releases).map(([version, files]) => ({ version, files: toFiles(files) })),
      files: toFiles(urls),
      lastSerial: project.last_serial ?? null,
    };
  }

  // --- range reads -----------------------------------------------------------

  interface RangeAnswer {
    /** Where `bytes` starts in the file. */
    start: number;
    bytes: Buffer;
    /** The file's total size, when the answer says. */
    total: number | null;
  }

  /** GET bytes [start, endInclusive]; null when the file is absent. A 200 is the whole file (the server ignored Range). */
  async function fetchRange(url: string, start: number, endInclusive: number): Promise<RangeAnswer | null> {
    const response = await http.get({
      url,
      headers: headersFor(url),
      source,
      cache: 'prefer-cache',
      range: { start, end: endInclusive },
      // A server that ignores Range sends the whole wheel: allow a big one, not an endless one.
      maxBytes: MAX_WHOLE_FILE_BYTES,
      deadlineMs: WHOLE_FILE_DEADLINE_MS,
      // A whole file in answer must be a zip; anything else (a portal's page) is not kept.
      validate: (answer) => (answer.body.subarray(0, 2).toString('latin1') === 'PK' ? true : { cache: false }),
    });
    if (isAbsent(response.status)) return null;
    if (response.status === 200) return { start: 0, bytes: response.body, total: response.body.length };
    if (response.status !== 206) throw unexpectedStatus(response, `bytes ${start}-${endInclusive}`);
    const range = CONTENT_RANGE.exec(response.headers['content-range']?.trim() ?? '');
    if (!range) throw new HostError(source, `${redactUrl(response.url)} answered 206 without a usable Content-Range`, { status: 206 });
    return { start: Number(range[1]), bytes: response.body, total: range[3] === '*' ? null : Number(range[3]) };
  }

  /** A ByteSource over HTTP ranges that keeps what it fetched and asks only for what it lacks. */
  function httpByteSource(url: string, size: number, first: RangeAnswer): ByteSource {
    const chunks: Chunk[] = [{ start: first.start, bytes: first.bytes }];
    return {
      size,
      async read(start, end) {
        if (end <= start) return Buffer.alloc(0);
        const within = chunks.find((chunk) => chunk.start <= start && end <= chunk.start + chunk.bytes.length);
        if (within) return within.bytes.subarray(start - within.start, end - within.start);
        // When a kept chunk already covers the end (the tail), fetch only the part before it.
        const tail = chunks.find((chunk) => chunk.start > start && chunk.start < end && end <= chunk.start + chunk.bytes.length);
        const fetchEnd = tail ? tail.start : end;
        const answer = await fetchRange(url, start, fetchEnd - 1);
        if (answer === null) throw new HostError(source, `${redactUrl(url)} disappeared while being read`, { status: 404 });
        if (answer.bytes.length > 0 && answer.bytes.length <= KEPT_CHUNK_BYTES) chunks.push({ start: answer.start, bytes: answer.bytes });
        const head = answer.bytes.subarray(start - answer.start, fetchEnd - answer.start);
        if (answer.start > start || head.length < fetchEnd - start) {
          throw new HostError(source, `${redactUrl(url)} answered bytes from ${answer.start} (${answer.bytes.length}) for ${start}-${fetchEnd - 1}`, { status: 206 });
        }
        return tail ? Buffer.concat([head, tail.bytes.subarray(0, end - tail.start)]) : head;
      },
    };
  }

  async function openRemoteZip(url: string, sizeHint: number | null): Promise<RemoteZip | null> {
    let size = sizeHint !== null && sizeHint > 0 ? sizeHint : null;
    let first: RangeAnswer | null = null;
    if (size === null) {
      // Without a size from the index, one byte tells it (Content-Range: bytes 0-0/<size>).
      const probe = await fetchRange(url, 0, 0);
      if (probe === null) return null;
      size = probe.total ?? probe.bytes.length;
      // A server that ignores Range has just sent the whole file.
      if (probe.start === 0 && probe.bytes.length === size) first = probe;
    }
    first ??= await fetchRange(url, Math.max(0, size - ZIP_TAIL_BYTES), size - 1);
    if (first === null) return null;
    if (first.total !== null && first.total !== size) {
      // The index's size was wrong: read the real tail.
      size = first.total;
      first = await fetchRange(url, Math.max(0, size - ZIP_TAIL_BYTES), size - 1);
      if (first === null) return null;
    }
    const zipSource = httpByteSource(url, size, first);
    const directory = await readZipDirectory(zipSource, redactUrl(url));
    if (!directory.ok) throw directory.error;
    return { source: zipSource, directory: directory.value };
  }

  function remoteZip(wheel: string | DistributionFileRef): Promise<RemoteZip | null> {
    const url = typeof wheel === 'string' ? wheel : wheel.url;
    let opened = directories.get(url);
    if (!opened) {
      opened = openRemoteZip(url, typeof wheel === 'string' ? null : (wheel.size ?? null));
      opened.catch(() => directories.delete(url));
      directories.set(url, opened);
      if (directories.size > DIRECTORY_CACHE_ENTRIES) directories.delete(directories.keys().next().value!);
    }
    return opened;
  }

  async function readMember(wheel: string | DistributionFileRef, memberName: string): Promise<Buffer | null> {
    const zip = await remoteZip(wheel);
    if (zip === null) return null;
    const entry = zip.directory.entries.find((candidate) => candidate.name === memberName);
    if (!entry) return null;
    const content = await readZipMember(zip.source, zip.directory, entry, redactUrl(typeof wheel === 'string' ? wheel : wheel.url));
    if (!content.ok) throw content.error;
    return content.value;
  }

  // --- metadata ---------------------------------------------------------------

  function resultFrom(sourceKind: Exclude<MetadataSource, 'unknown'>, body: Buffer, file: DistributionFileRef, notes: string[]): PypiMetadataResult {
    const path = sourceKind === 'pep658' ? `${redactUrl(file.url)}.metadata` : `${redactUrl(file.url)}!/${sourceKind === 'wheel' ? 'METADATA' : 'PKG-INFO'}`;
    const metadata = parseCoreMetadata(body.toString('utf8'), path);
    return { source: sourceKind, metadata, ...assessMetadata(metadata, file.filename), notes };
  }

  function unknownResult(notes: string[], reason: string): PypiMetadataResult {
    return { source: 'unknown', metadata: null, dependencies: unknown(reason), unknown: 'all', notes };
  }

  async function fromPep658(file: DistributionFileRef, notes: string[]): Promise<PypiMetadataResult | null> {
    const url = `${file.url}.metadata`;
    // Immutable (its hash is on the page), so a cached copy needs no revalidation; only one that matches it is kept.
    const response = await http.get({
      url,
      headers: headersFor(url),
      source,
      cache: 'prefer-cache',
      validate: (answer) => (looksLikeCoreMetadata(answer.body) && (!file.coreMetadata || hashesMatch(answer.body, file.coreMetadata.hashes)) ? true : { cache: false }),
    });
    if (response.status !== 200) {
      notes.push(`${file.filename}.metadata answered HTTP ${response.status}`);
      return null;
    }
    if (file.coreMetadata && !hashesMatch(response.body, file.coreMetadata.hashes)) {
      notes.push(`${file.filename}.metadata does not match the hash the index gave for it`);
      return null;
    }
    return resultFrom('pep658', response.body, file, notes);
  }

  async function fromWheel(file: DistributionFileRef, notes: string[]): Promise<PypiMetadataResult | null> {
    let zip: RemoteZip | null;
    try {
      zip = await remoteZip(file);
    } catch (error) {
      if (!(error instanceof ChainwatchError) || error instanceof HostError) throw error;
      notes.push(`${file.filename}: ${error.message}`);
      return null;
    }
    if (zip === null) {
      notes.push(`${file.filename} answered HTTP 404`);
      return null;
    }
    const entry = findWheelMetadataEntry(zip.directory, file.filename);
    if (!entry) {
      notes.push(`${file.filename} has no .dist-info/METADATA`);
      return null;
    }
    const content = await readZipMember(zip.source, zip.directory, entry, redactUrl(file.url));
    if (!content.ok) {
      notes.push(`${file.filename}: ${content.error.message}`);
      return null;
    }
    return resultFrom('wheel', content.value, file, notes);
  }

  async function fromSdist(file: DistributionFileRef, notes: string[]): Promise<PypiMetadataResult | null> {
    const format = sdistFormatOf(file.filename);
    if (format === null) {
      notes.push(`${file.filename}: PKG-INFO is not read from this archive format`);
      return null;
    }
    if (file.size != null && file.size > MAX_SDIST_DOWNLOAD_BYTES) {
      notes.push(`${file.filename}: ${file.size} bytes is more than the ${MAX_SDIST_DOWNLOAD_BYTES} downloaded for a PKG-INFO`);
      return null;
    }
    const response = await http.get({
      url: file.url,
      headers: headersFor(file.url),
      source,
      cache: 'prefer-cache',
      maxBytes: MAX_SDIST_DOWNLOAD_BYTES,
      deadlineMs: WHOLE_FILE_DEADLINE_MS,
      // Kept only when it is the archive it is named after (a portal's page is read once, and noted).
      validate: (answer) => (hasArchiveSignature(answer.body, format) ? true : { cache: false }),
    });
    if (response.status !== 200) {
      notes.push(`${file.filename} answered HTTP ${response.status}`);
      return null;
    }
    const pkgInfo = readSdistPkgInfo(response.body, format, redactUrl(file.url));
    if (!pkgInfo.ok) {
      notes.push(`${file.filename}: ${pkgInfo.error.message}`);
      return null;
    }
    if (pkgInfo.value === null) {
      notes.push(`${file.filename} has no top-level PKG-INFO`);
      return null;
    }
    return resultFrom('sdist', Buffer.from(pkgInfo.value, 'utf8'), file, notes);
  }

  async function metadata(file: DistributionFileRef): Promise<PypiMetadataResult> {
    const notes: string[] = [];
    const kind = parseDistributionFilename(file.filename).kind;
    if (file.coreMetadata || (options.probeCoreMetadata && kind === 'wheel')) {
      const found = await fromPep658(file, notes);
      if (found) return found;
    }
    if (kind === 'wheel') return (await fromWheel(file, notes)) ?? unknownResult(notes, 'the wheel\'s METADATA could not be read');
    if (kind === 'sdist') return (await fromSdist(file, notes)) ?? unknownResult(notes, 'the sdist\'s PKG-INFO could not be read');
    return unknownResult(notes, `${file.filename} is neither a wheel nor an sdist`);
  }

  return {
    indexUrl,
    project(name) {
      const key = normalizeName('PyPI', name);
      let page = pages.get(key);
      if (!page) {
        page = fetchProject(key);
        page.catch(() => pages.delete(key));
        pages.set(key, page);
      }
      return page;
    },
    metadata,
    async projectJson(name) {
      if (jsonApiRoot === null) return null;
      const normalized = normalizeName('PyPI', name);
      return fetchJsonApi(new URL(`${encodeURIComponent(normalized)}/json`, jsonApiRoot).href, normalized);
    },
    async releaseJson(name, version) {
      if (jsonApiRoot === null) return null;
      const normalized = normalizeName('PyPI', name);
      return fetchJsonApi(new URL(`${encodeURIComponent(normalized)}/${encodeURIComponent(version)}/json`, jsonApiRoot).href, normalized);
    },
    async listFiles(wheel) {
      const zip = await remoteZip(wheel);
      return zip === null ? null : zip.directory.entries.map((entry) => entry.name);
    },
    readMember,
  };
}
