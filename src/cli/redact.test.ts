import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  const environment = { GH_TOKEN: 'sekret-value-0123456789', NPM_TOKEN: 'short' };

  it.each([
    ['a GitHub token from the environment', 'failed with sekret-value-0123456789 here', 'failed with *** here'],
    ['a classic GitHub token pattern', 'token ghp_abcdefghijklmnopqrstuvwxyz0123', 'token ***'],
    ['a fine-grained GitHub token', 'github_pat_11ABCDEFG0123456789_abcdefghijk', '***'],
    ['an npm token', 'npm_abcdefghijklmnopqrstuvwxyz012345 leaked', '*** leaked'],
    ['an .npmrc auth line', '//registry.example.test/:_authToken=abc123def', '//registry.example.test/:_authToken=***'],
    ['URL credentials', 'GET https://user:pa55@mirror.example.test/simple/', 'GET https://***@mirror.example.test/simple/'],
    ['an authorization header', 'authorization: Bearer abc.def.ghi', 'authorization: Bearer ***'],
    ['a conda channel token', 'GET https://conda.example.test/t/tk-0123456789abcdef/conda-forge/noarch', 'GET https://conda.example.test/t/***/conda-forge/noarch'],
  ])('redacts %s', (_label, input, expected) => {
    expect(redactSecrets(input, environment)).toBe(expected);
  });

  it('leaves ordinary text and short env values alone', () => {
    expect(redactSecrets('a short note about npm', environment)).toBe('a short note about npm');
  });
});
