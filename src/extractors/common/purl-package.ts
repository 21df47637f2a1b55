/**
 * From an SBOM's package URL to an extracted package. Shared by the cyclonedx
 * and spdx extractors: both identify packages by purl.
 */
import { PackageURL } from 'packageurl-js';
import { excerpt } from '../../core/excerpt.js';
import { parsePurl } from '../../core/package.js';
import type { Location } from '../../core/package.js';
import type { ExtractedPackage } from '../types.js';

export type PurlOutcome =
  | { kind: 'package'; package: ExtractedPackage }
  | { kind: 'unsupported'; reason: string }
  | { kind: 'invalid'; reason: string };

/**
 * `fallbackVersion` is the SBOM's own version field, used only when the purl has none.
 * Debian purls must be in the `debian` namespace: `pkg:deb/ubuntu/...` is another
 * distribution whose advisories are not Debian's.
 */
export function packageFromPurl(text: string, fallbackVersion: string | undefined, location: Location): PurlOutcome {
  let parsed: ReturnType<typeof parsePurl>;
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(text);
    parsed = parsePurl(text);
  } catch (error) {
    // Both the purl and packageurl-js's message (which may repeat it) are input: quoted bounded.
    return { kind: 'invalid', reason: `invalid purl "${excerpt(text)}": ${excerpt(error instanceof Error ? error.message : String(error), 120)}` };
  }
  if (!parsed) return { kind: 'unsupported', reason: `purl type "${excerpt(purl.type)}" is not supported` };

  const qualifiers: Record<string, string> = { ...parsed.qualifiers };
  const version = parsed.version ?? (fallbackVersion || null);
  let name = purl.name;
  if (parsed.ecosystem === 'npm' && purl.namespace) name = `${purl.namespace}/${purl.name}`;

  // An Ubuntu purl (namespace `ubuntu`) is refused here as before: SBOM packages are not scoped to a release yet.
  if (parsed.ecosystem === 'Debian' || parsed.ecosystem === 'Ubuntu') {
    const namespace = purl.namespace?.toLowerCase();
    if (namespace !== 'debian') {
      return { kind: 'unsupported', reason: `deb purl of "${excerpt(purl.namespace ?? '(no distribution)')}" is not a Debian package` };
    }
    // Debian advisories are keyed by source package; SBOM tools put it in `upstream`
    // as `name` or `name@version`. Same qualifiers as the dpkg-status extractor.
    const upstream = qualifiers.upstream;
    const at = upstream ? upstream.indexOf('@') : -1;
    const sourceName = upstream ? (at === -1 ? upstream : upstream.slice(0, at)) : '';
    qualifiers.source = sourceName || name;
    const sourceVersion = at === -1 ? version : upstream!.slice(at + 1);
    if (sourceVersion) qualifiers.sourceVersion = sourceVersion;
  }

  const extracted: ExtractedPackage = { ecosystem: parsed.ecosystem, name, version, location, source: 'registry' };
  if (Object.keys(qualifiers).length > 0) extracted.qualifiers = qualifiers;
  return { kind: 'package', package: extracted };
}
