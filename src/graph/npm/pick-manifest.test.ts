import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { NpmPackument, type NpmManifest } from '../../ecosystems/npm/schema.js';
import { pickManifest, type PickOptions } from './pick-manifest.js';
import { satisfiesLoose } from './spec.js';

/**
 * pickManifest stops at the highest version in range that is neither
 * deprecated nor refused by `engines`; this holds it to the full ordering
 * (npm-pick-manifest's: usable, then engine-compatible, then not deprecated,
 * then highest, ties in document order) on generated packuments.
 */
function byFullOrdering(packument: NpmPackument, range: string, options: PickOptions): string | null {
  const engineOk = (manifest: NpmManifest): boolean => {
    const node = manifest.engines?.node;
    return !node || semver.satisfies(options.nodeVersion, node as string, { includePrerelease: true });
  };
  const inRange = Object.keys(packument.versions)
    .filter((version) => satisfiesLoose(version, range))
    .map((version) => {
      const manifest = packument.versions[version]!;
      return { version, engine: engineOk(manifest), notDeprecated: !manifest.deprecated };
    });
  inRange.sort(
    (a, b) =>
      Number(b.notDeprecated && b.engine) - Number(a.notDeprecated && a.engine) ||
      Number(b.engine) - Number(a.engine) ||
      Number(b.notDeprecated) - Number(a.notDeprecated) ||
      semver.rcompare(a.version, b.version, true),
  );
  return inRange[0]?.version ?? null;
}

const versionText = fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.constantFrom('', '', '-beta.1', '+build.1', '+build.2')).map(([major, minor, patch, suffix]) => `${major}.${minor}.${patch}${suffix}`);
const manifestFields = fc.record({ deprecated: fc.constantFrom(undefined, 'use another', ''), node: fc.constantFrom(undefined, '>=18', '>=99', '<1') });

describe('pickManifest', () => {
  it('picks what the full ordering picks, ties between equal versions included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(versionText, manifestFields), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('*', '^1.0.0', '>=0.1.0 <3', '~2.1.0', '^0.0.1', '1.x || 3.x', '>=1.0.0-beta'),
        (entries, range) => {
          const versions: Record<string, unknown> = {};
          for (const [version, fields] of entries) {
            versions[version] = { name: 'p', version, ...(fields.deprecated === undefined ? {} : { deprecated: fields.deprecated }), ...(fields.node === undefined ? {} : { engines: { node: fields.node } }) };
          }
          // No `latest` tag: the range path decides.
          const packument = NpmPackument.parse({ name: 'p', 'dist-tags': {}, versions });
          const options: PickOptions = { before: null, nodeVersion: '20.19.0', npmVersion: null };
          const picked = pickManifest(packument, { type: 'range', fetchSpec: range }, options);
          const expected = byFullOrdering(packument, range, options);
          expect(picked.ok ? picked.manifest.version : null).toBe(expected);
        },
      ),
      { numRuns: 2000, seed: 5 },
    );
  });
});
