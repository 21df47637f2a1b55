import zlib from 'node:zlib';
import { unzipSync } from 'fflate';
import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import { parseRequirement, type Pep508Requirement } from './requirement.js';

/**
 * Getting core metadata out of distribution files: the RFC 822-style
 * METADATA / PKG-INFO text, a wheel's zip read piece by piece (so a wheel's
 * METADATA or one labextension file costs two small range requests, not the
 * whole wheel), and an sdist's PKG-INFO from its tar or zip.
 */

// ---------------------------------------------------------------------------
// Core metadata (https://packaging.python.org/specifications/core-metadata/)

export interface ProjectUrl {
  label: string;
  url: string;
}

export interface InvalidRequirement {
  text: string;
  error: ChainwatchError;
}

export interface CoreMetadata {
  metadataVersion: string | null;
  name: string | null;
  version: string | null;
  summary: string | null;
  requiresPython: string | null;
  /** `Requires-Dist`, each parsed once with parseRequirement. */
  requiresDist: Pep508Requirement[];
  /** `Requires-Dist` lines that are not PEP 508, with the parser's error. */
  invalidRequiresDist: InvalidRequirement[];
  providesExtra: string[];
  license: string | null;
  /** PEP 639 SPDX expression (metadata 2.4). */
  licenseExpression: string | null;
  licenseFiles: string[];
  classifiers: string[];
  /** `Project-URL: Label, https://…` in order. */
  projectUrls: ProjectUrl[];
  homePage: string | null;
  downloadUrl: string | null;
  author: string | null;
  authorEmail: string | null;
  maintainer: string | null;
  maintainerEmail: string | null;
  /** PEP 643 `Dynamic` fields, lower-cased (`requires-dist`). */
  dynamic: string[];
  /** Every header as read: lower-cased name → values in order (for fields not listed above). */
  fields: Record<string, string[]>;
  /** Lines that are not headers, located by path and line. */
  errors: ChainwatchError[];
}

/**
 * setuptools wrote `UNKNOWN` for fields it was not given; that is the absence
 * of a value, not a licence or an author called UNKNOWN.
 */
export function metadataValue(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' || trimmed === 'UNKNOWN' ? null : trimmed;
}

/**
 * Reads the header block of METADATA / PKG-INFO (the body, after the first
 * blank line, is the long description and is skipped). Continuation lines
 * (starting with a blank) join their header with a newline, minus the
 * 8-space or `       |` indent setuptools adds. A line that is neither ends
 * the headers, as in Python's email parser, and is reported. Never throws.
 */
export function parseCoreMetadata(text: string, path = 'METADATA'): CoreMetadata {
  const fields: Record<string, string[]> = {};
  const errors: ChainwatchError[] = [];
  const lines = text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
  let current: { name: string; index: number } | null = null;
  for (const [index, line] of lines.entries()) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      if (!current) {
        errors.push(new ChainwatchError('parse-error', 'continuation line before any header', { location: { path, line: index + 1 } }));
        continue;
      }
      const values = fields[current.name]!;
      values[current.index] += `\n${line.replace(/^(?: {7}\||[ \t]{1,8})/, '').trimEnd()}`;
      continue;
    }
    const header = /^([\x21-\x39\x3b-\x7e]+):[ \t]*(.*)$/.exec(line);
    if (!header) {
      errors.push(new ChainwatchError('parse-error', `not a metadata header: ${JSON.stringify(line.slice(0, 80))}`, { location: { path, line: index + 1 } }));
      break;
    }
    const name = header[1]!.toLowerCase();
    const values = (fields[name] ??= []);
    values.push(header[2]!.trimEnd());
    current = { name, index: values.length - 1 };
  }

  const first = (name: string): string | null => metadataValue(fields[name]?.[0]);
  const all = (name: string): string[] => (fields[name] ?? []).map((value) => value.trim()).filter((value) => value !== '');

  const requiresDist: Pep508Requirement[] = [];
  const invalidRequiresDist: InvalidRequirement[] = [];
  for (const requirementText of all('requires-dist')) {
    const parsed = parseRequirement(requirementText, { path });
    if (parsed.ok) requiresDist.push(parsed.value);
    else invalidRequiresDist.push({ text: requirementText, error: parsed.error });
  }

  return {
    metadataVersion: first('metadata-version'),
    name: first('name'),
    version: first('version'),
    summary: first('summary'),
    requiresPython: first('requires-python'),
    requiresDist,
    invalidRequiresDist,
    providesExtra: all('provides-extra'),
    license: first('license'),
    licenseExpression: first('license-expression'),
    licenseFiles: all('license-file'),
    classifiers: all('classifier'),
    projectUrls: all('project-url').map((value) => {
      const comma = value.indexOf(',');
      return comma === -1 ? { label: '', url: value } : { label: value.slice(0, comma).trim(), url: value.slice(comma + 1).trim() };
    }),
    homePage: first('home-page'),
    downloadUrl: first('download-url'),
    author: first('author'),
    authorEmail: first('author-email'),
    maintainer: first('maintainer'),
    maintainerEmail: first('maintainer-email'),
    dynamic: all('dynamic').map((field) => field.toLowerCase()),
    fields,
    errors,
  };
}

/** `2.2` → [2, 2]; null when the text is not a dotted number. */
export function metadataVersionParts(metadataVersion: string | null): [number, number] | null {
  const match = /^(\d+)\.(\d+)/.exec(metadataVersion?.trim() ?? '');
  return match ? [Number(match[1]), Number(match[2])] : null;
}

// ---------------------------------------------------------------------------
// Zip (wheels): APPNOTE.TXT, read from the end, one range at a time

