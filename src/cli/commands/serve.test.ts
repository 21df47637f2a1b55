import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../../../test/cli-harness.js';
import { buildServeFixture, type ServeFixture } from '../../../test/serve-fixture.js';
import type { CliIo } from '../io.js';
import { runServe, type ServeCommandOptions } from './serve.js';

const directory = temporaryDirectory();
let fixture: ServeFixture;
const TOKEN = 'a-long-serve-token-0123456789';

beforeAll(() => {
  fixture = buildServeFixture(path.join(directory.path, 'history', 'graph.sqlite'));
});
afterAll(() => directory.remove());

/** `chainwatch serve` in this process on 127.0.0.1 and a free port, until `stop()`. */
async function startServe(options: Partial<ServeCommandOptions> = {}, env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(['']),
    env,
    cwd: directory.path,
  };
  const controller = new AbortController();
  const exited = runServe(io, { db: fixture.path, host: '127.0.0.1', port: 0, ...options }, { signal: controller.signal, uiDirectory: path.join(directory.path, 'no-ui') });
  const deadline = Date.now() + 10_000;
  while (!stdout.includes('\n')) {
    const early = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 20))]);
    if (early !== null) return { url: null, code: early, stderr, stop: async () => early };
    if (Date.now() > deadline) throw new Error(`serve did not start: ${stderr}`);
  }
  return {
    url: stdout.trim(),
    code: null,
    get stderr() {
      return stderr;
    },
    stop: async () => {
      controller.abort();
      return exited;
    },
  };
}

describe('chainwatch serve', () => {
  it('serves the API on loopback without a token, prints the URL and stops cleanly', async () => {
    const served = await startServe();
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+\/$/);
      const health = await fetch(`${served.url}api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true, version: expect.any(String) });
      const report = await fetch(`${served.url}api/runs/latest/report`);
      expect(((await report.json()) as { run: { id: number } }).run.id).toBe(fixture.runs.second);
      expect(report.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(served.stderr).toContain('to this machine only');
    } finally {
      expect(await served.stop()).toBe(0);
    }
    expect(served.stderr).toContain('chainwatch: stopped');
  });

  it('with a token, answers 401 without it or with a wrong one, and 200 with it', async () => {
    const served = await startServe({}, { CHAINWATCH_SERVE_TOKEN: TOKEN });
    try {
      const missing = await fetch(`${served.url}api/profiles`);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toContain('Bearer');
      expect(await missing.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('Authorization: Bearer') } });
      for (const header of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN]) {
        expect((await fetch(`${served.url}api/profiles`, { headers: { authorization: header } })).status, header).toBe(401);
      }
      expect((await fetch(`${served.url}api/health`)).status).toBe(401);
      const right = await fetch(`${served.url}api/profiles`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(right.status).toBe(200);
      const body = await right.text();
      expect(body).toContain(fixture.identity);
      expect(body).not.toContain(TOKEN);
      // The UI's files carry no data: a browser loads them before it can send the token.
      expect((await fetch(served.url!)).status).toBe(503);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it('refuses to start on another host without a token, saying why', async () => {
    const { code, stdout, stderr } = await runCli(['serve', '--db', fixture.path, '--host', '0.0.0.0', '--port', '0']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--host 0.0.0.0 would let other machines read the runs history: set CHAINWATCH_SERVE_TOKEN');
  });

  it('refuses a token too short to protect anything', async () => {
    const { code, stderr } = await runCli(['serve', '--db', fixture.path, '--port', '0'], { env: { CHAINWATCH_SERVE_TOKEN: 'hunter2' } });
    expect(code).toBe(2);
    expect(stderr).toContain('CHAINWATCH_SERVE_TOKEN is 7 characters long');
    expect(stderr).not.toContain('hunter2');
  });

  it('says the port is in use, exit 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const served = await startServe({ port });
      expect(served.code).toBe(2);
      expect(served.stderr).toContain(`port ${port} is in use on 127.0.0.1: stop what listens there, or give another with --port`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('says there are no runs yet when the history is missing, and refuses a bad port', async () => {
    const missing = await runCli(['serve', '--db', path.join(directory.path, 'nothing.sqlite')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no runs yet');
    const badPort = await runCli(['serve', '--db', fixture.path, '--port', '70000']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('expected a port number');
  });

  it('stops cleanly on SIGTERM as a process', async () => {
    const script = path.join(directory.path, 'serve-main.mts');
    const main = fileURLToPath(new URL('../main.ts', import.meta.url));
    writeFileSync(script, `import { main } from ${JSON.stringify(main)};\nprocess.exitCode = await main(process.argv.slice(2));\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', script, 'serve', '--db', fixture.path, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CHAINWATCH_SERVE_TOKEN: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!stdout.includes('\n') && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
      const url = stdout.trim();
      expect(url, stderr).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+\/$/);
      expect((await fetch(`${url}api/health`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toContain('chainwatch: stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
