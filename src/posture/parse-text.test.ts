import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEEP, HOSTILE_YAML, SHARED_PROJECTS } from './posture-testing.fixture.js';
import { jsonNestingExceeds, yamlNestingExceeds } from '../core/nesting.js';
import { MAX_NESTING, parseJsonLike } from './parse-text.js';
import { itWithSharedData } from '../../test/shared-data.js';

describe('yamlNestingExceeds', () => {
  it.each(HOSTILE_YAML)('finds %s too deep, at the line where it goes too deep', (_, text, line) => {
    expect(yamlNestingExceeds(text, MAX_NESTING)).toBe(line);
  });

  it.each([
    ['brackets in a block scalar', `jobs:\n  a:\n    steps:\n      - run: |\n          ${'['.repeat(1000)}\n          echo "${'{'.repeat(1000)}"\n      - run: echo ok\n`],
    ['brackets in a plain scalar', `name: echo ${'['.repeat(1000)}\n`],
    ['brackets in quoted strings inside a flow sequence', `branches: ["${'['.repeat(1000)}", '${'{'.repeat(1000)}', it's]\n`],
    ['a comment in a flow sequence', `on: [push, # ${'['.repeat(1000)}\n  pull_request]\n`],
    ['nesting just at the limit', `x: ${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)}\n`],
  ])('lets %s through', (_, text) => {
    expect(yamlNestingExceeds(text, MAX_NESTING)).toBeNull();
  });

  itWithSharedData('lets every YAML file of the shared repositories through', () => {
    const files: string[] = [];
    const walk = (directory: string): void => {
      for (const name of readdirSync(directory)) {
        const path = join(directory, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.ya?ml$/.test(name)) files.push(path);
      }
    };
    walk(SHARED_PROJECTS);
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) expect([file, yamlNestingExceeds(readFileSync(file, 'utf8'), MAX_NESTING)]).toEqual([file, null]);
  });
});

describe('jsonNestingExceeds and parseJsonLike', () => {
  it.each([
    ['arrays', '['.repeat(DEEP), 256],
    ['objects', '{"a":'.repeat(DEEP), 5 * 256],
  ])('stops %s at the bracket that goes too deep', (_, text, offset) => {
    expect(jsonNestingExceeds(text, MAX_NESTING)).toBe(offset);
    const errors: { offset: number }[] = [];
    expect(parseJsonLike(text, errors as never)).toBeUndefined();
    expect(errors).toHaveLength(1);
  });

  it('skips brackets in strings and comments', () => {
    const text = `{"a": "${'['.repeat(1000)}\\"${'{'.repeat(1000)}", // ${'['.repeat(1000)}\n /* ${'{'.repeat(1000)} */ "b": [1]}`;
    expect(jsonNestingExceeds(text, MAX_NESTING)).toBeNull();
    expect(parseJsonLike(text, [])).toEqual({ a: `${'['.repeat(1000)}"${'{'.repeat(1000)}`, b: [1] });
  });
});
