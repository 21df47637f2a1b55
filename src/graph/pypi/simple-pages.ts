import { z } from 'zod';
import { normalizeName } from '../../core/package.js';
import { checkProjectPage, parseDistributionFilename, SIMPLE_ACCEPT, type DistributionFileRef } from '../../ecosystems/pypi/registry.js';
import type { HttpClient, HttpResponse } from '../../http/types.js';
import type { StoredFile, StoredRelease } from './summary-store.js';

/**
 * A lean reading of PEP 691 project pages for the resolver. The registry
 * client turns every file of a page into a full record (schema-checked,
 * version parsed, URL resolved): for the Jupyter preset that is 66 000 files
 * and about 0.7 s of CPU, more than uv needs for the whole resolution, while
 * the resolver reads five fields of the few hundred files it considers. Here
 * the page is parsed once, each file is checked by hand and grouped by the
 * version in its name, and a file becomes a record only when its release is
 * considered. The request is the registry client's own (same URL and Accept
 * header), so both share the HTTP cache; anything but a PEP 691 JSON page
 * (HTML, an odd status) is left to the registry client.
 */

const SimplePageEnvelopeSchema = z.object({
  meta: z.object({ 'api-version': z.string() }),
  files: z.array(z.unknown()),
});

type Envelope = z.output<typeof SimplePageEnvelopeSchema>;

const PEP_691_JSON = 'application/vnd.pypi.simple.v1+json';

function mediaTypeOf(response: HttpResponse): string {
  return (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** A PEP 691 page of API version 1.x, its files not yet looked at; null for anything else. */
function readEnvelope(body: Buffer): Envelope | null {
  try {
    const parsed = SimplePageEnvelopeSchema.safeParse(JSON.parse(body.toString('utf8')));
    return parsed.success && /^1(?:\.\d+)*$/.test(parsed.data.meta['api-version'].trim()) ? parsed.data : null;
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
  /** Releases of a project; null when the index has none; 'other' when the page is not PEP 691 JSON (ask the registry client). */
  read(name: string): Promise<StoredRelease[] | null | 'other'>;
  /** What the registry client's metadata() needs of a file this reader handed out. */
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

function rawFile(entry: unknown): RawFile | null {
  if (!entry || typeof entry !== 'object') return null;
  const record = entry as Record<string, unknown>;
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

const SDIST = /\.(?:tar\.gz|tar\.bz2|tar\.xz|tar\.z|tgz|tbz|txz|tar|zip)$/i;

/** The version in a distribution's file name, as written; null for what is neither a wheel nor an sdist. */
function versionInFilename(filename: string, project: string): string | null {
  if (/\.whl$/i.test(filename)) {
    const parts = filename.slice(0, -4).split('-');
    return parts.length === 5 || parts.length === 6 ? parts[1]! : null;
  }
  if (!SDIST.test(filename)) return null;
  return parseDistributionFilename(filename, project).version?.text ?? null;
}

/**
 * A page's releases: its files grouped by version (in page order, files
 * `versionOf` cannot place left out), each with its earliest upload time. A
 * release's files go through `convert` when first read: most never are.
 */
export function groupReleases<File extends { uploadTime: string | null }>(
  files: Iterable<File>,
  versionOf: (file: File) => string | null,
  convert: (files: readonly File[]) => StoredFile[],
): StoredRelease[] {
  const groups = new Map<string, { files: File[]; earliest: number; earliestUpload: string | null }>();
  for (const file of files) {
    const version = versionOf(file);
    if (version === null) continue;
    let group = groups.get(version);
    if (!group) groups.set(version, (group = { files: [], earliest: Number.POSITIVE_INFINITY, earliestUpload: null }));
    group.files.push(file);
    const uploaded = file.uploadTime ? Date.parse(file.uploadTime) : Number.NaN;
    if (uploaded < group.earliest) {
      group.earliest = uploaded;
      group.earliestUpload = file.uploadTime;
    }
  }
  return [...groups].map(([version, group]): StoredRelease => {
    let converted: StoredFile[] | undefined;
    return {
      version,
      earliestUpload: group.earliestUpload,
      get files() {
        return (converted ??= convert(group.files));
      },
    };
  });
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

  return {
    async read(name) {
      const project = normalizeName('PyPI', name);
      const url = new URL(`${encodeURIComponent(project)}/`, options.indexUrl).href;
      const headers: Record<string, string> = { accept: SIMPLE_ACCEPT };
      if (options.authorization && new URL(url).origin === indexOrigin) headers.authorization = options.authorization;
      // The registry client's request (same URL and Accept), so the same check before caching: a page that is
      // not a project page is never kept. A lean JSON page is read here once; anything else the registry client judges.
      let checked: Envelope | null | undefined;
      const response = await options.http.get({
        url,
        headers,
        source,
        cache: 'revalidate',
        validate: (answer) => {
          if (mediaTypeOf(answer) === PEP_691_JSON) {
            checked = readEnvelope(answer.body);
            if (checked !== null) return true;
          }
          return checkProjectPage(answer, project);
        },
      });
      if (response.status === 404 || response.status === 410) return null;
      if (response.status !== 200 || mediaTypeOf(response) !== PEP_691_JSON) return 'other';
      const envelope = checked === undefined ? readEnvelope(response.body) : checked;
      if (envelope === null) return 'other';
      const page = response.url;
      return groupReleases(
        envelope.files.flatMap((entry) => rawFile(entry) ?? []),
        (file) => versionInFilename(file.filename, project),
        (files) =>
          files.flatMap((file) => {
            const fileUrl = absolute(file.url, page);
            if (fileUrl === null) return [];
            const stored: StoredFile = {
              filename: file.filename,
              url: fileUrl,
              yanked: file.yanked,
              ...(file.requiresPython ? { requiresPython: file.requiresPython } : {}),
              ...(file.uploadTime ? { uploadTime: file.uploadTime } : {}),
              ...(file.size === null ? {} : { size: file.size }),
              ...(file.coreMetadata ? { coreMetadata: true } : {}),
            };
            origins.set(stored, { filename: file.filename, url: fileUrl, size: file.size, coreMetadata: file.coreMetadata });
            return [stored];
          }),
      );
    },
    fileRef(file) {
      return origins.get(file);
    },
  };
}
