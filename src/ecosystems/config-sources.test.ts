import { describe, expect, it } from 'vitest';
import { splitUrlCredentials } from './config-sources.js';
import { basic } from './config-sources.fixture.js';

describe('splitUrlCredentials', () => {
  it.each([
    ['https://pypi.test/simple/', { url: 'https://pypi.test/simple/' }],
    ['https://u:p@pypi.test/simple/', { url: 'https://pypi.test/simple/', authorization: basic('u', 'p') }],
    ['https://__token__:pypi-abc@pypi.test/simple/', { url: 'https://pypi.test/simple/', authorization: basic('__token__', 'pypi-abc') }],
    ['https://user@pypi.test/', { url: 'https://pypi.test/', authorization: basic('user', '') }],
  ])('%s', (url, expected) => {
    expect(splitUrlCredentials(url)).toEqual(expected);
  });
});
