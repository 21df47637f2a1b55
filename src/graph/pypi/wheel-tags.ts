import type { TargetEnvironment } from '../../ecosystems/pypi/environment.js';

/**
 * The wheel tags (PEP 425) a CPython target accepts, most preferred first, in
 * the order uv builds them for `--python-platform`: the interpreter's own ABI,
 * then abi3 for every older minor version, then pure-Python tags, then `any`.
 * Platforms follow uv's target triples: Linux is manylinux 2.28 (the glibc uv
 * assumes for `x86_64-unknown-linux-gnu`) down to the oldest manylinux, plus
 * `linux_<arch>`; macOS is 13.0 down to 11.0 (arm64) or 10.4 (x86_64);
 * Windows is `win_amd64` / `win32` / `win_arm64`.
 */
export interface WheelTagPolicy {
  /** Lower is better; undefined when no tag of the wheel fits the target. */
  priority(filename: string): number | undefined;
}

const MANYLINUX_MINIMUM_MINOR: Record<string, number> = { x86_64: 5, i686: 5, aarch64: 17, ppc64le: 17, s390x: 17, armv7l: 17 };

function linuxPlatforms(machine: string): string[] {
  const platforms: string[] = [];
  const minimum = MANYLINUX_MINIMUM_MINOR[machine];
  if (minimum !== undefined) {
    for (let minor = 28; minor >= minimum; minor--) {
      platforms.push(`manylinux_2_${minor}_${machine}`);
      if (minor === 12) platforms.push(`manylinux2010_${machine}`);
      if (minor === 17) platforms.push(`manylinux2014_${machine}`);
      if (minor === 5) platforms.push(`manylinux1_${machine}`);
    }
  }
  platforms.push(`linux_${machine}`);
  return platforms;
}

function macosPlatforms(machine: string): string[] {
  const platforms: string[] = [];
  const formats = machine === 'arm64' ? ['arm64', 'universal2'] : ['x86_64', 'intel', 'fat64', 'fat32', 'universal2', 'universal'];
  for (let major = 13; major >= 11; major--) for (const format of formats) platforms.push(`macosx_${major}_0_${format}`);
  if (machine !== 'arm64') {
    for (let minor = 16; minor >= 4; minor--) {
      for (const format of formats.filter((f) => f !== 'universal2' || minor >= 16)) platforms.push(`macosx_10_${minor}_${format}`);
    }
  }
  return platforms;
}

function windowsPlatforms(machine: string): string[] {
  if (machine === 'AMD64') return ['win_amd64'];
  if (machine === 'ARM64') return ['win_arm64'];
  return ['win32'];
}

function platformTags(environment: TargetEnvironment): string[] {
  switch (environment.sys_platform) {
    case 'linux':
      return linuxPlatforms(environment.platform_machine);
    case 'darwin':
      return macosPlatforms(environment.platform_machine);
    case 'win32':
      return windowsPlatforms(environment.platform_machine);
    default:
      return [];
  }
}

/** The ordered tag list for a CPython target environment. */
export function supportedTags(environment: TargetEnvironment): string[] {
  const [majorText, minorText] = environment.python_version.split('.');
  const major = Number(majorText);
  const minor = Number(minorText);
  const platforms = platformTags(environment);
  const cp = (m: number) => `cp${major}${m}`;
  const tags: string[] = [];
  for (const platform of platforms) tags.push(`${cp(minor)}-${cp(minor)}-${platform}`);
  for (let m = minor; m >= 2; m--) {
    for (const platform of platforms) tags.push(`${cp(m)}-abi3-${platform}`);
    if (m === minor) for (const platform of platforms) tags.push(`${cp(m)}-none-${platform}`);
  }
  for (let m = minor; m >= 0; m--) {
    for (const platform of platforms) tags.push(`py${major}${m}-none-${platform}`);
    if (m === minor) for (const platform of platforms) tags.push(`py${major}-none-${platform}`);
  }
  tags.push(`${cp(minor)}-none-any`);
  for (let m = minor; m >= 0; m--) {
    tags.push(`py${major}${m}-none-any`);
    if (m === minor) tags.push(`py${major}-none-any`);
  }
  return tags;
}

export function createWheelTagPolicy(environment: TargetEnvironment): WheelTagPolicy {
  const rank = new Map<string, number>();
  supportedTags(environment).forEach((tag, index) => {
    if (!rank.has(tag)) rank.set(tag, index);
  });
  return {
    priority(filename) {
      const parts = filename.replace(/\.whl$/i, '').split('-');
      if (parts.length !== 5 && parts.length !== 6) return undefined;
      const [python, abi, platform] = parts.slice(-3) as [string, string, string];
      let best: number | undefined;
      for (const p of python.toLowerCase().split('.')) {
        for (const a of abi.toLowerCase().split('.')) {
          for (const plat of platform.toLowerCase().split('.')) {
            const found = rank.get(`${p}-${a}-${plat}`);
            if (found !== undefined && (best === undefined || found < best)) best = found;
          }
        }
      }
      return best;
    },
  };
}
