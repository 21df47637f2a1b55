import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { HostError } from '../core/errors.js';
import { createHttpClient } from '../http/client.js';
import { resolveCondaChannel } from './conda/config.js';
import { loadNpmConfig, resolveNpmRegistry } from './npm/config.js';
import { loadPypiConfig, resolvePypiIndex } from './pypi/config.js';
import { loadRegistryConfig } from './registry-config.js';
import { fakeSources, HOME, NPM_DEFAULT, PIP_DEFAULT } from './config-sources.fixture.js';

describe('loadRegistryConfig', () => {
  it('reads all three from one set of sources', async () => {
    const config = await loadRegistryConfig(
      fakeSources({ [`${HOME}/.condarc`]: 'channel_alias: https://conda.test/' }, { commands: { ...NPM_DEFAULT, ...PIP_DEFAULT } }),
      { npm: undefined },
    );
    expect(resolveNpmRegistry('left-pad', config.npm).url).toBe('https://registry.npm.test/');
    expect(resolvePypiIndex(config.pypi).url).toBe('https://pypi.test/simple/');
    expect(resolveCondaChannel('conda-forge', config.conda)).toBe('https://conda.test/conda-forge/');
  });
});

describe('secrets from configuration never reach failures or errors', () => {
  const TOKEN = 'npm_AbCdEfGhIjKlMnOpQrStUvWxYz012345';
  const PASSWORD = 'pip-index-password-42';

  it.each([
    ['an .npmrc _authToken', 'npm'],
    ['a password in PIP_INDEX_URL', 'pypi'],
  ] as const)('%s', async (_name, ecosystem) => {
    const sources = fakeSources(
      { [`${HOME}/.npmrc`]: 'registry=https://registry.npm.test/\n//registry.npm.test/:_authToken=${NPM_TOKEN}\n' },
      { env: { NPM_TOKEN: TOKEN, PIP_INDEX_URL: `https://frank:${PASSWORD}@pypi.test/simple/` } },
    );
    const endpoint = ecosystem === 'npm' ? resolveNpmRegistry('left-pad', await loadNpmConfig(sources)) : resolvePypiIndex(await loadPypiConfig(sources));
    expect(endpoint.authorization).toBeDefined();
    const target = ecosystem === 'npm' ? `${endpoint.url}left-pad` : `${endpoint.url}numpy/`;

    const agent = new MockAgent();
    agent.disableNetConnect();
    const parsed = new URL(target);
    // The server fails and its error message repeats what it was sent.
    agent
      .get(parsed.origin)
      .intercept({ path: parsed.pathname, method: 'GET' })
      .replyWithError(new Error(`refused request with authorization ${endpoint.authorization} for ${target}`))
      .times(2);
    const client = createHttpClient({ dispatcher: agent, retry: { retries: 1 }, sleep: async () => {} });
    const error = await client.get({ url: target, source: ecosystem, headers: { Authorization: endpoint.authorization! } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    const shown = JSON.stringify({ message: (error as Error).message, cause: String((error as Error).cause), failures: client.failures() });
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain(endpoint.authorization!.split(' ')[1]);
    expect(client.failures()).toEqual([{ source: ecosystem, url: target, error: (error as Error).message }]);
    await client.close();
    await agent.close();
  });
});
