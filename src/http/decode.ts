import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotliDecompress = promisify(zlib.brotliDecompress);

/** What the HTTP layer asks for: every coding node:zlib on Node 20 can undo (no zstd there). */
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

export class UnsupportedEncodingError extends Error {
  constructor(coding: string) {
    super(`unsupported content-encoding ${coding}`);
    this.name = 'UnsupportedEncodingError';
  }
}

/**
 * Undoes Content-Encoding (undici's request() does not): gzip, deflate and
 * br, applied in reverse order of listing. Unknown codings throw
 * UnsupportedEncodingError; corrupt data throws zlib's error.
 */
export async function decodeBody(body: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  if (!contentEncoding) return body;
  const codings = contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  let decoded = body;
  for (const coding of codings.reverse()) {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        decoded = await gunzip(decoded);
        break;
      case 'deflate':
        // Servers send zlib-wrapped or raw deflate under this name; accept both.
        decoded = await inflate(decoded).catch(() => inflateRaw(decoded));
        break;
      case 'br':
        decoded = await brotliDecompress(decoded);
        break;
      default:
        throw new UnsupportedEncodingError(coding);
    }
  }
  return decoded;
}
