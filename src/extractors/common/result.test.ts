import { describe, expect, it } from 'vitest';
import type { ExtractResult } from '../types.js';
import { addPackage, invalidEntry } from './result.js';

describe('addPackage', () => {
  it.each([
    ['1.0', []],
    [null, [{ name: 'a', reason: 'no version here', location: { path: 'f', line: 3 } }]],
  ])('version %j → not scannable %j', (version, notScannable) => {
    const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
    const extracted = { ecosystem: 'npm' as const, name: 'a', version, location: { path: 'f', line: 3 } };
    addPackage(result, extracted, 'no version here');
    expect(result).toEqual({ packages: [extracted], notScannable, errors: [] });
  });
});

describe('invalidEntry', () => {
  it.each([
    [[{ path: ['version'], message: 'expected string' }], 'entry "x" is invalid: version expected string'],
    [[{ path: ['source', 0], message: 'bad' }], 'entry "x" is invalid: source.0 bad'],
    [[], 'entry "x" is invalid:'],
  ])('%j → %s', (issues, message) => {
    const error = invalidEntry('entry "x"', { path: 'f', line: 2 }, issues);
    expect([error.code, error.message, error.location]).toEqual(['parse-error', message, { path: 'f', line: 2 }]);
  });
});
