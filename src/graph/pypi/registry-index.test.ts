import { afterEach, describe, expect, it } from 'vitest';
import { loadCassette, replayClient } from '../../../test/http-replay.js';
import { cpythonEnvironment, defaultEnvironment } from '../../ecosystems/pypi/environment.js';
import { createPypiRegistry } from '../../ecosystems/pypi/registry.js';
import { createRegistryIndex } from './registry-index.js';
import { resolvePypi } from './resolve.js';

// Recorded by record-fixtures.ts: a resolution of jupyter-client against the real index, hosts rewritten.
const CASSETTE = new URL('./fixtures/jupyter-client.json.gz', import.meta.url);
const INDEX = 'https://pypi.test/simple/';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function replayIndex() {
  const { client, agent } = replayClient(CASSETTE);
  cleanups.push(() => client.close(), () => agent.close());
  return { index: createRegistryIndex(createPypiRegistry({ http: client, indexUrl: INDEX })), agent, client };
}

describe('resolvePypi over the registry client (replayed cassette)', () => {
  it('resolves jupyter-client as uv pip compile did for the same snapshot', async () => {
    const { index, agent, client } = replayIndex();
    const result = await resolvePypi([{ name: 'jupyter-client' }], { index, environment: defaultEnvironment, excludeNewer: '2026-01-01T00:00:00Z' });
    // `uv pip compile --python-version 3.12 --python-platform x86_64-unknown-linux-gnu --exclude-newer 2026-01-01T00:00:00Z`, run when recording.
    expect(result.packages.map((found) => `${found.name}==${found.version}`)).toEqual([
      'jupyter-client==8.7.0',
      'jupyter-core==5.9.1',
      'platformdirs==4.5.1',
      'python-dateutil==2.9.0.post0',
      'pyzmq==27.1.0',
      'six==1.17.0',
      'tornado==6.5.4',
      'traitlets==5.14.3',
    ]);
    expect(result.unknown).toEqual([]);
    // The binary packages resolve to wheels for CPython 3.12 on manylinux x86_64.
    const pyzmq = result.packages.find((found) => found.name === 'pyzmq')!;
    expect(pyzmq.filename).toMatch(/^pyzmq-27\.1\.0-cp312-abi3-manylinux.*x86_64.*\.whl$/);
    expect(result.edges).toContainEqual({ from: 'jupyter-client', to: 'pyzmq', requirement: 'pyzmq>=25.0', kind: 'runtime' });
    agent.assertAllUsed();
    expect(client.stats().requests).toBe(loadCassette(CASSETTE).interactions.length);
  });

  it('without the cut-off it goes for the newer release the cut-off hides', async () => {
    const { index } = replayIndex();
    // The trimmed pages keep releases uploaded after 2026-01-01 (jupyter-client 8.9.0 is the newest); their
    // wheels were never read when recording, so the replay refuses the request and names the file.
    const attempt = resolvePypi([{ name: 'jupyter-client' }], { index, environment: defaultEnvironment });
    await expect(attempt).rejects.toThrow(/jupyter_client-8\.9\.0-py3-none-any\.whl/);
  });

  it('rules out every release for a Python older than their Requires-Python (2.7)', async () => {
    const { index } = replayIndex();
    const python27 = cpythonEnvironment('2.7', 'linux', 'x86_64');
    if (!python27.ok) throw python27.error;
    const attempt = resolvePypi([{ name: 'jupyter-client' }], { index, environment: python27.value, excludeNewer: '2026-01-01T00:00:00Z' });
    await expect(attempt).rejects.toThrow(/requires a newer Python than 2\.7\.0/);
  });
});
