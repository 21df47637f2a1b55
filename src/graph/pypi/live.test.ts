/**
 * Live check against this machine's configured PyPI index and uv: the
 * resolver and `uv pip compile` must give the same set for a small root.
 * Skipped unless CHAINWATCH_LIVE=1 and a uv binary is found (CHAINWATCH_UV,
 * else PATH); tests never touch the network otherwise. The bench
 * (bench/pypi-resolve-bench.ts) does the same for the whole Jupyter preset.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemConfigSources } from '../../ecosystems/config-sources.js';
import { resolvePypiIndex } from '../../ecosystems/pypi/config.js';
import { loadRegistryConfig } from '../../ecosystems/registry-config.js';
import { defaultEnvironment } from '../../ecosystems/pypi/environment.js';
import { createPypiRegistry } from '../../ecosystems/pypi/registry.js';
import { createHttpClient } from '../../http/client.js';
import { createRegistryIndex } from './registry-index.js';
import { resolvePypi } from './resolve.js';
import { openHttpCache } from '../../store/http-cache.js';

const live = process.env.CHAINWATCH_LIVE === '1';

function findUv(): string | null {
  const configured = process.env.CHAINWATCH_UV;
  if (configured && existsSync(configured)) return configured;
  const onPath = spawnSync('sh', ['-c', 'command -v uv'], { encoding: 'utf8' }).stdout.trim();
  return onPath || null;
}

const uv = live ? findUv() : null;
const EXCLUDE_NEWER = '2026-01-01T00:00:00Z';

describe.skipIf(!live || !uv)('live: resolvePypi against uv pip compile', () => {
  it.each([['jupyter-core'], ['nbformat'], ['ipywidgets']])('%s resolves to the set uv gives', async (root) => {
    const directory = mkdtempSync(join(tmpdir(), 'chainwatch-live-uv-'));
    try {
      const input = join(directory, 'requirements.in');
      writeFileSync(input, `${root}\n`);
      const compiled = spawnSync(
        uv!,
        ['pip', 'compile', input, '--python-version', '3.12', '--python-platform', 'x86_64-unknown-linux-gnu', '--exclude-newer', EXCLUDE_NEWER, '--no-header', '--no-annotate', '--quiet', '--cache-dir', join(directory, 'uv-cache')],
        { encoding: 'utf8', env: { ...process.env, UV_PYTHON_DOWNLOADS: 'never' } },
      );
      expect(compiled.status).toBe(0);
      const theirs = compiled.stdout
        .split('\n')
        .map((line) => /^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)/.exec(line.trim()))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => `${match[1]!.replace(/[-_.]+/g, '-').toLowerCase()}==${match[2]}`)
        .sort();

      const config = await loadRegistryConfig(systemConfigSources());
      const endpoint = resolvePypiIndex(config.pypi);
      const http = createHttpClient({ openCache: () => openHttpCache(':memory:') });
      try {
        const registry = createPypiRegistry({ http, indexUrl: endpoint.url, ...(endpoint.authorization ? { authorization: endpoint.authorization } : {}) });
        const result = await resolvePypi([{ name: root }], {
          index: createRegistryIndex(registry, { pages: { http, ...(endpoint.authorization ? { authorization: endpoint.authorization } : {}) } }),
          environment: defaultEnvironment,
          excludeNewer: EXCLUDE_NEWER,
        });
        expect(result.packages.map((found) => `${found.name}==${found.version}`).sort()).toEqual(theirs);
      } finally {
        await http.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