export { readZipDirectory, readZipMember, ZIP_TAIL_BYTES } from '../../core/zip.js';
import type { ZipDirectory, ZipEntry } from '../../core/zip.js';
export type { ByteSource, ZipDirectory, ZipEntry } from '../../core/zip.js';
export function findWheelMetadataEntry(directory: ZipDirectory, wheelFilename: string): ZipEntry | null {
  const candidates = directory.entries.filter((entry) => /^[^/]+\.dist-info\/METADATA$/.test(entry.name));
  const [distribution, version] = wheelFilename.split('-');
  const expected = `${distribution}-${version}.dist-info/METADATA`.toLowerCase();
  return candidates.find((entry) => entry.name.toLowerCase() === expected) ?? candidates[0] ?? null;
}

// ---------------------------------------------------------------------------
// Sdists: PKG-INFO at the top of a .tar.gz, .tar or .zip

/** The most an sdist may inflate to before it is refused (a gzip bomb guard). */
export const MAX_SDIST_INFLATED_BYTES = 512 * 1024 * 1024;

const PKG_INFO_PATH = /^[^/]+\/PKG-INFO$/;

function cString(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const nul = field.indexOf(0);
  return new TextDecoder('utf-8').decode(nul === -1 ? field : field.subarray(0, nul));
}

function tarNumber(bytes: Uint8Array, start: number, length: number): number {
  if (bytes[start]! & 0x80) {
    // GNU base-256 for sizes over 8 GiB.
    let value = 0;
    for (let index = start + 1; index < start + length; index++) value = value * 256 + bytes[index]!;
    return value;
  }
  const text = cString(bytes, start, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function tarChecksumMatches(header: Uint8Array): boolean {
  let sum = 0;
  for (let index = 0; index < 512; index++) sum += index >= 148 && index < 156 ? 0x20 : header[index]!;
  return sum === tarNumber(header, 148, 8);
}

/** `key=value` records of a PAX extended header (`<length> <key>=<value>\n`). */
function paxRecords(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  const text = new TextDecoder('utf-8').decode(data);
  for (const line of text.split('\n')) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (match) records.set(match[1]!, match[2]!);
  }
  return records;
}

/**
 * Walks a tar archive (ustar, GNU long names, PAX paths) and returns the
 * first regular file whose name (without a leading `./`) satisfies `wanted`;
 * null when there is none. A header with a bad checksum is an error value.
 */
export function findTarMember(tar: Uint8Array, wanted: (name: string) => boolean, label: string): Result<{ name: string; data: Uint8Array } | null> {
  let position = 0;
  let longName: string | null = null;
  while (position + 512 <= tar.length) {
    const header = tar.subarray(position, position + 512);
    if (header.every((byte) => byte === 0)) break;
    if (!tarChecksumMatches(header)) {
      return fail(new ChainwatchError('unreadable-file', `not a readable tar archive: bad header checksum at byte ${position}`, { location: { path: label } }));
    }
    const size = tarNumber(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const dataStart = position + 512;
    const data = tar.subarray(dataStart, dataStart + size);
    position = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      longName = paxRecords(data).get('path') ?? longName;
      continue;
    }
    if (type === 'g') continue;
    const isUstar = cString(header, 257, 5) === 'ustar';
    const prefix = isUstar ? cString(header, 345, 155) : '';
    const shortName = cString(header, 0, 100);
    const name = (longName ?? (prefix ? `${prefix}/${shortName}` : shortName)).replace(/^\.\//, '');
    longName = null;
    if ((type === '0' || type === '\0' || type === '7') && wanted(name)) {
      if (data.length !== size) {
        return fail(new ChainwatchError('unreadable-file', `not a readable tar archive: ${name} is truncated`, { location: { path: label } }));
      }
      return ok({ name, data });
    }
  }
  return ok(null);
}

export type SdistFormat = 'tar.gz' | 'tar' | 'zip';

/** The archive formats PKG-INFO can be read from with node:zlib and fflate (not .tar.bz2, .tar.xz, .tar.Z). */
export function sdistFormatOf(filename: string): SdistFormat | null {
  const lower = filename.toLowerCase();
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  if (lower.endsWith('.tar')) return 'tar';
  if (lower.endsWith('.zip')) return 'zip';
  return null;
}

/** The sdist's top-level `<name>-<version>/PKG-INFO` as text; null when the archive has none. */
export function readSdistPkgInfo(archive: Uint8Array, format: SdistFormat, label: string): Result<string | null> {
  const decode = (data: Uint8Array): string => new TextDecoder('utf-8').decode(data);
  if (format === 'zip') {
    try {
      const members = unzipSync(archive, { filter: (file) => PKG_INFO_PATH.test(file.name) });
      const name = Object.keys(members).sort()[0];
      return ok(name === undefined ? null : decode(members[name]!));
    } catch (error) {
      return fail(new ChainwatchError('unreadable-file', `not a readable zip archive: ${(error as Error).message}`, { location: { path: label }, cause: error }));
    }
  }
  let tar: Uint8Array = archive;
  if (format === 'tar.gz') {
    try {
      tar = zlib.gunzipSync(archive, { maxOutputLength: MAX_SDIST_INFLATED_BYTES });
    } catch (error) {
      return fail(new ChainwatchError('unreadable-file', `not a readable gzip file: ${(error as Error).message}`, { location: { path: label }, cause: error }));
    }
  }
  const member = findTarMember(tar, (name) => PKG_INFO_PATH.test(name), label);
  if (!member.ok) return member;
  return ok(member.value === null ? null : decode(member.value.data));
}
