import zlib from 'node:zlib';

/**
 * Builds zip archives byte by byte for tests, including ones no honest
 * writer produces: central directory entries that point at another entry's
 * member, sizes that lie. Members are written in order; `directory` decides
 * what the central directory says about them (default: the truth).
 */

export interface FixtureMember {
  name: string;
  data: Uint8Array;
  /** 8 (deflate, the default) or 0 (stored). */
  method?: 0 | 8;
}

/** A member as written: where its local header starts and what it holds. */
export interface PlacedMember {
  name: string;
  offset: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
}

/** What the central directory says about a member: by default, the truth (a PlacedMember). */
export type FixtureDirectoryEntry = PlacedMember;

export function buildZip(members: readonly FixtureMember[], directory: (placed: PlacedMember[]) => FixtureDirectoryEntry[] = (placed) => placed): Uint8Array {
  const parts: Uint8Array[] = [];
  const placed: PlacedMember[] = [];
  let offset = 0;
  for (const member of members) {
    const method = member.method ?? 8;
    const body = method === 8 ? zlib.deflateRawSync(member.data, { level: 9 }) : member.data;
    const name = Buffer.from(member.name, 'utf8');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(method, 8);
    header.writeUInt32LE(zlib.crc32(member.data), 14);
    header.writeUInt32LE(body.length, 18);
    header.writeUInt32LE(member.data.length, 22);
    header.writeUInt16LE(name.length, 26);
    placed.push({ name: member.name, offset, method, crc32: zlib.crc32(member.data), compressedSize: body.length, uncompressedSize: member.data.length });
    parts.push(header, name, body);
    offset += header.length + name.length + body.length;
  }
  const directoryOffset = offset;
  const entries = directory(placed);
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(entry.method, 10);
    header.writeUInt32LE(entry.crc32, 16);
    header.writeUInt32LE(entry.compressedSize, 20);
    header.writeUInt32LE(entry.uncompressedSize, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(entry.offset, 42);
    parts.push(header, name);
    offset += header.length + name.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length & 0xffff, 8);
  end.writeUInt16LE(entries.length & 0xffff, 10);
  end.writeUInt32LE(offset - directoryOffset, 12);
  end.writeUInt32LE(directoryOffset, 16);
  parts.push(end);
  return Buffer.concat(parts);
}

/**
 * The archive of issue 7: one member that inflates to `inflatedBytes` of
 * JSON-ish filler, and `copies` central directory entries all pointing at it.
 */
export function overlappingBomb(copies: number, inflatedBytes: number): Uint8Array {
  const filler = Buffer.alloc(inflatedBytes, 0x20);
  filler.write('{"id":"BOMB","modified":"2024-01-01T00:00:00Z"}', 0);
  return buildZip([{ name: 'BOMB.json', data: filler }], (placed) =>
    Array.from({ length: copies }, (_, index) => ({ ...placed[0]!, name: `BOMB-${index}.json` })),
  );
}
