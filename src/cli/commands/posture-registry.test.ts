/**
 * `chainwatch posture --local --registry-releases`: the ipywidgets checkout
 * (history until 2025-11-07), the config naming ipywidgets, and the recorded
 * PyPI answer (8.1.9 uploaded 2026-08-18) served to the registries the wiring
 * would open.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadCassette, replayClient } from '../../../test/http-replay.js';
import { describeWithSharedData, SHARED_PROJECTS } from '../../../test/shared-data.js';
import { fixedClock } from '../../core/clock.js';
import type { RegistryConnector } from '../../posture/index.js';
import { createRegistryReleases } from '../../posture/registry-releases.js';
import { captureIo, useTemporaryDirectory } from './command-fakes.fixture.js';
import { runPosture, type PostureCommandOptions } from './posture.js';

const clock = fixedClock('2026-11-10T00:00:00Z');
const dir = useTemporaryDirectory(beforeEach, afterEach);
const IPYWIDGETS = join(SHARED_PROJECTS, 'jupyter-widgets/ipywidgets');

function recordedPypi(): { connect: RegistryConnector; connections: () => number; assertAllUsed(): void } {
  const interactions = loadCassette(new URL('../../posture/fixtures/registry-releases/pypi.json', import.meta.url)).interactions.filter((interaction) => interaction.url.endsWith('/ipywidgets/'));
  const { client, agent } = replayClient(interactions);
  let connections = 0;
  return {
    connections: () => connections,
    assertAllUsed: () => agent.assertAllUsed(),
    connect: async () => {
      connections++;
      return createRegistryReleases({
        http: client,
        registries: {
          pypi: { index: { url: 'https://pypi.test/simple/' }, extraIndexes: [], from: 'test', files: [], problems: [] },
          npm: { values: {}, files: [], defaultRegistry: null, missingRegistry: 'no npm registry in this test', problems: [] },
        },
      });
    },
  };
}

async function run(options: Partial<PostureCommandOptions>, registries: RegistryConnector) {
  const config = join(dir.path, 'chainwatch.yaml');
  writeFileSync(config, 'packages:\n  pypi: [ipywidgets]\n');
  const io = captureIo(dir.path);
  io.env = { CHAINWATCH_HTTP_CACHE: join(dir.path, 'http.sqlite'), CHAINWATCH_GRAPH_DB: join(dir.path, 'graph.sqlite') };
  const code = await runPosture(io, { org: [], local: [IPYWIDGETS], check: ['maintained'], config, format: 'json', failOn: 'fail', ...options }, { clock, registryReleases: registries });
  const document = JSON.parse(io.out()) as { repos: { checks: { outcome: string; summary: string }[] }[]; sources: object[] };
  return { code, maintained: document.repos[0]!.checks[0]!, sources: document.sources };
}

describeWithSharedData('chainwatch posture --registry-releases', () => {
  it('counts the PyPI release as activity: maintained passes', async () => {
    const pypi = recordedPypi();
    const { code, maintained, sources } = await run({ registryReleases: true }, pypi.connect);
    expect(maintained).toMatchObject({ outcome: 'pass', summary: 'Active: ipywidgets 8.1.9 released on PyPI 83 days ago (2026-08-18); no commit in the last 90 days in the history read (last 2025-11-07).' });
    expect(sources).toEqual([
      { name: 'local', reachable: true },
      { name: 'pypi', reachable: true },
    ]);
    expect(code).toBe(0);
    pypi.assertAllUsed();
  });

  it('without the option no registry is asked, and the checkout alone says abandoned', async () => {
    const pypi = recordedPypi();
    const { code, maintained } = await run({}, pypi.connect);
    expect(pypi.connections()).toBe(0);
    expect(maintained.outcome).toBe('fail');
    expect(code).toBe(1);
  });
});
