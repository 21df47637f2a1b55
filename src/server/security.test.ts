import * as cryptoModule from 'node:crypto';
import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// The comparison must go through timingSafeEqual: spied on, not replaced.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof cryptoModule>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const { bearerMatches, bindingProblem, createRedactor, isLoopbackHost, MINIMUM_TOKEN_LENGTH } = await import('./security.js');

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['127.0.0.1.example.test', false],
    ['localhost.example.test', false],
    ['128.0.0.1', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('bindingProblem', () => {
  const token = 'x'.repeat(MINIMUM_TOKEN_LENGTH);
  it('lets loopback start without a token, and any host with one', () => {
    expect(bindingProblem('127.0.0.1', undefined)).toBeNull();
    expect(bindingProblem('::1', undefined)).toBeNull();
    expect(bindingProblem('0.0.0.0', token)).toBeNull();
    expect(bindingProblem('127.0.0.1', token)).toBeNull();
  });

  it('refuses another host without a token, and a short token, saying why', () => {
    expect(bindingProblem('0.0.0.0', undefined)).toMatch(/--host 0\.0\.0\.0 would let other machines read the runs history: set CHAINWATCH_SERVE_TOKEN/);
    expect(bindingProblem('192.168.1.10', undefined)).toContain('CHAINWATCH_SERVE_TOKEN');
    expect(bindingProblem('127.0.0.1', 'short')).toContain('is 5 characters long');
  });
});

describe('bearerMatches', () => {
  const expected = createHash('sha256').update('the-right-token-0123456789').digest();
  it('accepts the right token only, comparing SHA-256 digests with timingSafeEqual', () => {
    const spy = vi.mocked(cryptoModule.timingSafeEqual);
    spy.mockClear();
    expect(bearerMatches('Bearer the-right-token-0123456789', expected)).toBe(true);
    expect(bearerMatches('bearer the-right-token-0123456789', expected)).toBe(true);
    expect(bearerMatches('Bearer the-right-token-012345678', expected)).toBe(false);
    expect(bearerMatches('Bearer the-right-token-0123456789x', expected)).toBe(false);
    expect(bearerMatches('Basic the-right-token-0123456789', expected)).toBe(false);
    expect(bearerMatches('the-right-token-0123456789', expected)).toBe(false);
    expect(bearerMatches(undefined, expected)).toBe(false);
    expect(bearerMatches('Bearer ', expected)).toBe(false);
    // Every comparison, even of a malformed header, went through timingSafeEqual over 32-byte digests.
    expect(spy).toHaveBeenCalledTimes(8);
    for (const [given, wanted] of spy.mock.calls) {
      expect((given as Buffer).length).toBe(32);
      expect(wanted).toBe(expected);
    }
  });
});

describe('createRedactor', () => {
  it('replaces the history directory, home, working and temporary directories, and masks secrets', () => {
    const history = path.join(tmpdir(), 'chainwatch-history');
    const redact = createRedactor({ historyDirectory: history, token: 'serve-token-0123456789', env: { GH_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' }, cwd: '/work/checkouts' });
    const text = JSON.stringify({
      a: `not a checkout: ${history}/pypa`,
      b: `dir:${path.join(homedir(), 'exports')}`,
      c: '/work/checkouts/jupyter/notebook:12',
      d: `${tmpdir()}/x`,
      e: 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789 and serve-token-0123456789',
      f: 'https://user:secret@mirror.example/simple/',
      g: `${history}-other/file`,
      h: 'https://example.test/work/checkouts/x',
    });
    const out = JSON.parse(redact(text)) as Record<string, string>;
    expect(out).toEqual({
      a: 'not a checkout: [history]/pypa',
      b: 'dir:~/exports',
      c: '[cwd]/jupyter/notebook:12',
      d: '[tmp]/x',
      e: 'token *** and ***',
      f: 'https://***@mirror.example/simple/',
      g: '[tmp]/chainwatch-history-other/file',
      h: 'https://example.test/work/checkouts/x',
    });
  });

  it('never treats the root directory as a place to hide', () => {
    const redact = createRedactor({ historyDirectory: '/data', env: {}, cwd: '/' });
    expect(redact('"/usr/share and /data/x"')).toBe('"/usr/share and [history]/x"');
  });
});
