import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restAdvisory as advisory } from '../rest-advisory.fixture.js';
import { readAdvisoryDirectory, type DirectoryAdvisories } from './from-dir.js';

const FIRST = 'GHSA-2222-3333-4444';
const SECOND = 'GHSA-5555-6666-7777';
const THIRD = 'GHSA-8888-9999-cccc';

describe('readAdvisoryDirectory', () => {
  let directory: string;
  let result: DirectoryAdvisories;
  const note = (file: string) => result.sources.find((source) => source.name === `file:${path.join(directory, file)}`)?.note;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-from-dir-'));
    const write = (name: string, content: string | Buffer) => writeFileSync(path.join(directory, name), content);
    write('b-good.json', `${JSON.stringify(advisory(FIRST), null, 2)}\n`);
    write('a-broken.json', '{\n  "ghsa_id": "GHSA-2222-3333-4444",\n  "summary": "y",\n}\n');
    write('c-wrong-url.json', JSON.stringify(advisory(SECOND, { url: 'https://api.github.com/advisories/GHSA-5555-6666-7777' })));
    write('d-list.json', JSON.stringify([advisory(SECOND), advisory(THIRD, { state: 'accepted' })]));
    write('e-deep.json', `{"a":\n${'['.repeat(200)}`);
    write('f-repeat.json', JSON.stringify(advisory(FIRST, { summary: 'the same advisory again' })));
    write('g-latin1.json', Buffer.concat([Buffer.from('{\n"summary": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]));
    write('h-empty-list.json', '[]');
    write('notes.txt', 'not an advisory');
    mkdirSync(path.join(directory, 'folder.json'));
    result = await readAdvisoryDirectory(directory);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('reads the good files in name order and goes on past the bad ones', () => {
    expect(result.advisories.map((entry) => [entry.id, entry.origin, entry.source])).toEqual([
      [FIRST, 'file', path.join(directory, 'b-good.json')],
      [SECOND, 'file', `${path.join(directory, 'd-list.json')}#0`],
    ]);
    expect(result.sources[0]).toEqual({ name: `dir:${directory}`, status: 'read', advisories: 2, note: '6 of 8 files could not be read as advisories (see their sources)' });
  });

  it('names each bad file, with the line where the JSON breaks', () => {
    expect(result.sources.slice(1).map((source) => [path.basename(source.name), source.status, source.advisories])).toEqual([
      ['a-broken.json', 'invalid', 0],
      ['c-wrong-url.json', 'invalid', 0],
      ['d-list.json', 'invalid', 1],
      ['e-deep.json', 'invalid', 0],
      ['f-repeat.json', 'invalid', 0],
      ['g-latin1.json', 'invalid', 0],
      ['h-empty-list.json', 'invalid', 0],
    ]);
    expect(note('a-broken.json')).toMatch(new RegExp(`^${escape(path.join(directory, 'a-broken.json'))}:4: not JSON \\(`));
    expect(note('c-wrong-url.json')).toMatch(/c-wrong-url\.json: GHSA-5555-6666-7777: its url .* does not have the form/);
    expect(note('d-list.json')).toMatch(/d-list\.json#1: GHSA-8888-9999-cccc: not a repository advisory: state: /);
    expect(note('e-deep.json')).toMatch(/e-deep\.json:2: nested deeper than 64 levels/);
    expect(note('f-repeat.json')).toMatch(/repeats GHSA-2222-3333-4444 \(already read from b-good\.json\)/);
    expect(note('g-latin1.json')).toMatch(/g-latin1\.json:2: is not valid UTF-8/);
  });

  it('a folder that is not there is a not-found source; an empty one says so', async () => {
    const missing = await readAdvisoryDirectory(path.join(directory, 'nope'));
    expect(missing).toEqual({ advisories: [], sources: [{ name: `dir:${path.join(directory, 'nope')}`, status: 'not-found', advisories: 0, note: `${path.join(directory, 'nope')} does not exist` }] });
    const empty = await readAdvisoryDirectory(path.join(directory, 'folder.json'));
    expect(empty.sources[0]).toMatchObject({ status: 'read', advisories: 0, note: expect.stringMatching(/^no \*\.json files in /) });
  });

  it('a file over the size limit is refused, not read', async () => {
    const small = await readAdvisoryDirectory(directory, { maxFileBytes: 100 });
    expect(small.sources.find((source) => source.name.endsWith('b-good.json'))?.note).toMatch(/is larger than 100 bytes/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
