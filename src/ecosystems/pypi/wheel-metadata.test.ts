import zlib from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  findTarMember,
  findWheelMetadataEntry,
  metadataVersionParts,
  parseCoreMetadata,
  readSdistPkgInfo,
  readZipDirectory,
  readZipMember,
  sdistFormatOf,
  ZIP_TAIL_BYTES,
  type ByteSource,
} from './wheel-metadata.js';

/** An in-memory file that logs every read, to count what a range reader would request. */
function memorySource(bytes: Uint8Array): ByteSource & { reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    size: bytes.length,
    reads,
    async read(start, end) {
      reads.push([start, end]);
      return bytes.subarray(start, end);
    },
  };
}

function u16(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff];
}
function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}
function u64(value: number): number[] {
  return [...u32(value % 2 ** 32), ...u32(Math.floor(value / 2 ** 32))];
}

/**
 * A stored-only zip written field by field (APPNOTE 4.3), with every size and
 * offset in ZIP64 form when `zip64` is set: fflate never writes ZIP64.
 */
function handMadeZip(files: Record<string, string>, options: { zip64?: boolean; comment?: string } = {}): Uint8Array {
  const local: number[] = [];
  const central: number[] = [];
  const names = Object.keys(files);
  for (const name of names) {
    const nameBytes = [...Buffer.from(name, 'utf8')];
    const data = [...Buffer.from(files[name]!, 'utf8')];
    const crc = zlib.crc32(Buffer.from(data));
    const offset = local.length;
    local.push(...u32(0x04034b50), ...u16(20), ...u16(0x0800), ...u16(0), ...u32(0), ...u32(crc), ...u32(data.length), ...u32(data.length));
    local.push(...u16(nameBytes.length), ...u16(0), ...nameBytes, ...data);
    const extra = options.zip64 ? [...u16(0x0001), ...u16(24), ...u64(data.length), ...u64(data.length), ...u64(offset)] : [];
    const big = options.zip64 ? 0xffffffff : undefined;
    central.push(...u32(0x02014b50), ...u16(45), ...u16(45), ...u16(0x0800), ...u16(0), ...u32(0), ...u32(crc));
    central.push(...u32(big ?? data.length), ...u32(big ?? data.length), ...u16(nameBytes.length), ...u16(extra.length), ...u16(0));
    central.push(...u16(0), ...u16(0), ...u32(0), ...u32(big ?? offset), ...nameBytes, ...extra);
  }
  const directoryOffset = local.length;
  const tail: number[] = [];
  if (options.zip64) {
    const recordOffset = directoryOffset + central.length;
    tail.push(...u32(0x06064b50), ...u64(44), ...u16(45), ...u16(45), ...u32(0), ...u32(0));
    tail.push(...u64(names.length), ...u64(names.length), ...u64(central.length), ...u64(directoryOffset));
    tail.push(...u32(0x07064b50), ...u32(0), ...u64(recordOffset), ...u32(1));
  }
  const comment = [...Buffer.from(options.comment ?? '', 'utf8')];
  const count = options.zip64 ? 0xffff : names.length;
  tail.push(...u32(0x06054b50), ...u16(0), ...u16(0), ...u16(count), ...u16(count));
  tail.push(...u32(options.zip64 ? 0xffffffff : central.length), ...u32(options.zip64 ? 0xffffffff : directoryOffset), ...u16(comment.length), ...comment);
  return Uint8Array.from([...local, ...central, ...tail]);
}

async function readAll(bytes: Uint8Array): Promise<Record<string, string>> {
  const source = memorySource(bytes);
  const directory = await readZipDirectory(source, 'test.whl');
  if (!directory.ok) throw directory.error;
  const out: Record<string, string> = {};
  for (const entry of directory.value.entries) {
    const content = await readZipMember(source, directory.value, entry, 'test.whl');
    if (!content.ok) throw content.error;
    out[entry.name] = content.value.toString('utf8');
  }
  return out;
}

const WHEEL_FILES = {
  'demo/__init__.py': 'VALUE = 1\n'.repeat(50),
  'demo-1.0.data/data/share/jupyter/labextensions/demo/package.json': '{"name": "demo-extension", "version": "1.0.0"}',
  'demo-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n',
  'demo-1.0.dist-info/RECORD': '',
};

