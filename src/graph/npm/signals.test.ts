import { describe, expect, it } from 'vitest';
import { replayClient } from '../../../test/http-replay.js';
import { fixedClock } from '../../core/clock.js';
import { createNpmRegistry } from '../../ecosystems/npm/registry.js';
import { NpmPackument } from '../../ecosystems/npm/schema.js';
import { npmVersionSignals } from './signals.js';

const REGISTRY = 'https://registry.npm.test/';
const cassette = new URL('../../ecosystems/npm/fixtures/lumino-widgets.cassette.json.gz', import.meta.url);

describe('the repository signal', () => {
  // The field as npm writes it, through core's normalizeRepositoryUrl (with npm's `owner/repo` shorthand).
  it.each([
    [{ type: 'git', url: 'https://github.com/jupyterlab/lumino.git' }, { known: true, value: { url: 'github.com/jupyterlab/lumino', confidence: 'claimed' } }],
    ['git+https://github.com/jupyter-widgets/ipywidgets.git', { known: true, value: { url: 'github.com/jupyter-widgets/ipywidgets', confidence: 'claimed' } }],
    ['git@github.com:owner/repo.git', { known: true, value: { url: 'github.com/owner/repo', confidence: 'claimed' } }],
    ['github:owner/repo', { known: true, value: { url: 'github.com/owner/repo', confidence: 'claimed' } }],
    ['owner/repo', { known: true, value: { url: 'github.com/owner/repo', confidence: 'claimed' } }],
    ['https://github.com/owner/repo/tree/main/packages/x', { known: true, value: { url: 'github.com/owner/repo', confidence: 'claimed' } }],
    // GitHub names are case-insensitive: one spelling, as every other ecosystem's repository signal.
    ['https://github.com/JupyterLab/Lumino', { known: true, value: { url: 'github.com/jupyterlab/lumino', confidence: 'claimed' } }],
    ['gitlab:group/project', { known: true, value: { url: 'gitlab.com/group/project', confidence: 'claimed' } }],
    // Not a known code host: unknown (it was the cleaned URL, which the CycloneDX output then prefixed with a second `https://`).
    ['git+https://gitlab.example.test/group/project.git', { known: false, reason: 'the repository field names no repository on a known code host' }],
    ['https://github.com/orgs/jupyter', { known: false, reason: 'the repository field names no repository on a known code host' }],
    [undefined, { known: false, reason: 'no repository field' }],
  ])('%j → %j', (repository, expected) => {
    const packument = NpmPackument.parse({ name: 'pkg', 'dist-tags': { latest: '1.0.0' }, time: {}, versions: { '1.0.0': { name: 'pkg', version: '1.0.0', ...(repository === undefined ? {} : { repository }) } } });
    expect(npmVersionSignals(packument, '1.0.0', { clock: fixedClock('2026-11-01T00:00:00.000Z') }).repository).toEqual(expected);
  });
});

