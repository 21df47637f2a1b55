import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody } from './decode.js';

const body = Buffer.from(JSON.stringify({ name: 'demo', versions: Array.from({ length: 50 }, (_, index) => `1.${index}.0`) }));

describe('decodeBody', () => {
  it.each([
    ['gzip', gzipSync(body)],
    ['deflate', deflateSync(body)],
    ['deflate', deflateRawSync(body)],
    ['br', brotliCompressSync(body)],
    ['gzip, br', brotliCompressSync(gzipSync(body))],
  ])('undoes %s', async (coding, encoded) => {
    expect((await decodeBody(encoded, coding)).equals(body)).toBe(true);
  });

  it('settles on a deflate stream with bytes after its end (found by the fuzzer: the promise never settled)', async () => {
    const encoded = Buffer.concat([deflateSync(body), Buffer.from('trailing bytes after the end marker')]);
    expect((await decodeBody(encoded, 'deflate')).equals(body)).toBe(true);
  });

  it('rejects corrupt and cut-off bodies instead of hanging', async () => {
    const cut = deflateSync(body).subarray(0, 20);
    await expect(decodeBody(cut, 'deflate')).rejects.toThrow();
    await expect(decodeBody(gzipSync(body).subarray(0, 20), 'gzip')).rejects.toThrow();
    await expect(decodeBody(Buffer.from('not brotli at all'), 'br')).rejects.toThrow();
  });
});
