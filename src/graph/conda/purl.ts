import { toPurl, type ParsedPurl } from '../../core/package.js';
import type { CondaPackageRecord } from '../../ecosystems/conda/registry.js';

/** The purl of a conda record: name, version, and build, channel and subdir as qualifiers. */
export function condaPurl(record: CondaPackageRecord, channelName: string): string {
  return toPurl('conda', record.name, record.version, { build: record.build, channel: channelName, subdir: record.subdir });
}

/**
 * A root MatchSpec from a conda purl: `pkg:conda/jupyterlab` → `jupyterlab`,
 * `pkg:conda/jupyterlab@4.5.6` → `jupyterlab ==4.5.6`, plus the build
 * qualifier when given.
 */
export function matchSpecFromPurl(purl: ParsedPurl): string {
  if (purl.version === null) return purl.name;
  const build = purl.qualifiers.build;
  return build === undefined ? `${purl.name} ==${purl.version}` : `${purl.name} ${purl.version} ${build}`;
}
