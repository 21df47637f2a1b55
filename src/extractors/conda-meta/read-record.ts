/**
 * Reads one `conda-meta/<name>-<version>-<build>.json` record of an installed
 * conda environment, and the Python distribution it installs, if any.
 */
import { channelFromUrl } from '../common/conda-channel.js';
import { arrayItems, property, stringValue, type JsonNode, type JsonPath } from '../common/json-document.js';

const RECORD_FIELDS: ReadonlySet<string> = new Set(['name', 'version', 'build', 'build_string', 'subdir', 'schannel', 'channel', 'files', 'paths_data']);

/**
 * The parts of a record that are read (`keep` of parseJsonDocument): its identity, and the
 * installed paths that reveal a Python distribution. Hashes, sizes and link data are never built.
 */
export function isReadFromRecord(path: JsonPath): boolean {
  const [field, second, third, fourth] = path;
  switch (path.length) {
    case 1:
      return RECORD_FIELDS.has(String(field));
    case 2:
      return (field === 'files' && typeof second === 'number') || (field === 'paths_data' && second === 'paths');
    case 3:
      return field === 'paths_data' && typeof third === 'number';
    case 4:
      return field === 'paths_data' && fourth === '_path';
    default:
      return false;
  }
}

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
