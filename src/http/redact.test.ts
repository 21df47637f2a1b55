import { describe, expect, it } from 'vitest';
import { runBounded } from '../../test/bounded-run.js';
import { isSecretQueryName, redactUrl, requestSecrets, restoreStoredUrl, scrubSecrets, storableUrl } from './redact.js';

describe('redactUrl', () => {
  it.each([
    ['user info', 'https://user:pa55@mirror.example.test/simple/', 'https://***:***@mirror.example.test/simple/'],
    ['every query value', 'https://mirror.example.test/x?page=2&token=abc', 'https://mirror.example.test/x?page=***&token=***'],
    ['a conda token', 'https://conda.example.test/t/tk-0123456789/conda-forge/noarch/', 'https://conda.example.test/t/***/conda-forge/noarch/'],
    ['an unparseable URL', 'not a url', '<unparseable URL>'],
  ])('hides %s', (_label, input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('cuts a very long URL', () => {
    const shown = redactUrl(`https://mirror.example.test/${'a'.repeat(10_000)}`);
    expect(shown.length).toBeLessThanOrEqual(2001);
    expect(shown.endsWith('…')).toBe(true);
  });
});

describe('storableUrl', () => {
  it.each([
    ['user info', 'https://user:pa55@mirror.example.test/simple/', 'https://mirror.example.test/simple/'],
    ['a conda token', 'https://conda.example.test/t/tk-0123456789/conda-forge/noarch/repodata.json', 'https://conda.example.test/t/***/conda-forge/noarch/repodata.json'],
    ['credential-named query values only', 'https://mirror.example.test/x?page=2&token=abc&access_token=d&auth=e&X-Amz-Signature=f', 'https://mirror.example.test/x?page=2&token=***&access_token=***&auth=***&X-Amz-Signature=***'],
    ['the fragment', 'https://mirror.example.test/x#sha256=00', 'https://mirror.example.test/x'],
    ['nothing else', 'https://mirror.example.test/simple/pkg/?format=json', 'https://mirror.example.test/simple/pkg/?format=json'],
  ])('removes %s', (_label, input, expected) => {
    expect(storableUrl(input)).toBe(expected);
  });

  it('restores the secrets of the request being answered, not of the one stored', () => {
    const asked = 'https://conda.example.test/t/tk-NEW/conda-forge/noarch/repodata.json?token=new&page=2';
    const stored = storableUrl('https://conda.example.test/t/tk-OLD/conda-forge/noarch/repodata.json?token=old&page=2');
    expect(stored).not.toMatch(/OLD|old/);
    expect(restoreStoredUrl(stored, asked)).toBe(asked);
    // A redirect to another host keeps its placeholders: the request's token was not for it.
    expect(restoreStoredUrl('https://files.example.test/t/***/x.conda', asked)).toBe('https://files.example.test/t/***/x.conda');
  });

  it.each([
    ['token', true],
    ['access_token', true],
    ['auth', true],
    ['api-key', true],
    ['X-Amz-Credential', true],
    ['page', false],
    ['author', false],
    ['format', false],
  ])('treats the query name %s as a credential: %s', (name, expected) => {
    expect(isSecretQueryName(name)).toBe(expected);
  });
});

describe('HTTP redaction on hostile input', () => {
  // Megabyte URLs (a hostile index hands out file URLs): each function must stay linear. See src/cli/redact.test.ts.
  it('finishes every input within a fixed bound', () => {
    const script = `
      import { redactUrl, requestSecrets, restoreStoredUrl, scrubSecrets, storableUrl } from ${JSON.stringify(new URL('./redact.ts', import.meta.url).href)};
      const M = 1 << 20;
      const urls = {
        'many query parameters': 'https://h.test/x?' + Array.from({ length: M / 8 }, (_, index) => 'a' + index + '=b').join('&'),
        'many token parameters': 'https://h.test/x?' + Array.from({ length: M / 12 }, (_, index) => 'token' + index + '=b').join('&'),
        'conda token prefixes': 'https://h.test' + '/t/'.repeat(M / 3),
        'a long conda token': 'https://h.test/t/' + 'a'.repeat(M) + '/x',
        'a long user name': 'https://' + 'u'.repeat(M) + ':p@h.test/',
      };
      for (const [name, url] of Object.entries(urls)) {
        const started = performance.now();
        const secrets = requestSecrets(url, { authorization: 'Bearer ' + 'z'.repeat(M) });
        const message = scrubSecrets('failed: ' + url, secrets);
        const stored = storableUrl(url);
        const restored = restoreStoredUrl(stored, url);
        console.log(JSON.stringify({ name, shown: redactUrl(url).length, secrets: secrets.length, message: message.length, stored: stored.length, restored: restored.length, milliseconds: Math.round(performance.now() - started) }));
      }
    `;
    const run = runBounded(script, 30_000);
    expect(run.timedOut, `timed out; finished so far: ${run.stdout.trim().replaceAll('\n', ' ')}`).toBe(false);
    expect(run.stderr).toBe('');
    const done = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string; shown: number; secrets: number });
    expect(done.map((entry) => entry.name)).toEqual(['many query parameters', 'many token parameters', 'conda token prefixes', 'a long conda token', 'a long user name']);
    for (const entry of done) {
      expect(entry.shown).toBeLessThanOrEqual(2001);
      // URL values, the header and its credential, each with its encoded forms: a bounded list.
      expect(entry.secrets).toBeLessThan(200);
    }
  });
});

describe('requestSecrets and scrubSecrets', () => {
  it('find a conda token, a query token, user info and an Authorization value', () => {
    const secrets = requestSecrets('https://user:pw123@conda.example.test/t/tk-0123456789/x?token=qtok-99', { authorization: 'Bearer bear-777' });
    const scrubbed = scrubSecrets('user pw123 tk-0123456789 qtok-99 bear-777', secrets);
    expect(scrubbed).toBe('*** *** *** *** ***');
  });
});
