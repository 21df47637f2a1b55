/**
 * A reader for Debian's RFC 822–style control data (deb822), as dpkg writes it
 * to its status database: stanzas separated by blank lines, `Field: value`
 * lines, continuation lines starting with a space or tab.
 *
 * Hand-written because no maintained npm library parses deb822 with line
 * numbers; the format is a dozen lines of rules (Debian Policy §5.1).
 */

import { excerpt } from '../../core/excerpt.js';

export interface StanzaField {
  /** The value with continuation lines joined by `\n` (leading space kept off). */
  value: string;
  /** 1-based line of the `Field:` line. */
  line: number;
}

export interface Stanza {
  /** 1-based line of the stanza's first field. */
  line: number;
  /** Field names are case-insensitive in deb822: keys are lowercased. */
  fields: Map<string, StanzaField>;
}

export interface StanzaProblem {
  line: number;
  message: string;
}

export interface ParsedStanzas {
  stanzas: Stanza[];
  problems: StanzaProblem[];
}

const FIELD_LINE = /^([^\s:#-][^\s:]*):(.*)$/;

export function parseStanzas(text: string): ParsedStanzas {
  const stanzas: Stanza[] = [];
  const problems: StanzaProblem[] = [];
  const lines = text.split(/\r?\n/);
  let current: Stanza | undefined;
  let lastField: StanzaField | undefined;

  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const raw = lines[index]!;

    if (raw.trim() === '') {
      current = undefined;
      lastField = undefined;
      continue;
    }
    if (raw.startsWith(' ') || raw.startsWith('\t')) {
      if (!lastField) {
        problems.push({ line, message: 'continuation line without a field before it' });
        continue;
      }
      lastField.value += `\n${raw.slice(1)}`;
      continue;
    }
    if (raw.startsWith('#')) continue;

    const match = FIELD_LINE.exec(raw);
    if (!match) {
      problems.push({ line, message: `expected "Field: value", found "${excerpt(raw)}"` });
      lastField = undefined;
      continue;
    }
    if (!current) {
      current = { line, fields: new Map() };
      stanzas.push(current);
    }
    const key = match[1]!.toLowerCase();
    if (current.fields.has(key)) {
      problems.push({ line, message: `duplicate field ${excerpt(match[1]!)} in the stanza starting at line ${current.line}` });
      // The first value wins; the duplicate's continuation lines are absorbed, not reported again.
      lastField = { value: '', line };
      continue;
    }
    lastField = { value: match[2]!.trim(), line };
    current.fields.set(key, lastField);
  }
  return { stanzas, problems };
}
