/**
 * The one suite every version scheme in `versionSchemes` runs (STYLE rule 1):
 * order laws, sort stability, errors as values, robustness on arbitrary text,
 * and every line of the ecosystem's ordering vectors.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ecosystem } from '../core/package.js';
import { versionSchemes } from './schemes.js';
import { sortVersions } from './sort.js';
import type { Version, VersionScheme } from './types.js';
import { describeWithSharedData, sharedData, sharedDataPath } from '../../test/shared-data.js';

const sharedVersions = (name: string): string => sharedDataPath('versions', name);

/** Where each scheme's ordering vectors live; each was produced by, or checked against, the ecosystem's own tool. */
const VECTOR_FILES: Record<Ecosystem, string[]> = {
  PyPI: [sharedVersions('pypi-versions.txt'), sharedVersions('pypi-versions-generated.txt')],
  npm: [sharedVersions('semver-versions.txt')],
  Debian: [sharedVersions('debian-versions.txt'), sharedVersions('debian-versions-generated.txt')],
  // Ubuntu is dpkg's ordering too (ubuntuScheme is debianScheme under another name): the same vectors, made by dpkg.
  Ubuntu: [sharedVersions('debian-versions.txt'), sharedVersions('debian-versions-generated.txt')],
  conda: [fileURLToPath(new URL('./conda/testdata/conda-versions-generated.txt', import.meta.url))],
};

/**
 * Versions that a vector file holds but that are not versions of the scheme
 * at all. semver-versions.txt comes from osv-scalibr's generic SemVer
 * ordering, which is more lenient than npm: npm (the `semver` package, which
 * the registry enforces on publish) refuses these, so for npm the line's
 * meaning is "both sides are invalid", and that is what is checked.
 */
const NOT_VERSIONS_OF_SCHEME: Partial<Record<Ecosystem, Record<string, string>>> = {
  npm: {
    '999999999999999999999999999991': 'a single number part, and beyond Number.MAX_SAFE_INTEGER',
    '999999999999999999999999999999': 'a single number part, and beyond Number.MAX_SAFE_INTEGER',
    '999999999999999999999999999991.999999999999999999999999999991.999999999999999999999999999991':
      'number parts beyond Number.MAX_SAFE_INTEGER',
    '999999999999999999999999999999.999999999999999999999999999991.999999999999999999999999999991':
      'number parts beyond Number.MAX_SAFE_INTEGER',
    '1.1.3.4.5': 'five number parts; npm has no "extra parts are build metadata" rule',
  },
};

/** Text each scheme must refuse with an `invalid-version` error value. */
const INVALID_VERSIONS: Record<Ecosystem, string[]> = {
  PyPI: ['', '   ', '1.0 2.0', '@@@', 'é'],
  npm: ['', '   ', '1.0 2.0', '1.2', '=1.2.3', '01.2.3', '1.2.3-', 'latest', '1.2.3.4', '1.2.3-01'],
  Debian: ['', '   ', '1.0 2.0', 'a1', '1:', ':1', '1.0-', '1.0_1', '1.0-a_b', '2147483648:1', 'x:1.0'],
  Ubuntu: ['', '1.0 2.0', 'a1', '1:', '1.0-', '1.0-a_b', 'x:1.0ubuntu1'],
  conda: ['', '   ', '1.0 2.0', '@@@', '1..2', '1!2!3', '1+2+3', '1.2+', '1,2'],
};

/** Range text each scheme must refuse with an `invalid-range` error value. */
const INVALID_RANGES: Record<Ecosystem, string[]> = {
  PyPI: ['>>1.0', '=>1.0', '~=1', 'not a specifier'],
  npm: ['>>1.0.0', 'not a range', '^1.2.3 || garbage', '1.2.3 - '],
  Debian: ['', '1.0', '> 1.0', '<< ', '>= a1', '>= 1.0 1.1'],
  Ubuntu: ['', '1.0', '> 1.0ubuntu1', '>= a1'],
  conda: ['', '>=', '1.2,', '(1.2', '<= 1.2', '~=1.2.*'],
};

type Relation = '<' | '=' | '>';
interface VectorLine {
  file: string;
  line: number;
  left: string;
  relation: Relation;
  right: string;
}

