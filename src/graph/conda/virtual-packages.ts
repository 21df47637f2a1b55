import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import type { TargetEnvironment } from '../../ecosystems/pypi/environment.js';

/**
 * conda's virtual packages (`__unix`, `__linux`, `__glibc`, `__osx`, `__win`,
 * `__archspec`): facts about the machine a package is installed on, which
 * records depend on like packages (`__glibc >=2.17,<3.0.a0`). conda detects
 * them on the running machine; chainwatch resolves for a target, so they come
 * from the target platform and a few stated defaults.
 */
export interface VirtualPackage {
  readonly name: string;
  readonly version: string;
  readonly build: string;
}

export const CONDA_PLATFORMS = ['linux-64', 'linux-aarch64', 'linux-ppc64le', 'osx-64', 'osx-arm64', 'win-64', 'win-arm64'] as const;
export type CondaPlatform = (typeof CONDA_PLATFORMS)[number];

export interface VirtualPackageDefaults {
  /**
   * glibc of the target Linux. Default 2.28: the floor of manylinux_2_28 and
   * of current enterprise Linux 8; conda-forge builds still ask for >=2.17.
   */
  glibc?: string;
  /** Linux kernel version (`__linux`). Default 5.15; no conda-forge record in the fixtures constrains it. */
  linux?: string;
  /** macOS version (`__osx`). Default 11.0 on arm64, 10.13 on x86_64 (conda-forge's deployment targets). */
  osx?: string;
}

const ARCHSPEC: Record<CondaPlatform, string> = {
  'linux-64': 'x86_64',
  'linux-aarch64': 'aarch64',
  'linux-ppc64le': 'ppc64le',
  'osx-64': 'x86_64',
  'osx-arm64': 'arm64',
  'win-64': 'x86_64',
  'win-arm64': 'arm64',
};

/** The virtual packages a target platform provides, as conda would report them there. */
export function virtualPackagesFor(platform: CondaPlatform, defaults: VirtualPackageDefaults = {}): VirtualPackage[] {
  const archspec: VirtualPackage = { name: '__archspec', version: '1', build: ARCHSPEC[platform] };
  if (platform.startsWith('linux-')) {
    return [
      { name: '__unix', version: '0', build: '0' },
      { name: '__linux', version: defaults.linux ?? '5.15', build: '0' },
      { name: '__glibc', version: defaults.glibc ?? '2.28', build: '0' },
      archspec,
    ];
  }
  if (platform.startsWith('osx-')) {
    return [
      { name: '__unix', version: '0', build: '0' },
      { name: '__osx', version: defaults.osx ?? (platform === 'osx-arm64' ? '11.0' : '10.13'), build: '0' },
      archspec,
    ];
  }
  return [{ name: '__win', version: '0', build: '0' }, archspec];
}

const PLATFORM_BY_SYSTEM: Record<string, Partial<Record<string, CondaPlatform>>> = {
  linux: { x86_64: 'linux-64', aarch64: 'linux-aarch64', ppc64le: 'linux-ppc64le' },
  darwin: { x86_64: 'osx-64', arm64: 'osx-arm64' },
  win32: { AMD64: 'win-64', ARM64: 'win-arm64' },
};

/** The conda subdir for a target environment (`py3.12-linux` → linux-64). */
export function condaPlatformFor(environment: TargetEnvironment): Result<CondaPlatform> {
  const platform = PLATFORM_BY_SYSTEM[environment.sys_platform]?.[environment.platform_machine];
  if (platform === undefined) {
    return fail(
      new ChainwatchError('invalid-argument', `conda-forge has no platform for ${environment.sys_platform} on ${environment.platform_machine}`),
    );
  }
  return ok(platform);
}
