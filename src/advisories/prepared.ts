import { timestampKey } from './timestamps.js';
import type { OsvRecord } from './types.js';

/**
 * A validated record in the form the store writes: its JSON text and the
 * fields the store indexes, worked out wherever the record was validated (a
 * worker thread, for a big import), so the thread that writes the database
 * only writes. Plain data: it crosses threads by structured clone.
 */
export interface PreparedRecord {
  id: string;
  modified: string;
  /** timestampKey(modified), or '' when it is no date. */
  modifiedKey: string;
  withdrawn: string | null;
  /**
   * JSON.stringify of the record: the stored text, complete; or that text as
   * UTF-8 bytes (packJson: a worker's batch shares one transferred buffer,
   * so the writing thread neither copies nor decodes it).
   */
  json: string | Uint8Array;
  /** `affected[].package` of the entries that have one, as the record spells them: ecosystem, name, ecosystem, name… */
  packages: string[];
  aliases: string[];
}

export function prepareRecord(record: OsvRecord): PreparedRecord {
  const packages: string[] = [];
  for (const affected of record.affected ?? []) {
    if (affected.package) packages.push(affected.package.ecosystem, affected.package.name);
  }
  return {
    id: record.id,
    modified: record.modified,
    modifiedKey: timestampKey(record.modified) ?? '',
    withdrawn: record.withdrawn ?? null,
    json: JSON.stringify(record),
    packages,
    aliases: record.aliases ?? [],
  };
}

/**
 * Moves the JSON texts of `records` into one buffer of UTF-8 bytes, each
 * record's `json` becoming its slice; returns the buffer, to be transferred
 * with the records.
 */
export function packJson(records: PreparedRecord[]): ArrayBuffer {
  let total = 0;
  for (const record of records) total += typeof record.json === 'string' ? Buffer.byteLength(record.json) : record.json.byteLength;
  const packed = Buffer.allocUnsafeSlow(total);
  let offset = 0;
  for (const record of records) {
    const length = typeof record.json === 'string' ? packed.write(record.json, offset) : (packed.set(record.json, offset), record.json.byteLength);
    record.json = new Uint8Array(packed.buffer, offset, length);
    offset += length;
  }
  return packed.buffer as ArrayBuffer;
}

const utf8 = new TextDecoder();

/** A prepared record's JSON as text, however it is held. */
export function jsonTextOf(record: PreparedRecord): string {
  return typeof record.json === 'string' ? record.json : utf8.decode(record.json);
}
