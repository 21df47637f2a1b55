import { seededRandom } from '../../bench/measure.js';

/**
 * Seeded mutations of text inputs. The point is not coverage-guided search
 * (no fuzzer of that kind runs inside Node's test runner) but the shapes that
 * broke real parsers: deep nesting, one line repeated a hundred thousand
 * times, cut-off documents, stray quotes and brackets, BOMs and NULs, pieces
 * of one valid document spliced into another.
 */

/** The bench's seeded generator (mulberry32): the same sequence on every machine for a seed. */
export const createRandom = seededRandom;

export interface Mutation {
  name: string;
  text: string;
}

const TOKENS = [
  '{', '}', '[', ']', '"', "'", '\\', '\n', '\r\n', '=', ':', ',', '-', '- ', '  ', '#', '\t', '\uFEFF', '\u0000', '\u2028',
  '"""', "'''", '[[package]]', '[package]', 'version = ', '"version": ', 'name: ', '-r ', '-c ', '--hash=sha256:', '@', '==', '~=',
  'Package: ', 'Status: install ok installed', '\ufffd', '\ud800', 'null', 'true', '1e999999', '-0', '0x1F', '!!binary ', '&a ', '*a', '<<: *a',
  '%YAML 1.2\n', '---\n', '...\n',
];

export function mutate(seeds: readonly string[], random: () => number): Mutation {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const base = pick(seeds);
  const at = (text: string) => Math.floor(random() * (text.length + 1));
  const kind = Math.floor(random() * 11);
  switch (kind) {
    case 0: {
      // A few random characters replaced.
      const chars = [...base];
      const count = 1 + Math.floor(random() * 8);
      for (let k = 0; k < count && chars.length > 0; k++) chars[Math.floor(random() * chars.length)] = String.fromCharCode(Math.floor(random() * 0x3000));
      return { name: 'replace-characters', text: chars.join('') };
    }
    case 1: {
      const start = at(base);
      const end = Math.min(base.length, start + Math.floor(random() * 200));
      return { name: 'delete-slice', text: base.slice(0, start) + base.slice(end) };
    }
    case 2: {
      const start = at(base);
      const end = Math.min(base.length, start + Math.floor(random() * 400));
      const where = at(base);
      return { name: 'duplicate-slice', text: base.slice(0, where) + base.slice(start, end) + base.slice(where) };
    }
    case 3: {
      let text = base;
      const count = 1 + Math.floor(random() * 6);
      for (let k = 0; k < count; k++) {
        const where = at(text);
        text = text.slice(0, where) + pick(TOKENS) + text.slice(where);
      }
      return { name: 'insert-tokens', text };
    }
    case 4: {
      const other = pick(seeds);
      return { name: 'splice', text: base.slice(0, at(base)) + other.slice(at(other)) };
    }
    case 5: {
      // One line repeated many times: quadratic duplicate checks show up here.
      const lines = base.split('\n');
      const line = pick(lines);
      const times = 1000 + Math.floor(random() * 60_000);
      const where = Math.floor(random() * lines.length);
      return { name: `repeat-line-x${times}`, text: [...lines.slice(0, where), ...Array.from({ length: times }, () => line), ...lines.slice(where)].join('\n') };
    }
    case 6: {
      // Deep nesting: recursive descent and recursive skipping show up here.
      const depth = 1000 + Math.floor(random() * 100_000);
      const open = pick(['[', '{"a":', '{a = ', '- ', '  ', 'a:\n']);
      const close = open === '[' ? ']' : open.startsWith('{') ? '}' : '';
      const where = at(base);
      return { name: `nest-x${depth}`, text: base.slice(0, where) + open.repeat(depth) + close.repeat(random() < 0.5 ? depth : 0) + base.slice(where) };
    }
    case 7:
      return { name: 'truncate', text: base.slice(0, at(base)) };
    case 8: {
      // A very long token: quadratic regular expressions show up here.
      const unit = pick(['a', 'a:', 'a.', '/t/', 'x-', '\\\n', ' ', '1.', '=', '-', '"', '%20']);
      const times = 10_000 + Math.floor(random() * 200_000);
      const where = at(base);
      return { name: `long-run-x${times}`, text: base.slice(0, where) + unit.repeat(times) + base.slice(where) };
    }
    case 9:
      return { name: 'line-endings', text: random() < 0.5 ? base.replace(/\n/g, '\r\n') : base.replace(/\n/g, '\r') };
    default:
      return { name: 'bom-and-nul', text: (random() < 0.5 ? '\uFEFF' : '') + base.replace(/ /g, () => (random() < 0.01 ? '\u0000' : ' ')) };
  }
}

/** Byte-level mutation for binary inputs (compressed bodies, zips). */
export function mutateBytes(seed: Uint8Array, random: () => number): Uint8Array {
  const bytes = Uint8Array.from(seed);
  const kind = Math.floor(random() * 4);
  if (kind === 0) {
    const count = 1 + Math.floor(random() * 8);
    for (let k = 0; k < count && bytes.length > 0; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    return bytes;
  }
  if (kind === 1) return bytes.subarray(0, Math.floor(random() * bytes.length));
  if (kind === 2) {
    const where = Math.floor(random() * bytes.length);
    const out = new Uint8Array(bytes.length + 16);
    out.set(bytes.subarray(0, where));
    for (let k = 0; k < 16; k++) out[where + k] = Math.floor(random() * 256);
    out.set(bytes.subarray(where), where + 16);
    return out;
  }
  const cut = Math.floor(random() * bytes.length);
  const out = new Uint8Array(bytes.length * 2 - cut);
  out.set(bytes);
  out.set(bytes.subarray(cut), bytes.length);
  return out;
}
