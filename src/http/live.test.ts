/**
 * Live checks against this machine's configured npm registry and PyPI index.
 * Skipped unless CHAINWATCH_LIVE=1: tests never touch the network otherwise.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRecorder } from '../../test/http-replay.js';
import { systemConfigSources } from '../ecosystems/config-sources.js';
import { resolveNpmRegistry } from '../ecosystems/npm/config.js';
import { resolvePypiIndex } from '../ecosystems/pypi/config.js';
import { loadRegistryConfig } from '../ecosystems/registry-config.js';
import { createHttpClient } from './client.js';
import { openHttpCache } from '../store/http-cache.js';

const live = process.env.CHAINWATCH_LIVE === '1';

describe.skipIf(!live)('live', () => {
  it('fetches an abbreviated packument, then revalidates it', async () => {
    const config = await loadRegistryConfig(systemConfigSources());
    const registry = resolveNpmRegistry('left-pad', config.npm);
    const client = createHttpClient({ openCache: () => openHttpCache(':memory:') });
    const request = {
      url: `${registry.url}left-pad`,
      source: 'npm',
      headers: { accept: 'application/vnd.npm.install-v1+json', ...(registry.authorization ? { authorization: registry.authorization } : {}) },
    };
    const first = await client.get(request);
    expect(first.status).toBe(200);
    expect((JSON.parse(first.body.toString()) as { name: string }).name).toBe('left-pad');
    const second = await client.get(request);
    expect(second.body.equals(first.body)).toBe(true);
    // A registry that sends validators answers 304; one that does not sends the body again.
    if (first.headers.etag || first.headers['last-modified']) expect(client.stats().notModified).toBe(1);
    expect(client.failures()).toEqual([]);
    await client.close();
  });

  it('fetches a PEP 691 project page and records it with placeholders only', async () => {
    const config = await loadRegistryConfig(systemConfigSources());
    const index = resolvePypiIndex(config.pypi);
    const directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-live-'));
    const recorder = createRecorder({ rewrites: [{ from: index.url, to: 'https://pypi.test/simple/' }] });
    try {
      const page = await recorder.fetch({ url: `${index.url}six/`, headers: { accept: 'application/vnd.pypi.simple.v1+json' } });
      expect(page.status).toBe(200);
      const parsed = JSON.parse(page.body.toString()) as { name: string; files: Array<{ url: string }> };
      expect(parsed.name).toBe('six');
      // File URLs point at another host: rewrite it too, or saving refuses.
      const filesOrigin = `${new URL(parsed.files[0]!.url, page.url).origin}/`;
      const strict = createRecorder({
        rewrites: [
          { from: index.url, to: 'https://pypi.test/simple/' },
          { from: filesOrigin, to: 'https://files.pypi.test/' },
        ],
        transformBody: (_url, body) => {
          const project = JSON.parse(body.toString()) as { name: string; files: unknown[] };
          return JSON.stringify({ ...project, files: project.files.slice(0, 2) });
        },
      });
      await strict.fetch({ url: `${index.url}six/`, headers: { accept: 'application/vnd.pypi.simple.v1+json' } });
      const file = path.join(directory, 'six.json');
      strict.save(file);
      const saved = readFileSync(file, 'utf8');
      expect(saved).not.toContain(new URL(index.url).host);
      expect(saved).toContain('https://pypi.test/simple/six/');
      await strict.close();
    } finally {
      await recorder.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
