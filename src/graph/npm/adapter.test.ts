import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayClient } from '../../../test/http-replay.js';
import { toPurl } from '../../core/package.js';
import { createNpmRegistry } from '../../ecosystems/npm/registry.js';
import { context, root } from '../resolver-testing.fixture.js';
import { createNpmResolver } from './adapter.js';

describe('createNpmResolver on the recorded @lumino/widgets packuments', () => {
  interface ExpectedLock {
    before: string;
    packages: { name: string; version: string }[];
  }
  const fixtures = new URL('../../ecosystems/npm/fixtures/', import.meta.url);
  const expected = JSON.parse(readFileSync(new URL('lumino-widgets.expected.json', fixtures), 'utf8')) as ExpectedLock;

  it('gives the packages npm wrote into its lockfile, the root marked, edges between them, signals from the full packuments', async () => {
    const { client, agent } = replayClient(new URL('lumino-widgets.cassette.json.gz', fixtures), { persist: true });
    try {
      const registry = createNpmRegistry({ http: client, resolveRegistry: () => ({ url: 'https://registry.npm.test/' }) });
      const resolver = createNpmResolver({ registry, before: new Date(expected.before) });
      const resolution = await resolver.resolve([root('pkg:npm/%40lumino/widgets')], context);
      const purls = resolution.packages.map((found) => found.purl).sort();
      expect(purls).toEqual([...new Set(expected.packages.map((entry) => toPurl('npm', entry.name, entry.version)))].sort());
      expect(resolution.packages.filter((found) => found.root).map((found) => found.name)).toEqual(['@lumino/widgets']);
      expect(resolution.problems).toEqual([]);
      expect(resolution.sources).toEqual([{ name: 'npm', reachable: true }]);
      const known = new Set(purls);
      expect(resolution.edges.length).toBeGreaterThan(0);
      for (const edge of resolution.edges) expect(known.has(edge.from) && known.has(edge.to)).toBe(true);
      const widgets = resolution.packages.find((found) => found.root)!;
      // The root's packument keeps its repository (see the fixtures' readme); this mirror strips maintainers.
      expect(widgets.signals?.repository).toEqual({ known: true, value: { url: 'github.com/jupyterlab/lumino', confidence: 'claimed' } });
      expect(widgets.signals?.maintainers).toMatchObject({ known: false });
      expect(widgets.signals?.releasedAt).toMatchObject({ known: true });
    } finally {
      await client.close();
      await agent.close();
    }
  });
});
