import type { CoreMetadata } from '../../ecosystems/pypi/wheel-metadata.js';
import type { PackageRelease } from '../resolver.js';
import type { MetadataSignals, ProjectSummary, StoredFile, StoredRelease } from './summary-store.js';

/**
 * The trimmed form of a project page kept in the HTTP cache (the `keep`
 * option of src/http), and the signals' reading of pages and metadata shared
 * by the page reader, the index and the adapter.
 *
 * The form is text: a header line, `H TAB history-JSON TAB exact TAB base`,
 * then one line per release, `version TAB earliest-upload TAB files-JSON`
 * (JSON text never holds a raw tab or newline), so reading a project splits
 * lines instead of parsing thousands of nested JSON strings; each release's
 * files are parsed only when the resolver looks at that release (it
 * considers a few hundred of the thousands a resolution loads), the history
 * only when the signals ask. Files are arrays. Most of the bytes are URLs: a
 * URL that ends with the file name is kept without it, and one that starts
 * with the page's `base` (the files host and first path segment of its
 * first file) as `~` and the rest. Not compressed: inflating cost more than
 * reading the text (15 MB for the Jupyter preset's 66 000 files, 12 MB with
 * the base taken out).
 */

/** The form's name and version, part of the HTTP cache key: a new layout gets a new name. */
export const PROJECT_SUMMARY_FORM = 'pypi-project-summary/1';

export type PackedFile = [filename: string, url: string, yanked: 0 | 1, requiresPython: string | null, uploadTime: string | null, size: number | null, coreMetadata: 0 | 1];
type PackedRelease = [version: string, publishedAt: string | null, yanked: 0 | 1, provenance: 0 | 1 | null];

