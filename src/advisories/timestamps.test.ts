import { describe, expect, it } from 'vitest';
import { compareTimestamps, timestampKey } from './timestamps.js';

describe('timestampKey / compareTimestamps', () => {
  it.each([
    ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.000000000Z'],
    ['2023-11-07T20:24:23.946863Z', '2023-11-07T20:24:23.946863000Z'],
    ['2024-01-02T03:04:05.123456789123Z', '2024-01-02T03:04:05.123456789Z'],
    ['2024-01-02T05:04:05+02:00', '2024-01-02T03:04:05.000000000Z'],
    ['2024-01-02T03:04:05.5-01:30', '2024-01-02T04:34:05.500000000Z'],
    ['not a date', null],
  ])('%s → %s', (text, expected) => {
    expect(timestampKey(text)).toBe(expected);
  });

  it.each([
    ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.000001Z', -1],
    ['2024-01-02T03:04:05.9Z', '2024-01-02T03:04:05.10Z', 1],
    ['2024-01-02T04:04:05+01:00', '2024-01-02T03:04:05Z', 0],
    ['2023-12-31T23:59:59Z', '2024-01-01T00:00:00Z', -1],
  ])('compare(%s, %s) = %d', (left, right, expected) => {
    expect(Math.sign(compareTimestamps(left, right))).toBe(expected);
  });
});
