import { describe, expect, it } from 'vitest';
import { known, knownIfPresent, unknown } from './known.js';

describe('known / unknown', () => {
  it('serialises as reports show it', () => {
    expect(JSON.stringify(known(0))).toBe('{"known":true,"value":0}');
    expect(JSON.stringify(unknown('a mirror strips it'))).toBe('{"known":false,"reason":"a mirror strips it"}');
  });

  it.each([
    [0, known(0)],
    [false, known(false)],
    ['', known('')],
    [null, unknown('not said')],
    [undefined, unknown('not said')],
  ])('knownIfPresent(%j): false, zero and empty are values, only null and undefined are unknown', (value, expected) => {
    expect(knownIfPresent(value, 'not said')).toEqual(expected);
  });
});
