import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpythonEnvironment, defaultEnvironment, parseEnvironmentName, type TargetEnvironment } from './environment.js';

// The environments the marker fixture was evaluated in, written out by hand in its generator.
const generated = (
  JSON.parse(readFileSync(new URL('./fixtures/marker-cases.json', import.meta.url), 'utf8')) as {
    environments: Record<string, TargetEnvironment>;
  }
).environments;

describe('parseEnvironmentName', () => {
  it.each(['py3.12-linux', 'py3.11-macos-arm64', 'py3.13-windows'])('%s is the environment the marker cases used', (name) => {
    const parsed = parseEnvironmentName(name);
    expect(parsed.ok && parsed.value).toEqual(generated[name]);
  });

  it('makes CPython 3.12 on Linux x86_64 the default', () => {
    expect(defaultEnvironment).toEqual(generated['py3.12-linux']);
  });

  it.each([
    ['PY3.12-Linux', '3.12', '3.12.0', 'linux', 'x86_64'],
    ['py312-linux-aarch64', '3.12', '3.12.0', 'linux', 'aarch64'],
    ['cp311-manylinux-x86_64', '3.11', '3.11.0', 'linux', 'x86_64'],
    ['python3.9.18-osx-x86_64', '3.9', '3.9.18', 'darwin', 'x86_64'],
    ['py3.10-darwin-aarch64', '3.10', '3.10.0', 'darwin', 'arm64'],
    ['py3.13-win-arm64', '3.13', '3.13.0', 'win32', 'ARM64'],
    ['py3.8-win32-x86', '3.8', '3.8.0', 'win32', 'x86'],
    ['py3.12-linux-i686', '3.12', '3.12.0', 'linux', 'i686'],
    ['py3.12-linux-s390x', '3.12', '3.12.0', 'linux', 's390x'],
  ])('%s → Python %s (%s) on %s %s', (name, version, full, platform, machine) => {
    const parsed = parseEnvironmentName(name);
    expect(parsed.ok && parsed.value).toMatchObject({
      python_version: version,
      python_full_version: full,
      implementation_version: full,
      sys_platform: platform,
      platform_machine: machine,
    });
  });

  it.each(['', 'linux', 'py3-linux', 'py3.12', 'py3.12-beos', 'py3.12-linux-sparc', 'py3.12-macos-ppc64le', 'py3.12-linux-x86_64-extra', 'pp310-linux', 'py3.12-constructor'])(
    '%j is an invalid-argument error',
    (name) => {
      const parsed = parseEnvironmentName(name);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe('invalid-argument');
    },
  );
});

describe('cpythonEnvironment', () => {
  it('rejects what is not major.minor[.patch]', () => {
    const parsed = cpythonEnvironment('3', 'linux', 'x86_64');
    expect(!parsed.ok && parsed.error.code).toBe('invalid-argument');
  });
});
