import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';

/**
 * The values PEP 508 markers read, for one Python installation we scan for
 * (not the machine chainwatch runs on). Field names are the marker variables.
 */
export interface TargetEnvironment {
  /** `major.minor`, e.g. `3.12`. */
  readonly python_version: string;
  /** `major.minor.patch`, e.g. `3.12.0`. */
  readonly python_full_version: string;
  /** Python's `os.name`: `posix` or `nt`. */
  readonly os_name: string;
  /** Python's `sys.platform`: `linux`, `darwin`, `win32`. */
  readonly sys_platform: string;
  /** `platform.system()`: `Linux`, `Darwin`, `Windows`. */
  readonly platform_system: string;
  /** `platform.machine()`, spelled as each system spells it: `x86_64`, `aarch64`, `arm64`, `AMD64`. */
  readonly platform_machine: string;
  /** `platform.release()`: the kernel or OS release; '' when unknown. */
  readonly platform_release: string;
  /** `platform.version()`; '' when unknown. */
  readonly platform_version: string;
  /** `CPython`, `PyPy`. */
  readonly platform_python_implementation: string;
  /** `sys.implementation.name`: `cpython`, `pypy`. */
  readonly implementation_name: string;
  /** The implementation's own version; for CPython the same as `python_full_version`. */
  readonly implementation_version: string;
}

export const OPERATING_SYSTEMS = ['linux', 'macos', 'windows'] as const;
export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];

export const MACHINES = ['x86_64', 'arm64', 'x86', 'ppc64le', 's390x'] as const;
export type Machine = (typeof MACHINES)[number];

const SYSTEMS: Record<OperatingSystem, Pick<TargetEnvironment, 'os_name' | 'sys_platform' | 'platform_system'>> = {
  linux: { os_name: 'posix', sys_platform: 'linux', platform_system: 'Linux' },
  macos: { os_name: 'posix', sys_platform: 'darwin', platform_system: 'Darwin' },
  windows: { os_name: 'nt', sys_platform: 'win32', platform_system: 'Windows' },
};

// `platform.machine()` differs per system for the same hardware; null where the
// combination does not exist as a CPython target.
const MACHINE_SPELLING: Record<OperatingSystem, Record<Machine, string | null>> = {
  linux: { x86_64: 'x86_64', arm64: 'aarch64', x86: 'i686', ppc64le: 'ppc64le', s390x: 's390x' },
  macos: { x86_64: 'x86_64', arm64: 'arm64', x86: null, ppc64le: null, s390x: null },
  windows: { x86_64: 'AMD64', arm64: 'ARM64', x86: 'x86', ppc64le: null, s390x: null },
};

// Maps, not object literals: a name such as `constructor` must not find Object's prototype.
const SYSTEM_ALIASES = new Map<string, OperatingSystem>([
  ['linux', 'linux'],
  ['manylinux', 'linux'],
  ['macos', 'macos'],
  ['mac', 'macos'],
  ['osx', 'macos'],
  ['darwin', 'macos'],
  ['windows', 'windows'],
  ['win', 'windows'],
  ['win32', 'windows'],
]);

const MACHINE_ALIASES = new Map<string, Machine>([
  ['x86_64', 'x86_64'],
  ['amd64', 'x86_64'],
  ['x64', 'x86_64'],
  ['arm64', 'arm64'],
  ['aarch64', 'arm64'],
  ['x86', 'x86'],
  ['i686', 'x86'],
  ['i386', 'x86'],
  ['ppc64le', 'ppc64le'],
  ['s390x', 's390x'],
]);

/** CPython `major.minor[.patch]` on a system and machine; the patch defaults to 0. */
export function cpythonEnvironment(pythonVersion: string, system: OperatingSystem, machine: Machine): Result<TargetEnvironment> {
  const match = /^([0-9]+)\.([0-9]+)(?:\.([0-9]+))?$/.exec(pythonVersion);
  if (!match) return fail(new ChainwatchError('invalid-argument', `not a Python version (major.minor[.patch]): ${JSON.stringify(pythonVersion)}`));
  const platformMachine = MACHINE_SPELLING[system][machine];
  if (platformMachine === null) return fail(new ChainwatchError('invalid-argument', `no CPython for ${system} on ${machine}`));
  const minor = `${Number(match[1])}.${Number(match[2])}`;
  const full = `${minor}.${Number(match[3] ?? 0)}`;
  return ok({
    python_version: minor,
    python_full_version: full,
    ...SYSTEMS[system],
    platform_machine: platformMachine,
    platform_release: '',
    platform_version: '',
    platform_python_implementation: 'CPython',
    implementation_name: 'cpython',
    implementation_version: full,
  });
}

function mustBuild(result: Result<TargetEnvironment>): TargetEnvironment {
  if (!result.ok) throw result.error;
  return result.value;
}

/** CPython 3.12 on Linux x86_64. */
export const defaultEnvironment: TargetEnvironment = mustBuild(cpythonEnvironment('3.12', 'linux', 'x86_64'));

/**
 * Reads a short environment name: `py<version>-<system>[-<machine>]`, e.g.
 * `py3.12-linux`, `py3.11-macos-arm64`, `py3.13-windows`, `py3.12.4-linux-aarch64`.
 *
 * - version: `py3.12`, `py3.12.4`, `py312`, `cp312`, `python3.12` (CPython only; patch defaults to 0);
 * - system: `linux` (`manylinux`), `macos` (`mac`, `osx`, `darwin`), `windows` (`win`, `win32`);
 * - machine (default x86_64): `x86_64` (`amd64`, `x64`), `arm64` (`aarch64`), `x86` (`i686`, `i386`), `ppc64le`, `s390x`.
 *
 * Case does not matter. Anything else is an `invalid-argument` error.
 */
export function parseEnvironmentName(name: string): Result<TargetEnvironment> {
  const invalid = (why: string) =>
    fail(new ChainwatchError('invalid-argument', `not an environment name (${why}): ${JSON.stringify(name)}; expected e.g. py3.12-linux, py3.11-macos-arm64`));
  const [pythonPart, systemPart, machinePart, ...rest] = name.trim().toLowerCase().split('-');
  if (rest.length > 0 || !pythonPart || !systemPart) return invalid('want py<version>-<system>[-<machine>]');
  const version = /^(?:py|cp|python)(?:([0-9])([0-9]+)|([0-9]+\.[0-9]+(?:\.[0-9]+)?))$/.exec(pythonPart);
  if (!version) return invalid(`unknown Python version ${JSON.stringify(pythonPart)}`);
  const system = SYSTEM_ALIASES.get(systemPart);
  if (!system) return invalid(`unknown system ${JSON.stringify(systemPart)}`);
  const machine = machinePart === undefined ? 'x86_64' : MACHINE_ALIASES.get(machinePart);
  if (!machine) return invalid(`unknown machine ${JSON.stringify(machinePart)}`);
  return cpythonEnvironment(version[3] ?? `${version[1]}.${version[2]}`, system, machine);
}