describe('readZipDirectory and readZipMember', () => {
  it.each([
    ['deflated (fflate)', zipSync(Object.fromEntries(Object.entries(WHEEL_FILES).map(([name, text]) => [name, strToU8(text)])), { level: 9 })],
    ['stored', zipSync(Object.fromEntries(Object.entries(WHEEL_FILES).map(([name, text]) => [name, strToU8(text)])), { level: 0 })],
    ['stored, ZIP64 records', handMadeZip(WHEEL_FILES, { zip64: true })],
    ['with an archive comment', handMadeZip(WHEEL_FILES, { comment: 'built by hand' })],
  ])('reads every member of a %s archive', async (_label, bytes) => {
    expect(await readAll(bytes)).toEqual(WHEEL_FILES);
  });

  it('reads the directory of a small archive with one read, and a member with one more', async () => {
    const bytes = zipSync({ 'a.txt': strToU8('alpha'), 'b.txt': strToU8('beta') });
    const source = memorySource(bytes);
    const directory = await readZipDirectory(source, 'x.whl');
    if (!directory.ok) throw directory.error;
    expect(directory.value.entries.map((entry) => entry.name)).toEqual(['a.txt', 'b.txt']);
    // A tail read of the whole (small) file, then the directory slice inside it.
    expect(source.reads[0]).toEqual([0, bytes.length]);
    const before = source.reads.length;
    const member = await readZipMember(source, directory.value, directory.value.entries[1]!, 'x.whl');
    expect(member.ok && member.value.toString()).toBe('beta');
    expect(source.reads.length).toBe(before + 1);
    // From b.txt's local header to the central directory: exactly its bytes.
    expect(source.reads.at(-1)).toEqual([directory.value.entries[1]!.localHeaderOffset, directory.value.centralDirectoryOffset]);
  });

  it('reads only the last ZIP_TAIL_BYTES first of a large archive', async () => {
    const bytes = zipSync({ 'big.bin': new Uint8Array(200_000).map((_, index) => (index * 7919) % 251), 'small.txt': strToU8('x') }, { level: 0 });
    const source = memorySource(bytes);
    const directory = await readZipDirectory(source, 'big.whl');
    expect(directory.ok).toBe(true);
    expect(source.reads[0]).toEqual([bytes.length - ZIP_TAIL_BYTES, bytes.length]);
  });

  it('finds the end record behind a comment longer than the first tail read', async () => {
    const bytes = handMadeZip({ 'a.txt': 'alpha' }, { comment: 'c'.repeat(ZIP_TAIL_BYTES + 100) });
    expect(await readAll(bytes)).toEqual({ 'a.txt': 'alpha' });
  });

  it.each([
    ['not a zip at all', new Uint8Array(100).fill(0x41), /no end of central directory record/],
    ['shorter than an end record', new Uint8Array(10), /too short/],
  ])('returns an error value for %s', async (_label, bytes, message) => {
    const result = await readZipDirectory(memorySource(bytes), 'bad.whl');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('unreadable-file');
      expect(result.error.message).toMatch(message);
      expect(result.error.location?.path).toBe('bad.whl');
    }
  });

  it('reports a member whose bytes do not match its CRC-32', async () => {
    const bytes = handMadeZip({ 'a.txt': 'alpha' });
    const corrupt = Uint8Array.from(bytes);
    corrupt[30 + 'a.txt'.length] = 'A'.charCodeAt(0); // the first data byte
    const source = memorySource(corrupt);
    const directory = await readZipDirectory(source, 'c.whl');
    if (!directory.ok) throw directory.error;
    const member = await readZipMember(source, directory.value, directory.value.entries[0]!, 'c.whl');
    expect(member.ok).toBe(false);
    if (!member.ok) {
      expect(member.error.message).toMatch(/CRC-32 mismatch/);
      expect(member.error.location?.path).toBe('c.whl!/a.txt');
    }
  });

  it('finds the wheel\'s own METADATA, not a vendored one deeper down', () => {
    const entry = (name: string) => ({ name, method: 0, flags: 0, crc32: 0, compressedSize: 0, uncompressedSize: 0, localHeaderOffset: 0 });
    const directory = {
      centralDirectoryOffset: 0,
      entries: [entry('demo/_vendor/other-2.0.dist-info/METADATA'), entry('other-2.0.dist-info/METADATA'), entry('demo-1.0.dist-info/METADATA')],
    };
    expect(findWheelMetadataEntry(directory, 'demo-1.0-py3-none-any.whl')?.name).toBe('demo-1.0.dist-info/METADATA');
    expect(findWheelMetadataEntry({ centralDirectoryOffset: 0, entries: [directory.entries[0]!] }, 'demo-1.0-py3-none-any.whl')).toBeNull();
  });
});

