import { describe, expect, it } from 'vitest';
import { runBounded } from '../../test/bounded-run.js';
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
    ['a user name alone', 'GET https://tok3n@mirror.example.test/', 'GET https://***@mirror.example.test/'],
    ['URL credentials after a URL without any', 'x://a:b://user:pw@mirror.example.test/', 'x://a:b://***@mirror.example.test/'],
    ['URL credentials behind a long run of letters', `${'a'.repeat(100)}https://user:pw@mirror.example.test/`, `${'a'.repeat(100)}https://***@mirror.example.test/`],
    ['two URLs with credentials', 'https://a:b@one.test/ and git+ssh://c@two.test/', 'https://***@one.test/ and git+ssh://***@two.test/'],
    ['an authorization header', 'authorization: Bearer abc.def.ghi', 'authorization: Bearer ***'],
    ['an authorization header without a scheme word', 'Authorization=abc.def', 'Authorization=***'],
    ['a conda channel token', 'GET https://conda.example.test/t/tk-0123456789abcdef/conda-forge/noarch', 'GET https://conda.example.test/t/***/conda-forge/noarch'],
    ['a conda channel token at the end', 'channel https://conda.example.test/t/tk-0123456789abcdef', 'channel https://conda.example.test/t/***'],
    ['query tokens', 'GET https://mirror.example.test/simple/?token=abc123&page=2&access_token=xyz', 'GET https://mirror.example.test/simple/?token=***&page=2&access_token=***'],
    ['an auth query value', 'https://mirror.example.test/x?auth=s3cr3t#frag', 'https://mirror.example.test/x?auth=***#frag'],
  ])('redacts %s', (_label, input, expected) => {
    expect(redactSecrets(input, environment)).toBe(expected);
  });

  it.each([
    ['ordinary text and short env values', 'a short note about npm'],
    ['a URL without credentials', 'see https://mirror.example.test/simple/pkg/?page=2'],
    ['an e-mail address', 'mail maintainer@example.test'],
    ['a separator with no scheme before it', '-://user@host'],
  ])('leaves %s alone', (_label, input) => {
    expect(redactSecrets(input, environment)).toBe(input);
  });
});

/**
 * About a megabyte each, as JavaScript for the child process: the shapes
 * that made the old patterns quadratic (long runs a pattern can start
 * anywhere inside, runs of white space between two `\s*`) and their kin.
 */
const HOSTILE_INPUTS = `{
  'letters': 'a'.repeat(M),
  'letter-colon pairs': 'a:'.repeat(M / 2),
  'conda token prefixes': '/t/'.repeat(M / 3),
  'schemes': 'a://'.repeat(M / 4),
  'one scheme then colons': 'x://' + 'a:'.repeat(M / 2),
  'letters then a scheme': 'a'.repeat(M) + '://user',
  'at signs': 'a@'.repeat(M / 2),
  'PyPI token prefixes': 'pypi-'.repeat(M / 5),
  'npm token prefix then letters': 'npm_' + 'a'.repeat(M) + '_',
  'GitHub token prefix then letters': '-ghp_' + 'a'.repeat(M) + '_',
  'conda token without an end': '/t/' + 'a'.repeat(M) + '%',
  'authorization then spaces': 'authorization:' + ' '.repeat(M),
  'authorization bearer then spaces': 'authorization: bearer' + ' '.repeat(M),
  'npmrc keys then spaces': '_authToken' + ' '.repeat(M),
  'query names': '?token'.repeat(M / 6),
  'query pairs': '&token=b'.repeat(M / 8),
}`;
const HOSTILE_INPUT_COUNT = 16;

describe('redactSecrets on hostile input', () => {
  // A linear pass takes milliseconds per megabyte; the quadratic patterns this replaced took minutes for 200 KB.
  // The bound is generous (a loaded machine) yet far below any quadratic run, and the child is killed when it
  // passes it, so a regression fails here instead of hanging the suite.
  it('finishes every input within a fixed bound', () => {
    const script = `
      import { redactSecrets } from ${JSON.stringify(new URL('./redact.ts', import.meta.url).href)};
      const M = 1 << 20;
      for (const [name, text] of Object.entries(${HOSTILE_INPUTS})) {
        const output = redactSecrets(text, {});
        console.log(JSON.stringify({ name, length: text.length, outputLength: output.length }));
      }
    `;
    const run = runBounded(script, 30_000);
    expect(run.timedOut, `timed out; finished so far: ${run.stdout.trim().replaceAll('\n', ' ')}`).toBe(false);
    expect(run.stderr).toBe('');
    const done = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string; length: number; outputLength: number });
    expect(done).toHaveLength(HOSTILE_INPUT_COUNT);
    for (const entry of done) expect(entry.length, entry.name).toBeGreaterThan(900_000);
    // The query tokens were found, not skipped: every value is gone.
    expect(done.find((entry) => entry.name === 'query pairs')?.outputLength).toBe((1 << 20) / 8 * '&token=***'.length);
  });
});
