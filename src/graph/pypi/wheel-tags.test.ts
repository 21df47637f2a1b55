import { describe, expect, it } from 'vitest';
import { cpythonEnvironment, defaultEnvironment, type TargetEnvironment } from '../../ecosystems/pypi/environment.js';
import { createWheelTagPolicy, supportedTags } from './wheel-tags.js';

function environment(python: string, system: 'linux' | 'macos' | 'windows', machine: 'x86_64' | 'arm64'): TargetEnvironment {
  const built = cpythonEnvironment(python, system, machine);
  if (!built.ok) throw built.error;
  return built.value;
}

describe('wheel tags for CPython 3.12 on manylinux 2.28 x86_64', () => {
  const policy = createWheelTagPolicy(defaultEnvironment);
  it.each([
    ['pyzmq-27.1.0-cp312-abi3-manylinux_2_26_x86_64.manylinux_2_28_x86_64.whl', true],
    ['psutil-7.2.1-cp36-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl', true],
    ['rpds_py-0.30.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', true],
    ['six-1.17.0-py2.py3-none-any.whl', true],
    ['tornado-6.5.4-cp39-abi3-manylinux_2_5_x86_64.manylinux1_x86_64.whl', true],
    ['x-1.0-cp312-cp312-linux_x86_64.whl', true],
    ['x-1.0-cp312-cp312-manylinux_2_34_x86_64.whl', false],
    ['x-1.0-cp312-cp312-musllinux_1_2_x86_64.whl', false],
    ['x-1.0-cp313-cp313-manylinux_2_17_x86_64.whl', false],
    ['x-1.0-cp312-cp312-win_amd64.whl', false],
    ['x-1.0-cp312-cp312-manylinux_2_17_aarch64.whl', false],
    ['x-1.0-py2-none-any.whl', false],
    ['x-1.0-1build-py3-none-any.whl', true],
    ['not-a-wheel.whl', false],
  ])('%s fits: %s', (filename, fits) => {
    expect(policy.priority(filename) !== undefined).toBe(fits);
  });

  it('prefers the interpreter ABI, then abi3, then pure Python', () => {
    const exact = policy.priority('x-1-cp312-cp312-manylinux_2_17_x86_64.whl')!;
    const abi3 = policy.priority('x-1-cp39-abi3-manylinux_2_17_x86_64.whl')!;
    const pure = policy.priority('x-1-py3-none-any.whl')!;
    expect(exact).toBeLessThan(abi3);
    expect(abi3).toBeLessThan(pure);
    expect(policy.priority('x-1-cp312-cp312-manylinux_2_28_x86_64.whl')!).toBeLessThan(exact);
  });

  it('lists the tags in uv order', () => {
    const tags = supportedTags(defaultEnvironment);
    expect(tags[0]).toBe('cp312-cp312-manylinux_2_28_x86_64');
    expect(tags.at(-1)).toBe('py30-none-any');
    expect(tags).toContain('cp32-abi3-linux_x86_64');
  });
});

describe('wheel tags on other systems', () => {
  it.each([
    [environment('3.12', 'windows', 'x86_64'), 'x-1.0-cp312-cp312-win_amd64.whl', true],
    [environment('3.12', 'windows', 'x86_64'), 'x-1.0-cp312-cp312-win32.whl', false],
    [environment('3.12', 'macos', 'arm64'), 'x-1.0-cp312-cp312-macosx_11_0_arm64.whl', true],
    [environment('3.12', 'macos', 'arm64'), 'x-1.0-cp312-cp312-macosx_10_9_x86_64.whl', false],
    [environment('3.12', 'macos', 'x86_64'), 'x-1.0-cp312-cp312-macosx_10_9_x86_64.whl', true],
    [environment('3.11', 'linux', 'arm64'), 'x-1.0-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl', true],
  ])('%#: %s fits: %s', (target, filename, fits) => {
    expect(createWheelTagPolicy(target).priority(filename) !== undefined).toBe(fits);
  });
});
