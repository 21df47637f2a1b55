import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMarker, type Marker } from './markers.js';
import { parseRequirement } from './requirement.js';

type RequirementCase =
  | { input: string; valid: true; name: string; extras: string[]; specifiers: string[]; url: string | null; marker: string | null }
  | { input: string; valid: false; position: number | null };

const fixture = JSON.parse(readFileSync(new URL('./fixtures/requirement-cases.json', import.meta.url), 'utf8')) as {
  cases: RequirementCase[];
};

function marker(text: string): Marker {
  const parsed = parseMarker(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

describe('parseRequirement against the cases packaging generated (fixtures/requirement-cases.json)', () => {
  const valid = fixture.cases.filter((c) => c.valid);
  const invalid = fixture.cases.filter((c) => !c.valid);

  it('has accepted and rejected cases', () => {
    expect([valid.length, invalid.length]).toEqual([54, 35]);
  });

  it.each(valid.map((c) => [c.input, c] as const))('accepts %j as packaging does', (input, expected) => {
    const parsed = parseRequirement(input);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || !expected.valid) return;
    const requirement = parsed.value;
    expect({
      name: requirement.name,
      extras: [...requirement.extras].sort(),
      specifiers: requirement.specifierSet.specifiers.map((s) => `${s.operator}${s.version}`).sort(),
      url: requirement.url ?? null,
      // packaging prints the marker normalised; reading that print back must give the same tree.
      marker: requirement.marker ?? null,
    }).toEqual({
      name: expected.name,
      extras: expected.extras,
      specifiers: expected.specifiers,
      url: expected.url,
      marker: expected.marker === null ? null : marker(expected.marker),
    });
  });

  it.each(invalid.map((c) => [c.input, c] as const))('rejects %j where packaging stops', (input, expected) => {
    const parsed = parseRequirement(input, { path: 'requirements.txt', line: 7 });
    expect(parsed.ok).toBe(false);
    if (parsed.ok || expected.valid) return;
    expect(parsed.error.code).toBe('invalid-requirement');
    expect(parsed.error.location?.path).toBe('requirements.txt');
    expect(parsed.error.location?.line).toBe(7);
    if (expected.position !== null) expect(parsed.error.location?.column).toBe(expected.position + 1);
  });
});

describe('parseRequirement', () => {
  it('returns every field of a full requirement', () => {
    const parsed = parseRequirement('Jupyter_Core[Test, docs] (>= 5.0 , <6) ; python_version >= "3.8"');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const { specifierSet, ...rest } = parsed.value;
    expect(rest).toEqual({
      name: 'Jupyter_Core',
      normalizedName: 'jupyter-core',
      extras: ['Test', 'docs'],
      specifier: '>=5.0,<6',
      marker: {
        type: 'compare',
        left: { type: 'variable', name: 'python_version' },
        operator: '>=',
        right: { type: 'string', value: '3.8' },
      },
    });
    expect(specifierSet.toString()).toBe('>=5.0,<6');
  });

  it('keeps a URL requirement as written, with no specifier', () => {
    const parsed = parseRequirement('pip @ https://files.pypi.test/packages/pip-24.0-py3-none-any.whl ; os_name != "nt"');
    expect(parsed.ok && [parsed.value.url, parsed.value.specifier, parsed.value.marker?.type]).toEqual([
      'https://files.pypi.test/packages/pip-24.0-py3-none-any.whl',
      '',
      'compare',
    ]);
  });

  it('defaults the error location to <input> and says where parsing stopped', () => {
    const parsed = parseRequirement('name>=1.0 foo');
    expect(!parsed.ok && parsed.error.location).toEqual({ path: '<input>', column: 11 });
    expect(!parsed.ok && parsed.error.message).toContain('Expected comma (within version specifier)');
  });

  it('points a bad specifier set at where the specifiers start', () => {
    const parsed = parseRequirement('name ===foo,bar');
    expect(!parsed.ok && parsed.error.location).toEqual({ path: '<input>', column: 6 });
    expect(!parsed.ok && parsed.error.message).toContain('not a PEP 440 version specifier: "bar"');
  });

  it('matches versions through the parsed specifier set', () => {
    const parsed = parseRequirement('name>=1.0,!=1.5.*');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.specifierSet.specifiers.map((s) => s.operator)).toEqual(['>=', '!=']);
  });
});
