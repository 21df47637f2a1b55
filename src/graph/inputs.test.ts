import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT_NAME, graphInputs, parseExcludeNewer } from './inputs.js';
import { parseRoot } from './roots.js';

describe('graphInputs', () => {
  it('adds PURLs to the base roots without duplicates and defaults the environment', () => {
    const root = parseRoot('pkg:pypi/jupyterlab');
    if (!root.ok) throw root.error;
    const base = { source: 'preset:jupyter', roots: [root.value], environments: [], registries: { npm: 'https://registry.example.test/' } };
    const read = graphInputs(base, ['pkg:pypi/JupyterLab', 'pkg:npm/%40jupyterlab/services'], []);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.value.source).toBe('preset:jupyter');
    expect(read.value.roots.map((root) => root.purl)).toEqual(['pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services']);
    expect(read.value.environments.map((entry) => entry.name)).toEqual([DEFAULT_ENVIRONMENT_NAME]);
    expect(read.value.registries).toEqual({ npm: 'https://registry.example.test/' });
  });

  it('lets the command line environments replace the base ones, once each', () => {
    const read = graphInputs(null, ['pkg:pypi/x'], ['py3.13-windows', 'py3.12-linux', 'py3.13-windows']);
    expect(read.ok && read.value.environments.map((entry) => `${entry.name} ${entry.environment.sys_platform}`)).toEqual(['py3.13-windows win32', 'py3.12-linux linux']);
    expect(read.ok && read.value.source).toBe('command line');
  });

  it.each([
    [['pkg:'], [], /malformed PURL/],
    [['pkg:cargo/serde'], [], /unsupported PURL type/],
    [['pkg:pypi/x'], ['py3.12-beos'], /unknown system/],
    [[], [], /^nothing to resolve: give PURLs/],
  ])('refuses %j %j', (purls, environments, message) => {
    const read = graphInputs(null, purls, environments);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error.message).toMatch(message);
  });
});

describe('parseExcludeNewer', () => {
  it.each([
    // A date alone counts the whole day, in UTC (uv): the cutoff is the next midnight.
    ['2024-06-01', '2024-06-02T00:00:00.000Z'],
    ['2024-12-31', '2025-01-01T00:00:00.000Z'],
    ['2024-02-29', '2024-03-01T00:00:00.000Z'],
    [' 2024-06-01 ', '2024-06-02T00:00:00.000Z'],
    ['2024-06-01T12:30:00Z', '2024-06-01T12:30:00.000Z'],
    ['2024-06-01t12:30:00z', '2024-06-01T12:30:00.000Z'],
    ['2024-06-01 12:30:00Z', '2024-06-01T12:30:00.000Z'],
    ['2024-06-01T12:30:00.123456Z', '2024-06-01T12:30:00.123Z'],
    ['2024-06-01T01:00:00+02:00', '2024-05-31T23:00:00.000Z'],
    ['2024-06-01T23:00:00-05:30', '2024-06-02T04:30:00.000Z'],
  ])('reads %j as %s', (text, expected) => {
    const parsed = parseExcludeNewer(text);
    expect(parsed.ok && parsed.value.toISOString()).toBe(expected);
  });

  it.each([
    ['', /not a date/],
    ['yesterday', /not a date/],
    ['2024-6-1', /not a date/],
    ['1717200000', /not a date/],
    ['2023-02-29', /there is no day 2023-02-29/],
    ['2024-13-01', /there is no day 2024-13-01/],
    ['2024-06-01T12:30:00', /say the time's offset/],
    ['2024-06-01T24:00:00Z', /there is no time 24:00:00/],
    ['2024-06-01T12:00:00+25:00', /there is no offset \+25:00/],
  ])('refuses %j', (text, message) => {
    const parsed = parseExcludeNewer(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.code).toBe('invalid-argument');
      expect(parsed.error.message).toMatch(/^--exclude-newer "/);
      expect(parsed.error.message).toMatch(message);
    }
  });
});