/** The part of a file URL most files of a page share: scheme, host and first path segment (`https://files.example/packages/`). */
export function urlBase(url: string | undefined): string {
  return (url === undefined ? null : /^https?:\/\/[^/?#]+\/[^/?#]+\//i.exec(url)?.[0]) ?? '';
}

/** One file as kept: an array; its URL without the file name when it ends with it, and as `~` and the rest when it starts with `base`. */
export function packFile(base: string, filename: string, url: string, yanked: boolean, requiresPython: string | null, uploadTime: string | null, size: number | null, coreMetadata: boolean): PackedFile {
  const directory = url.endsWith(filename) && url.charCodeAt(url.length - filename.length - 1) === 47 ? url.slice(0, -filename.length) : url;
  return [filename, base !== '' && directory.startsWith(base) ? `~${directory.slice(base.length)}` : directory, yanked ? 1 : 0, requiresPython, uploadTime, size, coreMetadata ? 1 : 0];
}

function unpackFiles(text: string, base: string): StoredFile[] {
  return (JSON.parse(text) as PackedFile[]).map(([filename, kept, yanked, requiresPython, uploadTime, size, coreMetadata]) => {
    const url = kept.startsWith('~') ? `${base}${kept.slice(1)}` : kept;
    return {
      filename,
      url: url.endsWith('/') ? `${url}${filename}` : url,
    yanked: yanked === 1,
    ...(requiresPython === null ? {} : { requiresPython }),
    ...(uploadTime === null ? {} : { uploadTime }),
    ...(size === null ? {} : { size }),
      ...(coreMetadata === 1 ? { coreMetadata: true } : {}),
    };
  });
}

/**
 * One release line. `packedFiles` is the files' JSON when the caller has it
 * already (the page reader packs as it reads), else the release's files are
 * packed here.
 */
function releaseLine(base: string, release: StoredRelease, packedFiles?: string): string {
  const files = packedFiles ?? JSON.stringify(release.files.map((file) => packFile(base, file.filename, file.url, file.yanked, file.requiresPython ?? null, file.uploadTime ?? null, file.size ?? null, file.coreMetadata === true)));
  return `${release.version}\t${release.earliestUpload ?? ''}\t${files}`;
}

/**
 * The stored form of a summary, URLs under `base` (urlBase() of one of its
 * files) kept short. `packedFiles(index)` may give a release's files' JSON
 * already made (with packFile and the same base).
 */
export function packProjectSummary(summary: ProjectSummary, base: string, packedFiles?: (index: number) => string | undefined): Buffer {
  const history = JSON.stringify(summary.history.map((release): PackedRelease => [release.version, release.publishedAt, release.yanked ? 1 : 0, release.provenance === null ? null : release.provenance ? 1 : 0]));
  const lines = [`H\t${history}\t${summary.exact ? 1 : 0}\t${base}`];
  summary.releases.forEach((release, index) => lines.push(releaseLine(base, release, packedFiles?.(index))));
  return Buffer.from(lines.join('\n'), 'utf8');
}

/** A stored form read back; null when it is not one (damaged: the page is asked for again). */
export function unpackProjectSummary(body: Buffer): ProjectSummary | null {
  const text = body.toString('utf8');
  const newline = text.indexOf('\n');
  const header = newline < 0 ? text : text.slice(0, newline);
  const headerParts = header.split('\t');
  if (headerParts.length !== 4 || headerParts[0] !== 'H' || (headerParts[2] !== '0' && headerParts[2] !== '1')) return null;
  const base = headerParts[3]!;
  const releases: StoredRelease[] = [];
  if (newline >= 0) {
    for (const line of text.slice(newline + 1).split('\n')) {
      const first = line.indexOf('\t');
      const second = line.indexOf('\t', first + 1);
      if (first < 0 || second < 0) return null;
      const files = line.slice(second + 1);
      let unpacked: StoredFile[] | undefined;
      releases.push({
        version: line.slice(0, first),
        earliestUpload: second === first + 1 ? null : line.slice(first + 1, second),
        get files() {
          unpacked ??= unpackFiles(files, base);
          return unpacked;
        },
      });
    }
  }
  const historyText = headerParts[1]!;
  let history: PackageRelease[] | undefined;
  return {
    releases,
    exact: headerParts[2] === '1',
    get history() {
      history ??= (JSON.parse(historyText) as PackedRelease[]).map(([version, publishedAt, yanked, provenance]) => ({
        version,
        publishedAt,
        yanked: yanked === 1,
        provenance: provenance === null ? null : provenance === 1,
      }));
      return history;
    },
  };
}

/**
 * The releases the signals read, built file by file in page order as the
 * registry client's files are read (graph/pypi/adapter.ts did it from the
 * whole page before): per PEP 440-normalized version, the first upload time
 * (as text, the smallest), yanked when every file is, provenance when some
 * file has a PEP 740 URL, none when the index stated it for every file.
 */
export function createHistoryBuilder(): {
  add(version: string, file: { uploadTime: string | null; yanked: boolean; hasProvenance: boolean; provenanceKnown: boolean }): void;
  releases(): PackageRelease[];
} {
  const byVersion = new Map<string, { publishedAt: string | null; yanked: boolean; someProvenance: boolean; allKnown: boolean }>();
  return {
    add(version, file) {
      const found = byVersion.get(version);
      if (!found) {
        byVersion.set(version, { publishedAt: file.uploadTime, yanked: file.yanked, someProvenance: file.hasProvenance, allKnown: file.provenanceKnown });
        return;
      }
      if (file.uploadTime !== null && (found.publishedAt === null || file.uploadTime < found.publishedAt)) found.publishedAt = file.uploadTime;
      found.yanked &&= file.yanked;
      found.someProvenance ||= file.hasProvenance;
      found.allKnown &&= file.provenanceKnown;
    },
    releases() {
      return [...byVersion].map(([version, release]) => ({
        version,
        publishedAt: release.publishedAt,
        yanked: release.yanked,
        // PEP 740: known only where the index stated it for every file (mirrors strip the key).
        provenance: release.someProvenance ? true : release.allKnown ? false : null,
      }));
    },
  };
}

/**
 * The SPDX expression (PEP 639) where given; else a one-line `License`; else
 * the licence classifiers. A `License` field holding the whole licence text
 * says nothing short.
 */
export function licenseOf(info: { licenseExpression: string | null; license: string | null; classifiers: string[] }): string | null {
  if (info.licenseExpression?.trim()) return info.licenseExpression.trim();
  const license = info.license?.trim();
  if (license && license !== 'UNKNOWN' && !license.includes('\n') && license.length <= 100) return license;
  const classifiers = info.classifiers.filter((classifier) => classifier.startsWith('License :: ')).map((classifier) => classifier.split(' :: ').at(-1)!);
  return classifiers.length > 0 ? classifiers.join(' AND ') : null;
}

/** What the signals read of a file's core metadata: its licence and the URLs that may name its repository. */
export function metadataSignals(metadata: CoreMetadata): MetadataSignals {
  return { license: licenseOf(metadata), repositoryUrls: [...metadata.projectUrls.map((entry) => entry.url), ...(metadata.homePage ? [metadata.homePage] : [])] };
}
