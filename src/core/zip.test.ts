import { describe, expect, it } from 'vitest';
import { buildZip, overlappingBomb, type PlacedMember } from './zip.fixture.js';
import { readZipDirectory, readZipDirectorySync, readZipMemberSync, type ByteSource, type ZipLimits } from './zip.js';

const text = (value: string) => Buffer.from(value, 'utf8');
const LIMITS: ZipLimits = { maxMemberBytes: 1024, maxTotalBytes: 4096, maxEntries: 100 };

function memorySource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (start, end) => bytes.subarray(start, end) };
}

function errorOf<T>(result: { ok: true; value: T } | { ok: false; error: Error }): Error {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

describe('zip members must not overlap', () => {
  it('refuses an archive whose directory points many entries at one member, before inflating any', () => {
    // 1 MiB of filler per copy, deflated to about a kilobyte: 4,000 copies would inflate 4 GiB.
    const bomb = overlappingBomb(4000, 1024 * 1024);
    expect(bomb.length).toBeLessThan(256 * 1024);
    const error = errorOf(readZipDirectorySync(bomb, 'bomb.zip'));
    expect(error.message).toMatch(/^not a readable zip archive: entries "BOMB-\d+\.json" and "BOMB-\d+\.json" both start at offset 0$/);
    expect((error as { location?: unknown }).location).toEqual({ path: 'bomb.zip' });
  });

  it('refuses it over range requests too (the wheel reader)', async () => {
    const error = errorOf(await readZipDirectory(memorySource(overlappingBomb(3, 100)), 'x.whl'));
    expect(error.message).toMatch(/both start at offset 0/);
  });

  it('refuses an entry that starts inside another member\'s data', () => {
    const zip = buildZip([{ name: 'a.json', data: text('{"a": 1}'.repeat(100)), method: 0 }], (placed) => [
      placed[0]!,
      // The same bytes seen from 10 bytes further on: a second member hiding in the first one's data.
      { ...placed[0]!, name: 'b.json', offset: placed[0]!.offset + 10 },
    ]);
    expect(errorOf(readZipDirectorySync(zip, 'o.zip')).message).toBe('not a readable zip archive: entry "b.json" starts inside entry "a.json" (overlapping members)');
  });

  it('refuses a member whose data runs into the central directory', () => {
    const zip = buildZip([{ name: 'a.json', data: text('{}'), method: 0 }], (placed) => [{ ...placed[0]!, compressedSize: 500, uncompressedSize: 500 }]);
    expect(errorOf(readZipDirectorySync(zip, 'o.zip')).message).toMatch(/entry "a.json" runs into the central directory/);
  });

  it('reads an honest archive of several members, stored and deflated', () => {
    const zip = buildZip([
      { name: 'a.json', data: text('{"a":1}') },
      { name: 'b.json', data: text('{"b":2}'), method: 0 },
      { name: 'empty.json', data: new Uint8Array(0) },
    ]);
    const directory = readZipDirectorySync(zip, 'ok.zip', LIMITS);
    if (!directory.ok) throw directory.error;
    const contents = directory.value.entries.map((entry) => {
      const member = readZipMemberSync(zip, directory.value, entry, 'ok.zip', LIMITS);
      return member.ok ? member.value.toString() : member.error.message;
    });
    expect(contents).toEqual(['{"a":1}', '{"b":2}', '']);
  });
});

describe('zip size limits', () => {
  it('refuses an archive whose members together would inflate past maxTotalBytes, naming the archive', () => {
    const members = Array.from({ length: 5 }, (_, index) => ({ name: `m${index}.json`, data: Buffer.alloc(1000, 0x20) }));
    const error = errorOf(readZipDirectorySync(buildZip(members), 'big.zip', LIMITS));
    expect(error.message).toBe('not a readable zip archive: its members would inflate to 5000 bytes, more than the limit of 4096 bytes for this archive');
    expect((error as { location?: unknown }).location).toEqual({ path: 'big.zip' });
    expect(readZipDirectorySync(buildZip(members.slice(0, 4)), 'fits.zip', LIMITS).ok).toBe(true);
  });

  it('refuses more than maxEntries entries', () => {
    const members = Array.from({ length: 101 }, (_, index) => ({ name: `m${index}`, data: new Uint8Array(0), method: 0 as const }));
    expect(errorOf(readZipDirectorySync(buildZip(members), 'many.zip', LIMITS)).message).toMatch(/more than 100 entries/);
  });

  it('refuses a member declared larger than maxMemberBytes, that member alone', () => {
    const zip = buildZip([
      { name: 'big.json', data: Buffer.alloc(2000, 0x20) },
      { name: 'small.json', data: text('{}') },
    ]);
    const directory = readZipDirectorySync(zip, 'm.zip', LIMITS);
    if (!directory.ok) throw directory.error;
    const [big, small] = directory.value.entries.map((entry) => readZipMemberSync(zip, directory.value, entry, 'm.zip', LIMITS));
    expect(errorOf(big!).message).toBe('cannot inflate zip entry: the member is larger than 1024 bytes');
    expect(small!.ok && small!.value.toString()).toBe('{}');
  });

  it('stops inflating a member that inflates past its declared size, without trusting the declaration', () => {
    // Declares 100 bytes; its deflated data holds 1 MiB.
    const lying = (placed: PlacedMember[]) => [{ ...placed[0]!, uncompressedSize: 100 }];
    const zip = buildZip([{ name: 'liar.json', data: Buffer.alloc(1024 * 1024, 0x20) }], lying);
    const directory = readZipDirectorySync(zip, 'l.zip', LIMITS);
    if (!directory.ok) throw directory.error;
    const member = readZipMemberSync(zip, directory.value, directory.value.entries[0]!, 'l.zip', LIMITS);
    const error = errorOf(member);
    expect(error.message).toMatch(/^cannot inflate zip entry: /);
    expect((error as { location?: unknown }).location).toEqual({ path: 'l.zip!/liar.json' });
  });
});
