/**
 * The header block of a Python distribution's core metadata (`METADATA`,
 * `PKG-INFO`): RFC 822–style `Field: value` lines, a continuation line
 * starting with a space or tab, the block ended by the first blank line (what
 * follows is the description body, Metadata-Version 2.1+). Field names are
 * case-insensitive; a field may repeat (`Classifier`, `Requires-Dist`), and only
 * the first value of each is kept: only single-use fields are read.
 *
 * Hand-written: the format is the email header grammar Python's own
 * `email.parser` (which `importlib.metadata` uses) reads, and no npm library
 * reads it with line numbers.
 */

import { excerpt } from '../../core/excerpt.js';

export interface MetadataField {
  value: string;
  /** 1-based line of the `Field:` line. */
  line: number;
}

export interface MetadataHeaders {
  /** Lowercased field name → first occurrence. */
  fields: Map<string, MetadataField>;
  problems: { line: number; message: string }[];
}

/** A field name: printable ASCII except the colon (RFC 5322 §2.2), as `email.parser` accepts it. */
const FIELD_LINE = /^([!-9;-~]+):[ \t]*(.*)$/;

export function readMetadataHeaders(text: string): MetadataHeaders {
  const fields = new Map<string, MetadataField>();
  const problems: { line: number; message: string }[] = [];
  let index = 0;
  let lineStart = 0;
  let started = false;
  let last: MetadataField | undefined;
  // Line by line without splitting the whole text: the description body after the headers can be long, and is never read.
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    index += 1;
    const raw = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    lineStart = lineEnd + 1;
    if (raw.trim() === '') {
      // Blank lines before the first field are skipped; the first one after it ends the headers.
      if (started) break;
      continue;
    }
    if (raw.startsWith(' ') || raw.startsWith('\t')) {
      if (last === undefined) {
        if (!started) problems.push({ line: index, message: 'continuation line without a field before it' });
        continue;
      }
      last.value += `\n${raw.trim()}`;
      continue;
    }
    const match = FIELD_LINE.exec(raw);
    if (!match) {
      problems.push({ line: index, message: `expected "Field: value", found "${excerpt(raw)}"` });
      last = undefined;
      continue;
    }
    started = true;
    const key = match[1]!.toLowerCase();
    const field: MetadataField = { value: match[2]!.trim(), line: index };
    if (!fields.has(key)) fields.set(key, field);
    // A repeated field's continuation lines belong to it, not to the first value.
    last = fields.get(key) === field ? field : { value: '', line: index };
  }
  return { fields, problems };
}
