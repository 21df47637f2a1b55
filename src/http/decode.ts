import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

/** What the HTTP layer asks for: every coding node:zlib on Node 20 can undo (no zstd there). */
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

export class UnsupportedEncodingError extends Error {
  constructor(coding: string) {
    super(`unsupported content-encoding ${coding}`);
    this.name = 'UnsupportedEncodingError';
  }
}

/**
 * A body passed its size limit: on the wire (`wire`), or once decompressed
 * (`decoded`: a small compressed answer that inflates past the limit).
 */
export class BodyLimitError extends Error {
  readonly limit: number;
  readonly stage: 'wire' | 'decoded';

  constructor(limit: number, stage: 'wire' | 'decoded') {
    super(stage === 'wire' ? `the answer is larger than the ${formatBytes(limit)} allowed for it` : `the answer inflates to more than the ${formatBytes(limit)} allowed for it (a compression bomb?)`);
    this.name = 'BodyLimitError';
    this.limit = limit;
    this.stage = stage;
  }
}

export interface ReadBodyOptions {
  /** `Content-Encoding` as received; codings are undone in reverse order of listing. */
  contentEncoding?: string | undefined;
  /** Most bytes accepted, on the wire and again after decoding. */
  maxBytes: number;
  /** Called with each chunk's size as it arrives (for byte counts). */
  onWireBytes?: (bytes: number) => void;
}

/**
 * Reads a body as it streams in, undoing Content-Encoding (undici's
 * request() does not) with node:zlib's streaming decoders: gzip (several
 * members too), deflate (zlib-wrapped or raw, as servers send both under that
 * name) and br. Both the bytes received and the bytes decoded are counted as
 * they come, and the read stops (the source is destroyed) at the first byte
 * past `maxBytes`, throwing BodyLimitError: a gzip bomb costs at most
 * `maxBytes` of memory, never its inflated size. Unknown codings throw
 * UnsupportedEncodingError before anything is read; corrupt data throws
 * zlib's error.
 */
export async function readBody(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: ReadBodyOptions): Promise<Buffer> {
  const decoders = decodersFor(options.contentEncoding);
  const { maxBytes } = options;
  let received = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      received += chunk.length;
      options.onWireBytes?.(chunk.length);
      if (received > maxBytes) throw new BodyLimitError(maxBytes, 'wire');
      yield chunk;
    }
  }
  const chunks: Buffer[] = [];
  let decoded = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      decoded += chunk.length;
      if (decoded > maxBytes) {
        callback(new BodyLimitError(maxBytes, 'decoded'));
        return;
      }
      chunks.push(chunk);
      callback();
    },
  });
  await pipeline([Readable.from(counted(), { objectMode: false }), ...decoders, sink]);
  return Buffer.concat(chunks, decoded);
}

/**
 * readBody over a body already in memory.
 * @internal A test seam: the tests, test/http-replay.ts and the fuzzer decode bodies held in memory.
 */
export async function decodeBody(body: Buffer, contentEncoding: string | undefined, maxBytes = Number.MAX_SAFE_INTEGER): Promise<Buffer> {
  if (!contentEncoding && body.length <= maxBytes) return body;
  return readBody([body], { contentEncoding, maxBytes });
}

function decodersFor(contentEncoding: string | undefined): Transform[] {
  if (!contentEncoding) return [];
  const codings = contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.reverse().map((coding): Transform => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return zlib.createGunzip();
      case 'deflate':
        return createDeflateDecoder();
      case 'br':
        return zlib.createBrotliDecompress();
      default:
        throw new UnsupportedEncodingError(coding);
    }
  });
}

/** RFC 1950: compression method 8 in the low nibble of the first byte, and the two header bytes a multiple of 31. */
function isZlibHeader(bytes: Buffer): boolean {
  return (bytes[0]! & 0x0f) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0;
}

/**
 * "deflate" as servers send it: zlib-wrapped (RFC 9110) or raw. The first two
 * bytes tell which; the rest streams through the matching inflater.
 */
function createDeflateDecoder(): Transform {
  let inner: zlib.Inflate | zlib.InflateRaw | null = null;
  // A stream whose end marker arrives with data after it ends before flush: waiting for 'end' then would wait for ever.
  let innerEnded = false;
  let head = Buffer.alloc(0);
  const outer = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (inner === null) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 2) {
          callback();
          return;
        }
        chunk = head;
        choose(head);
      }
      inner!.write(chunk, () => callback());
    },
    flush(callback) {
      if (inner === null) {
        if (head.length === 0) {
          callback();
          return;
        }
        choose(head);
        inner!.write(head);
      }
      if (innerEnded) {
        callback();
        return;
      }
      inner!.once('end', () => callback());
      inner!.end();
    },
    destroy(error, callback) {
      inner?.destroy();
      callback(error);
    },
  });
  function choose(bytes: Buffer): void {
    inner = bytes.length >= 2 && isZlibHeader(bytes) ? zlib.createInflate() : zlib.createInflateRaw();
    inner.on('data', (data: Buffer) => outer.push(data));
    inner.on('end', () => {
      innerEnded = true;
    });
    inner.on('error', (error) => outer.destroy(error));
  }
  return outer;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit++;
  }
  return `${value} ${units[unit]}`;
}
