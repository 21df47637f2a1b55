/**
 * `db update` downloads through the HTTP layer (update.ts download()):
 * redirects are followed, and every download has the layer's deadline, size
 * limit and redaction. The rest of the updater is tested in update.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { Agent, MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalServer, trickle } from '../../test/local-server.js';
import { fixedClock } from '../core/clock.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { updateAdvisoryDatabase, type UpdateOptions, type UpdateResult } from './update.js';

const ORIGIN = 'https://osv.test';
const MIRROR = 'https://mirror.osv.test';

const RECORD = {
  id: 'GHSA-test-0000-0001',
  modified: '2024-05-01T00:00:00Z',
  affected: [{ package: { ecosystem: 'PyPI', name: 'demo' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0' }] }] }],
};

function exportZip(): Buffer {
  return Buffer.from(zipSync({ [`${RECORD.id}.json`]: strToU8(JSON.stringify(RECORD)) }));
}

let agent: MockAgent;
let directory: string;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-update-download-'));
});

afterEach(async () => {
  await agent.close();
  rmSync(directory, { recursive: true, force: true });
});

type TestOptions = Omit<UpdateOptions, 'store'>;

function options(overrides: Partial<TestOptions> = {}): TestOptions {
  return {
    ecosystems: ['PyPI'],
    baseUrl: `${ORIGIN}/exports`,
    dispatcher: agent,
    clock: fixedClock('2025-01-01T00:00:00Z'),
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1000, sleep: async () => {} },
    ...overrides,
  };
}

/** `db update` as the CLI runs it: the database opened for writing, closed afterwards. */
async function update(testOptions: TestOptions): Promise<UpdateResult> {
  const store = openSqliteStore(path.join(directory, 'advisories.sqlite'));
  try {
    return await updateAdvisoryDatabase({ ...testOptions, store });
  } finally {
    store.close();
  }
}

describe('db update downloads through the HTTP layer', () => {
  it('follows a redirect to another host (a mirror or a signed URL)', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/exports/PyPI/all.zip', method: 'GET' })
      .reply(302, '', { headers: { location: `${MIRROR}/osv/PyPI/all.zip?X-Amz-Signature=s1gnature-value` } });
    agent.get(MIRROR).intercept({ path: '/osv/PyPI/all.zip?X-Amz-Signature=s1gnature-value', method: 'GET' }).reply(200, exportZip());
    const result = await update(options());
    expect(result.ecosystems[0]).toMatchObject({ reachable: true, mode: 'full', imported: 1 });
    agent.assertNoPendingInterceptors();
  });

  it('stops after ten redirects, naming the URL without its secrets', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: (requested) => requested.startsWith('/exports/PyPI/all.zip'), method: 'GET' })
      .reply(302, '', { headers: { location: '/exports/PyPI/all.zip?token=t0ken-value' } })
      .times(11);
    const result = await update(options({ baseUrl: `${ORIGIN}/exports?token=t0ken-value` }));
    expect(result.ecosystems[0]).toMatchObject({ reachable: false, error: 'https://osv.test/exports/PyPI/all.zip?token=***: more than 10 redirects' });
    expect(JSON.stringify(result)).not.toContain('t0ken-value');
  });

  it('refuses an all.zip larger than its limit before reading it', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/exports/PyPI/all.zip', method: 'GET' })
      .reply(200, exportZip(), { headers: { 'content-length': String(2 * 1024 * 1024 * 1024) } });
    const result = await update(options());
    expect(result.ecosystems[0]).toMatchObject({ reachable: false, error: 'https://osv.test/exports/PyPI/all.zip: the answer is larger than the 1 GiB allowed for it' });
  });

  it('cuts off an export trickling in a byte at a time, at the deadline', async () => {
    const server = await startLocalServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/zip' });
      trickle(response, 'P', 20);
    });
    // Real sockets, and no proxy from the environment.
    const sockets = new Agent();
    try {
      const result = await update(options({ baseUrl: `${server.origin}/exports`, dispatcher: sockets, deadlineMs: 400 }));
      expect(result.ecosystems[0]).toMatchObject({ reachable: false, error: `${server.origin}/exports/PyPI/all.zip did not answer in full within the 0.4 s deadline` });
      expect(server.requests).toEqual(['/exports/PyPI/all.zip']);
    } finally {
      await sockets.close();
      await server.close();
    }
  });
});