describe('npmVersionSignals', () => {
  const clock = fixedClock('2026-11-01T00:00:00.000Z');
  const signed = [{ keyid: 'SHA256:k', sig: 's' }];
  const full = NpmPackument.parse({
    name: 'pkg',
    'dist-tags': { latest: '1.2.0' },
    maintainers: [{ name: 'a' }, { name: 'b' }],
    repository: { type: 'git', url: 'git+https://github.com/owner/pkg.git' },
    time: { created: '2020-01-01T00:00:00.000Z', '1.0.0': '2025-01-01T00:00:00.000Z', '1.1.0': '2026-05-01T00:00:00.000Z', '1.2.0': '2026-10-02T00:00:00.000Z' },
    versions: {
      '1.0.0': { name: 'pkg', version: '1.0.0', license: 'MIT', dist: { signatures: signed } },
      '1.1.0': { name: 'pkg', version: '1.1.0', license: 'MIT', _npmUser: { name: 'a' }, dist: { signatures: signed, attestations: { url: 'https://registry.npm.test/-/npm/v1/attestations/pkg@1.1.0' } } },
      '1.2.0': {
        name: 'pkg',
        version: '1.2.0',
        license: { type: 'ISC' },
        deprecated: 'moved to pkg2',
        scripts: { postinstall: 'node setup.js', test: 'vitest' },
        _npmUser: { name: 'b', email: 'b@example.test' },
        dist: { signatures: signed },
      },
    },
  });

  it('reads every signal of a full packument from the registry itself', () => {
    const signals = npmVersionSignals(full, '1.2.0', { clock });
    expect(signals.releasedAt).toEqual({ known: true, value: '2026-10-02T00:00:00.000Z' });
    expect(signals.ageDays).toEqual({ known: true, value: 30 });
    expect(signals.releasesLastYear).toEqual({ known: true, value: 2 });
    expect(signals.daysSinceLastRelease).toEqual({ known: true, value: 30 });
    expect(signals.deprecated).toEqual({ known: true, value: 'moved to pkg2' });
    expect(signals.installScripts).toEqual({ known: true, value: ['postinstall'] });
    expect(signals.provenance).toEqual({ known: true, value: false });
    expect(signals.provenanceDropped).toEqual({ known: true, value: true });
    expect(signals.maintainers).toEqual({ known: true, value: 2 });
    expect(signals.license).toEqual({ known: true, value: 'ISC' });
    expect(signals.repository).toEqual({ known: true, value: { url: 'github.com/owner/pkg', confidence: 'claimed' } });
    expect(signals.publishedBy).toEqual({ known: true, value: 'b' });
  });

  it('computes the days since the last release over 150,000 versions (issue 7: Math.max(...times) overflowed the stack on 300,000)', () => {
    const time: Record<string, string> = { created: '2020-01-01T00:00:00.000Z' };
    const versions: Record<string, unknown> = {};
    for (let index = 0; index < 150_000; index++) {
      const version = `0.0.${index}`;
      time[version] = new Date(Date.parse('2025-01-01T00:00:00.000Z') + index * 120_000).toISOString();
      versions[version] = { name: 'many', version };
    }
    const packument = { name: 'many', 'dist-tags': {}, time, versions } as unknown as NpmPackument;
    // The last one, 0.0.149999, was published 299,998 minutes (208.3 days) after 2025-01-01: 460 days before the clock.
    // (A version the packument lacks: the release-history signals are computed all the same, the per-version ones are skipped.)
    expect(npmVersionSignals(packument, '9.9.9', { clock }).daysSinceLastRelease).toEqual({ known: true, value: 460 });
  });

  it('says provenance is present and not dropped where it is', () => {
    const signals = npmVersionSignals(full, '1.1.0', { clock });
    expect(signals.provenance).toEqual({ known: true, value: true });
    expect(signals.provenanceDropped).toEqual({ known: true, value: false });
    expect(signals.installScripts).toEqual({ known: true, value: [] });
  });

  it('marks what a mirror stripped as unknown, never false or zero (recorded mirror packument)', async () => {
    const { client, agent } = replayClient(cassette, { persist: true });
    const packument = await createNpmRegistry({ http: client, resolveRegistry: () => ({ url: REGISTRY }) }).packument('@lumino/widgets', 'full');
    const signals = npmVersionSignals(packument!, '2.10.0', { clock });
    // This mirror serves neither maintainers, _npmUser, attestations nor registry signatures.
    expect(signals.maintainers?.known).toBe(false);
    expect(signals.publishedBy.known).toBe(false);
    expect(signals.provenance?.known).toBe(false);
    expect(signals.provenanceDropped?.known).toBe(false);
    expect(signals.releasedAt).toEqual({ known: true, value: '2026-10-08T09:00:47+00:00' });
    expect(signals.ageDays).toEqual({ known: true, value: 23 });
    expect(signals.license).toEqual({ known: true, value: 'BSD-3-Clause' });
    expect(signals.repository).toEqual({ known: true, value: { url: 'github.com/jupyterlab/lumino', confidence: 'claimed' } });
    expect(signals.installScripts).toEqual({ known: true, value: [] });
    expect(signals.deprecated).toEqual({ known: true, value: false });
    await client.close();
    await agent.close();
  });

  it('leaves time-based signals unknown on an abbreviated packument, and install scripts unknown when only flagged', () => {
    const abbreviated = NpmPackument.parse({
      name: 'native',
      'dist-tags': { latest: '1.0.0' },
      versions: { '1.0.0': { name: 'native', version: '1.0.0', hasInstallScript: true } },
    });
    const signals = npmVersionSignals(abbreviated, '1.0.0', { clock });
    expect(signals.releasedAt?.known).toBe(false);
    expect(signals.releasesLastYear?.known).toBe(false);
    expect(signals.installScripts?.known).toBe(false);
    expect(signals.maintainers?.known).toBe(false);
    expect(signals.license?.known).toBe(false);
  });

  it('answers unknown for a version the packument does not have', () => {
    const signals = npmVersionSignals(full, '9.9.9', { clock });
    expect(signals.deprecated?.known).toBe(false);
    expect(signals.releasedAt?.known).toBe(false);
  });
});
