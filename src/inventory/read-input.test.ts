import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../../test/cli-harness.js';
import { ChainwatchError } from '../core/errors.js';
import { decodeUtf8, firstInvalidUtf8Offset, readInputBytes, readInputBytesSync, readInputText, readInputTextSync } from './read-input.js';

const scratch = temporaryDirectory();
afterAll(() => scratch.remove());

function errorOf(run: () => unknown): ChainwatchError {
  try {
    run();
  } catch (error) {
    if (error instanceof ChainwatchError) return error;
    throw error;
  }
  throw new Error('expected a ChainwatchError');
}

async function asyncErrorOf(run: () => Promise<unknown>): Promise<ChainwatchError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ChainwatchError) return error;
    throw error;
  }
  throw new Error('expected a ChainwatchError');
}

describe('readInput', () => {
  it('reads a regular file, dropping a BOM', async () => {
    const path = join(scratch.path, 'ok.txt');
    writeFileSync(path, '\uFEFFname==1.0\n');
    expect(await readInputText(path, { maxBytes: 100 })).toBe('name==1.0\n');
    expect(readInputTextSync(path, { maxBytes: 100 })).toBe('name==1.0\n');
  });

  it('refuses a FIFO at once instead of blocking (async and sync)', async () => {
    const path = join(scratch.path, 'fifo');
    execFileSync('mkfifo', [path]);
    expect((await asyncErrorOf(() => readInputBytes(path, { maxBytes: 100 }))).message).toMatch(/not a regular file/);
    expect(errorOf(() => readInputBytesSync(path, { maxBytes: 100 })).location?.path).toBe(path);
  });

  it('refuses devices: /dev/zero is never read without bound', async () => {
    const error = await asyncErrorOf(() => readInputBytes('/dev/zero', { maxBytes: 1000 }));
    expect(error.code).toBe('unreadable-file');
    expect(errorOf(() => readInputBytesSync('/dev/zero', { maxBytes: 1000 })).code).toBe('unreadable-file');
  });

  it('stops at the limit, even where stat reports size 0 (/proc)', async () => {
    const path = join(scratch.path, 'big.txt');
    writeFileSync(path, 'x'.repeat(5000));
    const error = await asyncErrorOf(() => readInputBytes(path, { maxBytes: 4096, displayPath: 'shown/big.txt' }));
    expect(error.code).toBe('input-too-large');
    expect(error.describe()).toBe('shown/big.txt: is larger than 4096 bytes, the limit for this kind of input');
    // /proc/self/status has stat size 0 but real content: the read loop must still stop.
    expect(errorOf(() => readInputBytesSync('/proc/self/status', { maxBytes: 10 })).code).toBe('input-too-large');
  });

  it('follows a symlink to a regular file but names a missing one plainly', async () => {
    const target = join(scratch.path, 'target.txt');
    writeFileSync(target, 'a');
    const link = join(scratch.path, 'link.txt');
    symlinkSync(target, link);
    expect(await readInputText(link, { maxBytes: 10 })).toBe('a');
    expect(errorOf(() => readInputBytesSync(join(scratch.path, 'missing'), { maxBytes: 10 })).message).toBe('does not exist');
    mkdirSync(join(scratch.path, 'dir'));
    expect(errorOf(() => readInputBytesSync(join(scratch.path, 'dir'), { maxBytes: 10 })).code).toBe('unreadable-file');
  });

  it('invalid UTF-8 is an error with the line of the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('ok\nstill ok\nbad '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    const error = errorOf(() => decodeUtf8(bytes, 'poetry.lock'));
    expect(error.code).toBe('invalid-encoding');
    expect(error.describe()).toBe('poetry.lock:3: is not valid UTF-8 (first bad byte at offset 16)');
  });

  it('finds the first invalid UTF-8 byte as the strict decoder does', () => {
    const cases: [number[], number][] = [
      [[0x61, 0x62], 2],
      [[0xe2, 0x82, 0xac], 3],
      [[0xf0, 0x9f, 0x98, 0x80, 0xff], 4],
      [[0xc0, 0x80], 0],
      [[0xed, 0xa0, 0x80], 0], // a UTF-16 surrogate encoded
      [[0x61, 0xe2, 0x82], 1], // cut short
      [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
    ];
    for (const [bytes, offset] of cases) expect(firstInvalidUtf8Offset(Uint8Array.from(bytes))).toBe(offset);
  });
});
