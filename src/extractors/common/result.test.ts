import { describe, expect, it } from 'vitest';
import type { ExtractResult } from '../types.js';
import { ChainwatchError } from '../../core/errors.js';
import { addError, addErrors, addInvalidEntry, addPackage, MAX_ERRORS_PER_FILE } from './result.js';

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

describe('addInvalidEntry', () => {
  it.each([
    [[{ path: ['version'], message: 'expected string' }], 'entry "x" is invalid: version expected string'],
    [[{ path: ['source', 0], message: 'bad' }], 'entry "x" is invalid: source.0 bad'],
    [[], 'entry "x" is invalid:'],
  ])('%j → %s', (issues, message) => {
    const errors: ChainwatchError[] = [];
    addInvalidEntry(errors, 'entry "x"', { path: 'f', line: 2 }, issues);
    expect(errors.map((error) => [error.code, error.message, error.location])).toEqual([['parse-error', message, { path: 'f', line: 2 }]]);
  });
});

describe('addError', () => {
  it(`lists ${MAX_ERRORS_PER_FILE} errors of a file, then one that says the rest are not listed`, () => {
    const errors: ChainwatchError[] = [];
    for (let line = 1; line <= 100_000; line++) addError(errors, 'parse-error', `bad line ${line}`, { path: 'f', line });
    expect(errors).toHaveLength(MAX_ERRORS_PER_FILE + 1);
    expect(errors[MAX_ERRORS_PER_FILE - 1]!.message).toBe(`bad line ${MAX_ERRORS_PER_FILE}`);
    expect([errors.at(-1)!.message, errors.at(-1)!.location]).toEqual([
      `more than ${MAX_ERRORS_PER_FILE} errors in this file: the rest are not listed`,
      { path: 'f', line: MAX_ERRORS_PER_FILE + 1 },
    ]);
  });

  it('keeps the cause of a listed error', () => {
    const errors: ChainwatchError[] = [];
    const cause = new Error('inner');
    addError(errors, 'parse-error', 'bad', { path: 'f' }, cause);
    expect(errors[0]!.cause).toBe(cause);
  });

  it('counts errors made elsewhere against the same limit', () => {
    const errors: ChainwatchError[] = [];
    const made = Array.from({ length: 150 }, (_, index) => new ChainwatchError('parse-error', `e${index}`, { location: { path: 'f', line: index + 1 } }));
    addErrors(errors, made);
    expect(errors).toHaveLength(MAX_ERRORS_PER_FILE + 1);
    expect(errors.at(-1)!.location).toEqual({ path: 'f', line: MAX_ERRORS_PER_FILE + 1 });
  });
});