describe('parseCoreMetadata', () => {
  const text = [
    'Metadata-Version: 2.1',
    'Name: demo',
    'Version: 1.0',
    'License: Copyright (c) 2015 Someone',
    '        All rights reserved.',
    '        ',
    '        Redistribution permitted.',
    'Home-page: UNKNOWN',
    'Project-URL: Source, https://github.com/example/demo',
    'Project-URL: Issues,https://github.com/example/demo/issues',
    'Requires-Python: >=3.8',
    'Requires-Dist: requests (>=2.0)',
    "Requires-Dist: tomli>=1.1; python_version < '3.11'",
    'Provides-Extra: test',
    'Requires-Dist: pytest; extra == "test"',
    'requires-dist: lowercase-header',
    'Dynamic: License',
    'Description: old-style description',
    '       |with a bar continuation',
    '',
    'Requires-Dist: not-a-header-this-is-the-body',
  ].join('\r\n');
  const metadata = parseCoreMetadata(text, 'demo/METADATA');

  it.each([
    ['metadataVersion', '2.1'],
    ['name', 'demo'],
    ['version', '1.0'],
    ['requiresPython', '>=3.8'],
    ['license', 'Copyright (c) 2015 Someone\nAll rights reserved.\n\nRedistribution permitted.'],
    ['homePage', null],
    ['providesExtra', ['test']],
    ['dynamic', ['license']],
    ['projectUrls', [{ label: 'Source', url: 'https://github.com/example/demo' }, { label: 'Issues', url: 'https://github.com/example/demo/issues' }]],
  ] as const)('reads %s', (field, expected) => {
    expect(metadata[field]).toEqual(expected);
  });

  it('parses every Requires-Dist header (any case) up to the body, once', () => {
    expect(metadata.requiresDist.map((requirement) => [requirement.normalizedName, requirement.specifier, requirement.marker !== undefined])).toEqual([
      ['requests', '>=2.0', false],
      ['tomli', '>=1.1', true],
      ['pytest', '', true],
      ['lowercase-header', '', false],
    ]);
    expect(metadata.errors).toEqual([]);
  });

  it('keeps a continuation with a bar as the text after the bar', () => {
    expect(metadata.fields.description).toEqual(['old-style description\nwith a bar continuation']);
  });

  it('reports a line that is not a header, with its line, and stops there', () => {
    const broken = parseCoreMetadata('Name: x\nthis is not a header\nVersion: 1', 'PKG-INFO');
    expect(broken.name).toBe('x');
    expect(broken.version).toBeNull();
    expect(broken.errors.map((error) => [error.code, error.location])).toEqual([['parse-error', { path: 'PKG-INFO', line: 2 }]]);
  });

  it('keeps Requires-Dist lines that are not PEP 508 apart, with the parser error', () => {
    const parsed = parseCoreMetadata('Name: x\nRequires-Dist: good>=1\nRequires-Dist: bad >=< 1\n');
    expect(parsed.requiresDist.map((requirement) => requirement.name)).toEqual(['good']);
    expect(parsed.invalidRequiresDist.map((invalid) => [invalid.text, invalid.error.code])).toEqual([['bad >=< 1', 'invalid-requirement']]);
  });

  it.each([
    ['1.1', [1, 1]],
    ['2.2', [2, 2]],
    ['2.10', [2, 10]],
    [null, null],
    ['two', null],
  ] as const)('metadataVersionParts(%j) is %j', (input, expected) => {
    expect(metadataVersionParts(input)).toEqual(expected);
  });
});

