/**
 * Reads one `conda-meta/<name>-<version>-<build>.json` record of an installed
 * conda environment, and the Python distribution it installs, if any.
 */
import { arrayItems, property, stringValue, type JsonNode } from '../cyclonedx/json-tree.js';

export interface CondaRecord {
  name: string | undefined;
  version: string | undefined;
  build: string | undefined;
  subdir: string | undefined;
  channel: string | undefined;
  /** Python distributions whose own metadata folder the package installs into site-packages. */
  distributions: PythonDistribution[];
}

export interface PythonDistribution {
  name: string;
  version: string;
}

/** Platform subdirectories of a conda channel (`linux-64`, `osx-arm64`, `noarch`...). */
const SUBDIR = /^(noarch|(linux|osx|win|zos|emscripten|wasi|freebsd)-[a-z0-9_]+)$/;

/**
 * The channel's name from a channel URL: the URL path without the platform subdir and
 * without an access token (`/t/<token>/`), which must never reach a report.
 */
export function channelFromUrl(channel: string, subdir?: string): string {
  let segments: string[];
  if (channel.includes('://')) {
    try {
      segments = new URL(channel).pathname.split('/');
    } catch {
      return '';
    }
  } else {
    segments = channel.split('/');
  }
  segments = segments.filter((segment) => segment !== '');
  if (segments[0] === 't' && segments.length > 1) segments = segments.slice(2);
  const last = segments.at(-1);
  if (last !== undefined && (last === subdir || SUBDIR.test(last))) segments = segments.slice(0, -1);
  return segments.join('/');
}

/** `.../site-packages/<stem>.dist-info/METADATA`, `.../<stem>.egg-info/PKG-INFO` or a single-file `<stem>.egg-info`. */
const METADATA_PATH = /(?:^|\/)site-packages\/([^/]+)\.(dist-info\/METADATA|egg-info\/PKG-INFO|egg-info)$/;

/**
 * A dist-info folder is `{name}-{version}` with `-` in the name escaped as `_`; an
 * egg-info one is `{name}-{version}[-py{X.Y}[-{platform}]]`, name escaped the same way.
 * Either way the first hyphen ends the name and the second (if any) ends the version.
 */
export function distributionFromPath(path: string): PythonDistribution | undefined {
  const match = METADATA_PATH.exec(path.replace(/\\/g, '/'));
  if (!match) return undefined;
  const [name, version] = match[1]!.split('-');
  if (!name || !version) return undefined;
  return { name, version };
}

function filePaths(root: JsonNode): string[] {
  const files = arrayItems(property(root, 'files')).map(stringValue);
  const fromPathsData = arrayItems(property(property(root, 'paths_data'), 'paths')).map((entry) =>
    stringValue(property(entry, '_path')),
  );
  return [...files, ...fromPathsData].filter((path): path is string => path !== undefined);
}

export function readCondaRecord(root: JsonNode): CondaRecord {
  const subdir = stringValue(property(root, 'subdir'));
  const namedChannel = stringValue(property(root, 'schannel'));
  const channelUrl = stringValue(property(root, 'channel'));
  const channel = namedChannel || (channelUrl ? channelFromUrl(channelUrl, subdir) : '') || undefined;

  const distributions: PythonDistribution[] = [];
  const seen = new Set<string>();
  for (const path of filePaths(root)) {
    const distribution = distributionFromPath(path);
    if (!distribution) continue;
    const key = `${distribution.name}\n${distribution.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    distributions.push(distribution);
  }

  return {
    name: stringValue(property(root, 'name')),
    version: stringValue(property(root, 'version')),
    build: stringValue(property(root, 'build')) ?? stringValue(property(root, 'build_string')),
    subdir,
    channel,
    distributions,
  };
}
