import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultEnvironment, type TargetEnvironment } from './environment.js';
import { evaluateMarker, parseMarker, type Marker } from './markers.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/marker-cases.json', import.meta.url), 'utf8')) as {
  environments: Record<string, TargetEnvironment>;
  invalid: string[];
  cases: { marker: string; environment: string; extras: string[]; expected: boolean | 'undefined' }[];
};

function marker(text: string): Marker {
  const parsed = parseMarker(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

describe('evaluateMarker against the cases packaging generated (fixtures/marker-cases.json)', () => {
  it('has the generated cases', () => {
    expect(fixture.cases.length).toBe(990);
  });

  it('agrees with packaging; comparisons packaging calls undefined are false', () => {
    const wrong: string[] = [];
    for (const { marker: text, environment, extras, expected } of fixture.cases) {
      const got = evaluateMarker(marker(text), fixture.environments[environment]!, extras);
      const want = expected === 'undefined' ? false : expected;
      if (got !== want) wrong.push(`${text} in ${environment} with [${extras}]: got ${got}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each(fixture.invalid)('%j is rejected as packaging rejects it', (text) => {
    const parsed = parseMarker(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe('invalid-requirement');
  });
});

describe('parseMarker', () => {
  it('builds the tree once, with `and` binding tighter than `or`', () => {
    const os = (value: string) => ({
      type: 'compare',
      left: { type: 'variable', name: 'os_name' },
      operator: '==',
      right: { type: 'string', value },
    });
    expect(marker('os_name == "a" or os_name == "b" and os_name == "c"')).toEqual({
      type: 'or',
      items: [os('a'), { type: 'and', items: [os('b'), os('c')] }],
    });
    expect(marker('(os_name == "a" or os_name == "b") and os_name == "c"')).toEqual({
      type: 'and',
      items: [{ type: 'or', items: [os('a'), os('b')] }, os('c')],
    });
  });

  it('reads dotted and old variable names as the PEP 508 ones, and normalises extra names', () => {
    expect(marker("os.name == 'posix'")).toMatchObject({ left: { name: 'os_name' } });
    expect(marker("python_implementation == 'PyPy'")).toMatchObject({ left: { name: 'platform_python_implementation' } });
    expect(marker("extra == 'Test_Extra.x'")).toMatchObject({ right: { value: 'test-extra-x' } });
    expect(marker("'Docs_X' in extras")).toMatchObject({ left: { value: 'docs-x' } });
    expect(marker("'3.8' <= python_version")).toMatchObject({ left: { type: 'string', value: '3.8' }, operator: '<=' });
  });

  it('refuses absurd nesting as an error value instead of exhausting the stack', () => {
    const deep = `${'('.repeat(20000)}os_name == "a"${')'.repeat(20000)}`;
    const parsed = parseMarker(deep);
    expect(!parsed.ok && [parsed.error.code, parsed.error.location?.column]).toEqual(['invalid-requirement', 101]);
    expect(parseMarker(`${'('.repeat(100)}os_name == "a"${')'.repeat(100)}`).ok).toBe(true);
  });

  it('says where a marker stops making sense', () => {
    const parsed = parseMarker('os_name == "a" and', { path: 'pyproject.toml', line: 12 });
    expect(!parsed.ok && parsed.error.location).toEqual({ path: 'pyproject.toml', line: 12, column: 19 });
  });
});

describe('evaluateMarker beyond what packaging 26 still does', () => {
  const linux = { ...defaultEnvironment, platform_release: '6.5.0-1025-azure' };

  it.each([
    // PEP 508: Python's string comparison when either side is not a version.
    ['platform_release >= "6"', true],
    ['platform_release < "5"', false],
    ['platform_release != "5.4"', true],
    ['platform_release == "6.5.0-1025-azure"', true],
    ['sys_platform < "win32"', true],
    ['sys_platform > "linux2"', false],
    // Arbitrary equality is PEP 440's case-insensitive text comparison.
    ['os_name === "POSIX"', true],
    ['os_name === "posix "', false],
    // A set can only be searched.
    ['extras == "test"', false],
  ] as const)('%s is %s', (text, expected) => {
    expect(evaluateMarker(marker(text), linux)).toBe(expected);
  });

  it('repairs the python_full_version of an untagged build (3.13.0+)', () => {
    const environment = { ...defaultEnvironment, python_full_version: '3.13.0+' };
    expect(evaluateMarker(marker('python_full_version >= "3.13"'), environment)).toBe(true);
    expect(evaluateMarker(marker('python_full_version == "3.13.0"'), environment)).toBe(true);
  });

  it('gives the same answers on every evaluation of the same tree', () => {
    const tree = marker('python_version >= "3.8" and (sys_platform == "linux" or extra == "test")');
    const windows = { ...defaultEnvironment, sys_platform: 'win32' };
    expect([
      evaluateMarker(tree, defaultEnvironment),
      evaluateMarker(tree, windows),
      evaluateMarker(tree, windows, ['Test']),
      evaluateMarker(tree, windows),
    ]).toEqual([true, false, true, false]);
  });
});
