/**
 * One suite for every registered extractor (STYLE rule 1): whatever the format,
 * an extractor is path-only in detect(), total in extract() (bad input is an
 * error value, never a throw or a hang), deterministic, and puts a location on
 * every package and error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainwatchError } from '../core/errors.js';
import { extractors } from './index.js';
import type { ExtractResult, Extractor } from './types.js';

function checkShape(extractor: Extractor, path: string, result: ExtractResult): void {
  expect(Array.isArray(result.packages)).toBe(true);
  expect(Array.isArray(result.notScannable)).toBe(true);
  expect(Array.isArray(result.errors)).toBe(true);
  for (const pkg of result.packages) {
    expect(extractor.ecosystems).toContain(pkg.ecosystem);
    expect(typeof pkg.name).toBe('string');
    expect(pkg.name.length).toBeGreaterThan(0);
    expect(pkg.version === null || typeof pkg.version === 'string').toBe(true);
    expect(typeof pkg.location.path).toBe('string');
    if (pkg.location.line !== undefined) {
      expect(Number.isInteger(pkg.location.line)).toBe(true);
      expect(pkg.location.line).toBeGreaterThanOrEqual(1);
    }
  }
  for (const error of result.errors) {
    expect(error).toBeInstanceOf(ChainwatchError);
    expect(error.location?.path).toBeTruthy();
  }
  for (const entry of result.notScannable) {
    expect(entry.location.path).toBeTruthy();
    expect(entry.reason.length).toBeGreaterThan(0);
  }
  void path;
}

describe.each(extractors.map((extractor) => [extractor.id, extractor] as const))('extractor %s', (id, extractor) => {
  it('has a kebab-case id that is unique in the registry', () => {
    expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(extractors.filter((other) => other.id === id)).toHaveLength(1);
  });

  it('detect() never throws on odd paths', () => {
    fc.assert(
      fc.property(fc.string(), (path) => {
        expect(typeof extractor.detect(path)).toBe('boolean');
      }),
      { numRuns: 200 },
    );
  });

  it('extract() is total: arbitrary text gives a well-formed result, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const result = extractor.extract({ path: 'fuzz/input', text, readRelated: () => null });
        checkShape(extractor, 'fuzz/input', result);
      }),
      { numRuns: 300 },
    );
  });

  it('extract() is total on structured junk (JSON, YAML and TOML shaped)', () => {
    const structured = fc.oneof(
      fc.json().map((json) => json),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue()).map((value) => JSON.stringify(value, null, 2)),
      fc.array(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })), { maxLength: 20 }).map((pairs) =>
        pairs.map(([key, value]) => `${key}:\n  version: "${value}"\n[[package]]\nname = "${key}"\nversion = "${value}"`).join('\n'),
      ),
    );
    fc.assert(
      fc.property(structured, (text) => {
        const result = extractor.extract({ path: 'fuzz/structured', text, readRelated: () => null });
        checkShape(extractor, 'fuzz/structured', result);
      }),
      { numRuns: 300 },
    );
  });

  it('extract() is deterministic', () => {
    const text = '{}\n';
    const first = extractor.extract({ path: 'x', text, readRelated: () => null });
    const second = extractor.extract({ path: 'x', text, readRelated: () => null });
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });
});