function readVectors(path: string): { lines: VectorLine[]; malformed: string[] } {
  const file = basename(path);
  const lines: VectorLine[] = [];
  const malformed: string[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const text = raw.trim();
      if (text === '' || text.startsWith('//') || text.startsWith('#')) return;
      const match = /^(\S+) ([<=>]) (\S+)$/.exec(text);
      if (!match) malformed.push(`${file}:${index + 1}: cannot read "${text}"`);
      else lines.push({ file, line: index + 1, left: match[1]!, relation: match[2] as Relation, right: match[3]! });
    });
  return { lines, malformed };
}

function relationOf(order: number): Relation {
  return order < 0 ? '<' : order > 0 ? '>' : '=';
}

function mustParse(scheme: VersionScheme, text: string): Version {
  const parsed = scheme.parse(text);
  if (!parsed.ok) throw new Error(`test setup: ${text}: ${parsed.error.message}`);
  return parsed.value;
}

/** Strings that look like versions and ranges often enough to reach deep into each parser. */
const versionish = fc
  .array(
    fc.constantFrom('0', '1', '9', '10', '007', '.', '-', '+', '~', ':', '!', '_', '*', 'a', 'b', 'rc', 'dev', 'post', 'v', 'x', '^', '|', '||', ',', ' ', '=', '<', '>', '(', ')', '$', '[', ']', 'é'),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

const LONG_INPUTS = [
  '1.'.repeat(5000),
  '1'.repeat(20000),
  `${'('.repeat(3000)}1${')'.repeat(3000)}`,
  '1|'.repeat(5000),
  '>=1,'.repeat(3000),
  '1.0-'.repeat(3000),
  'a'.repeat(20000),
  ' '.repeat(20000),
];

const ecosystems = Object.keys(versionSchemes) as Ecosystem[];

// A scheme whose vectors are in ../shared/data runs only where that is.
for (const ecosystem of ecosystems) {
  const describeScheme = VECTOR_FILES[ecosystem].some((file) => file.startsWith(sharedData)) ? describeWithSharedData : describe;
  describeScheme(`${ecosystem} version scheme`, () => {
    const scheme = versionSchemes[ecosystem];
    const vectorFiles = VECTOR_FILES[ecosystem].map(readVectors);
    const vectors = vectorFiles.flatMap((file) => file.lines);
    const notVersions = NOT_VERSIONS_OF_SCHEME[ecosystem] ?? {};

    // Every distinct valid version the vectors mention: the sample space for the order laws.
    const corpus: Version[] = [];
    const seen = new Set<string>();
    for (const { left, right } of vectors) {
      for (const text of [left, right]) {
        if (seen.has(text)) continue;
        seen.add(text);
        const parsed = scheme.parse(text);
        if (parsed.ok) corpus.push(parsed.value);
      }
    }

    it('declares its own ecosystem', () => {
      expect(scheme.ecosystem).toBe(ecosystem);
    });

    describe('ordering vectors', () => {
      it('reads every vector file completely', () => {
        expect(vectorFiles.flatMap((file) => file.malformed)).toEqual([]);
        for (const file of vectorFiles) expect(file.lines.length).toBeGreaterThan(0);
      });

      it('agrees with every line', () => {
        const failures: string[] = [];
        for (const vector of vectors) {
          const where = `${vector.file}:${vector.line}: ${vector.left} ${vector.relation} ${vector.right}`;
          const left = scheme.parse(vector.left);
          const right = scheme.parse(vector.right);
          const refused = [vector.left, vector.right].filter((text, i) => !(i === 0 ? left : right).ok);
          if (refused.length > 0) {
            // A refusal passes only for versions documented as not being versions of this scheme.
            const unexpected = refused.filter((text) => !(text in notVersions));
            if (unexpected.length > 0) failures.push(`${where}: could not parse ${unexpected.join(', ')}`);
            continue;
          }
          if (!left.ok || !right.ok) continue;
          const forward = relationOf(left.value.compare(right.value));
          const backward = relationOf(right.value.compare(left.value));
          const mirrored = vector.relation === '<' ? '>' : vector.relation === '>' ? '<' : '=';
          if (forward !== vector.relation) failures.push(`${where}: got ${forward}`);
          else if (backward !== mirrored) failures.push(`${where}: reversed, got ${backward}`);
        }
        expect(failures).toEqual([]);
      });

      it('refuses each version documented as not belonging to the scheme', () => {
        for (const text of Object.keys(notVersions)) {
          const parsed = scheme.parse(text);
          expect(parsed.ok, text).toBe(false);
          expect(vectors.some((vector) => vector.left === text || vector.right === text), text).toBe(true);
        }
      });
    });

    describe('order laws on versions sampled from the vectors', () => {
      const sample = () => fc.constantFrom(...corpus);

      it('has versions to sample', () => {
        expect(corpus.length).toBeGreaterThan(10);
      });

      it('is reflexive, also across a re-parse of the same text', () => {
        fc.assert(
          fc.property(sample(), (version) => {
            expect(version.compare(version)).toBe(0);
            expect(version.compare(mustParse(scheme, version.text))).toBe(0);
          }),
        );
      });

      it('returns only -1, 0 or 1, and is antisymmetric', () => {
        fc.assert(
          fc.property(sample(), sample(), (a, b) => {
            const forward = a.compare(b);
            expect([-1, 0, 1]).toContain(forward);
            expect(b.compare(a)).toBe(-forward || 0);
          }),
        );
      });

      it('is transitive', () => {
        fc.assert(
          fc.property(sample(), sample(), sample(), (a, b, c) => {
            if (a.compare(b) <= 0 && b.compare(c) <= 0) expect(a.compare(c)).toBeLessThanOrEqual(0);
            if (a.compare(b) === 0 && b.compare(c) === 0) expect(a.compare(c)).toBe(0);
          }),
          { numRuns: 500 },
        );
      });
    });

    describe('sortVersions', () => {
      it('sorts ascending and keeps the input order of equal versions', () => {
        fc.assert(
          fc.property(fc.array(fc.constantFrom(...corpus), { maxLength: 25 }), (input) => {
            const { sorted, invalid } = sortVersions(ecosystem, input.map((version) => version.text), { legacy: true });
            expect(invalid).toEqual([]);
            expect(sorted).toHaveLength(input.length);
            const parsed = sorted.map((text) => mustParse(scheme, text));
            for (let i = 1; i < parsed.length; i++) expect(parsed[i - 1]!.compare(parsed[i]!)).toBeLessThanOrEqual(0);
            // Stability: within each class of equal versions, output order is input order.
            for (const member of input) {
              const inClass = (texts: string[]) => texts.filter((text) => mustParse(scheme, text).compare(member) === 0);
              expect(inClass(sorted)).toEqual(inClass(input.map((version) => version.text)));
            }
          }),
          { numRuns: 200 },
        );
      });

      it('keeps equal versions from the vectors in input order, both ways round', () => {
        const equalPairs = vectors.filter((vector) => vector.relation === '=' && vector.left !== vector.right);
        for (const { left, right } of equalPairs) {
          if (left in notVersions || right in notVersions) continue;
          expect(sortVersions(ecosystem, [left, right], { legacy: true }).sorted).toEqual([left, right]);
          expect(sortVersions(ecosystem, [right, left], { legacy: true }).sorted).toEqual([right, left]);
        }
      });
    });

    describe('bad input', () => {
      it.each(INVALID_VERSIONS[ecosystem])('parse(%j) is an invalid-version error value', (text) => {
        const parsed = scheme.parse(text);
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(parsed.error.code).toBe('invalid-version');
      });

      it.each(INVALID_RANGES[ecosystem])('parseRange(%j) is an invalid-range error value', (text) => {
        const parsed = scheme.parseRange(text);
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(parsed.error.code).toBe('invalid-range');
      });

      it('never throws on arbitrary strings', () => {
        fc.assert(
          fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), versionish), (text) => {
            const version = scheme.parse(text);
            const range = scheme.parseRange(text);
            if (!version.ok) expect(version.error.code).toBe('invalid-version');
            if (!range.ok) expect(range.error.code).toBe('invalid-range');
            // A parsed version always compares with itself and fits in any parsed range without throwing.
            if (version.ok) {
              expect(version.value.compare(version.value)).toBe(0);
              if (range.ok) expect(typeof range.value.contains(version.value)).toBe('boolean');
            }
          }),
          { numRuns: 2000 },
        );
      });

      it.each(LONG_INPUTS.map((text) => [`${JSON.stringify(text.slice(0, 12))}… (${text.length} chars)`, text]))(
        'parses the long input %s quickly',
        (_label, text) => {
          scheme.parse(text);
          scheme.parseRange(text);
        },
      );
    });
  });
}
