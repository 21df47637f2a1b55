import { describe, expect, it } from 'vitest';
import { NpmPackument } from './schema.js';

/** The maps are read without zod's record copy (schema.ts plainObject): the same answers as `z.record(...).optional().catch(undefined)`. */
describe('NpmPackument maps', () => {
  it.each([
    ['absent', undefined],
    ['null', null],
    ['a list', [{ name: 'a', version: '1.0.0' }]],
    ['a string', 'versions'],
  ])('versions %s: no versions, time and dist-tags as absent and empty', (_, value) => {
    const parsed = NpmPackument.parse({ name: 'a', versions: value, time: value, 'dist-tags': value });
    expect(Object.keys(parsed.versions)).toEqual([]);
    expect(parsed.time).toBeUndefined();
    expect(parsed['dist-tags']).toEqual({});
  });

  it('drops `__proto__` keys, as the record schema does, and pollutes no prototype', () => {
    const parsed = NpmPackument.parse(
      JSON.parse(
        '{"name":"a","dist-tags":{"__proto__":"1.0.0","latest":"1.0.0"},"time":{"__proto__":"x","1.0.0":"2024-01-01T00:00:00.000Z"},' +
          '"versions":{"__proto__":{"name":"a","version":"__proto__"},"1.0.0":{"name":"a","version":"1.0.0","dependencies":{"__proto__":"1","b":"^1"},"peerDependenciesMeta":{"__proto__":{"optional":true},"c":{"optional":true}}}}}',
      ) as unknown,
    );
    expect(Object.keys(parsed.versions)).toEqual(['1.0.0']);
    expect(parsed['dist-tags']).toEqual({ latest: '1.0.0' });
    expect(parsed.time).toEqual({ '1.0.0': '2024-01-01T00:00:00.000Z' });
    const manifest = parsed.versions['1.0.0']!;
    expect(manifest.dependencies).toEqual({ b: '^1' });
    expect(manifest.peerDependenciesMeta).toEqual({ c: { optional: true } });
    expect(Object.getPrototypeOf(manifest.peerDependenciesMeta)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(parsed.versions)).toBe(Object.prototype);
  });

  it('keeps string entries of a map and drops the others', () => {
    const parsed = NpmPackument.parse({ name: 'a', time: { created: '2024-01-01', '1.0.0': 5 }, versions: { '1.0.0': { name: 'a', version: '1.0.0', optionalDependencies: { x: '1', y: null } } } });
    expect(parsed.time).toEqual({ created: '2024-01-01' });
    expect(parsed.versions['1.0.0']!.optionalDependencies).toEqual({ x: '1' });
  });
});