/** A ustar header block (with checksum) for a file of `size` bytes. */
function tarHeader(name: string, size: number, type = '0', prefix = ''): Uint8Array {
  const header = new Uint8Array(512);
  const put = (text: string, offset: number) => header.set(Buffer.from(text, 'utf8'), offset);
  put(name, 0);
  put('0000644\0', 100);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124);
  put('00000000000\0', 136);
  put(type, 156);
  put('ustar\0', 257);
  put('00', 263);
  put(prefix, 345);
  header.fill(0x20, 148, 156);
  const sum = header.reduce((total, byte) => total + byte, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

function tarEntry(name: string, content: string, type = '0', prefix = ''): Uint8Array[] {
  const data = Buffer.from(content, 'utf8');
  const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
  padded.set(data);
  return [tarHeader(name, data.length, type, prefix), padded];
}

function tar(...blocks: Uint8Array[][]): Uint8Array {
  return Buffer.concat([...blocks.flat(), new Uint8Array(1024)]);
}

const PKG_INFO = 'Metadata-Version: 1.1\nName: demo\nVersion: 0.1\n';

describe('sdists: findTarMember and readSdistPkgInfo', () => {
  it.each([
    ['a plain ustar name', tar(tarEntry('demo-0.1/setup.py', 'pass'), tarEntry('demo-0.1/demo.egg-info/PKG-INFO', 'egg'), tarEntry('demo-0.1/PKG-INFO', PKG_INFO))],
    ['a ./ prefix', tar(tarEntry('./demo-0.1/PKG-INFO', PKG_INFO))],
    ['a ustar prefix field', tar(tarEntry('PKG-INFO', PKG_INFO, '0', 'demo-0.1'))],
    ['a GNU long name', tar(tarEntry('././@LongLink', 'demo-0.1/PKG-INFO\0', 'L'), tarEntry('demo-0.1/PKG-IN', PKG_INFO))],
    ['a PAX path', tar(tarEntry('PaxHeaders/x', '30 path=demo-0.1/PKG-INFO\n', 'x'), tarEntry('demo-0.1/short', PKG_INFO))],
  ])('finds the top-level PKG-INFO under %s', (_label, archive) => {
    const found = readSdistPkgInfo(archive, 'tar', 'demo-0.1.tar');
    expect(found).toEqual({ ok: true, value: PKG_INFO });
  });

  it('reads a gzipped tar and a zip', () => {
    const archive = tar(tarEntry('demo-0.1/PKG-INFO', PKG_INFO));
    expect(readSdistPkgInfo(zlib.gzipSync(archive), 'tar.gz', 'demo-0.1.tar.gz')).toEqual({ ok: true, value: PKG_INFO });
    const zip = zipSync({ 'demo-0.1/demo.egg-info/PKG-INFO': strToU8('egg'), 'demo-0.1/PKG-INFO': strToU8(PKG_INFO) });
    expect(readSdistPkgInfo(zip, 'zip', 'demo-0.1.zip')).toEqual({ ok: true, value: PKG_INFO });
  });

  it('answers null when there is no top-level PKG-INFO', () => {
    expect(readSdistPkgInfo(tar(tarEntry('demo-0.1/demo.egg-info/PKG-INFO', 'egg')), 'tar', 'x.tar')).toEqual({ ok: true, value: null });
  });

  it.each([
    ['a header with a bad checksum', 'tar' as const, (() => {
      const archive = tar(tarEntry('demo-0.1/PKG-INFO', PKG_INFO));
      archive[0] = 'X'.charCodeAt(0);
      return archive;
    })(), /bad header checksum at byte 0/],
    ['a gzip file that is not one', 'tar.gz' as const, Buffer.from('not gzip'), /not a readable gzip file/],
    ['a zip that is not one', 'zip' as const, Buffer.from('not a zip'), /not a readable zip archive/],
  ])('returns an error value for %s', (_label, format, archive, message) => {
    const result = readSdistPkgInfo(archive, format, 'bad-sdist');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toMatch(message);
      expect(result.error.location?.path).toBe('bad-sdist');
    }
  });

  it('reports a truncated member', () => {
    const archive = Buffer.concat(tarEntry('demo-0.1/PKG-INFO', PKG_INFO)).subarray(0, 520);
    const result = findTarMember(archive, () => true, 'cut.tar');
    expect(result.ok).toBe(false);
  });

  it.each([
    ['demo-1.0.tar.gz', 'tar.gz'],
    ['demo-1.0.tgz', 'tar.gz'],
    ['demo-1.0.tar', 'tar'],
    ['demo-1.0.ZIP', 'zip'],
    ['demo-1.0.tar.bz2', null],
    ['demo-1.0.tar.xz', null],
  ] as const)('sdistFormatOf(%j) is %j', (filename, expected) => {
    expect(sdistFormatOf(filename)).toBe(expected);
  });
});
