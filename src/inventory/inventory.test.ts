/**
 * The inventory against hostile trees: includes that try to leave the scanned
 * tree, devices and FIFOs, symbolic links, invalid UTF-8, and extractors that
 * return more entries than a call can take arguments. Every fixture is made
 * here, at run time, in a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../../test/cli-harness.js';
import { ChainwatchError } from '../core/errors.js';
import type { ExtractedPackage, Extractor, NotScannable, RegisteredExtractor } from '../extractors/types.js';
import { MAX_INCLUDE_DEPTH } from '../extractors/requirements-txt/requirements-txt.js';
import { buildInventory, REPORTED_TEXT_LIMITS, type Inventory } from './inventory.js';

const scratch = temporaryDirectory();
afterAll(() => scratch.remove());
let counter = 0;

/** A fresh folder holding `project/` (the scanned tree) and `outside/` beside it. */
function makeTree(files: Record<string, string | Buffer>): { root: string; project: string; outside: string } {
  const root = join(scratch.path, `tree-${counter++}`);
  const project = join(root, 'project');
  const outside = join(root, 'outside');
  mkdirSync(project, { recursive: true });
  mkdirSync(outside, { recursive: true });
  for (const [relative, content] of Object.entries(files)) {
    const path = join(root, relative);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  return { root, project, outside };
}

function errorsOf(inventory: Inventory): Array<[string, string, number | undefined]> {
  return inventory.errors.map((error) => [error.code, error.location?.path ?? '', error.location?.line]);
}

function everythingSaid(inventory: Inventory): string {
  return JSON.stringify({
    errors: inventory.errors.map((error) => [error.message, error.location, String((error.cause as Error | undefined)?.message ?? '')]),
    notScannable: inventory.notScannable,
    packages: inventory.packages,
  });
}

const SECRET = 'MY_DB_PASSWORD=hunter2-secret-value';

describe('includes stay inside the scanned tree', () => {
  it('refuses /proc, absolute paths and ../ paths outside the tree, and in-tree links that lead out, naming only the path as written', async () => {
    const { project } = makeTree({
      'outside/secret.txt': `${SECRET}\n`,
      'project/requirements.txt': ['-r /proc/self/environ', '-r ../outside/secret.txt', '-c leak.txt', '-r ../outside/missing.txt', 'requests==2.31.0', ''].join('\n'),
    });
    symlinkSync(join(project, '..', 'outside', 'secret.txt'), join(project, 'leak.txt'));
    const inventory = await buildInventory([project], { displayBase: project });
    expect(errorsOf(inventory)).toEqual([
      ['unreadable-file', 'requirements.txt', 1],
      ['unreadable-file', 'requirements.txt', 2],
      ['unreadable-file', 'requirements.txt', 3],
      ['unreadable-file', 'requirements.txt', 4],
    ]);
    expect(inventory.errors[0]!.message).toBe('cannot read included requirements file "/proc/self/environ": is outside the scanned tree (only files inside the scanned directory are read, symbolic links resolved)');
    expect(inventory.errors[1]!.message).toContain('"../outside/secret.txt": is outside the scanned tree');
    expect(inventory.errors[2]!.message).toContain('"leak.txt": is outside the scanned tree');
    // A missing file outside the tree is refused like an existing one: the input learns nothing about what is there.
    expect(inventory.errors[3]!.message).toBe(inventory.errors[1]!.message.replace('secret.txt', 'missing.txt'));
    expect(inventory.packages.map((pkg) => pkg.name)).toEqual(['requests']);
    const said = everythingSaid(inventory);
    expect(said).not.toContain('hunter2');
    expect(said).not.toContain(project.replace(/project$/, 'outside'));
    // The link itself, claimed by no extractor (`leak.txt`), is not reported.
    expect(inventory.files.map((file) => file.path)).toEqual(['requirements.txt']);
  });

  it('reads includes inside the tree, through folders and in-tree symbolic links', async () => {
    const { project } = makeTree({
      'project/requirements.txt': '-r requirements/base.txt\n-r shared.txt\n',
      'project/requirements/base.txt': '-c ../constraints/pins.txt\nflask==3.0.0\n',
      'project/constraints/pins.txt': 'jinja2==3.1.4\n',
      'project/common/shared.txt': 'click==8.1.7\n',
    });
    symlinkSync(join(project, 'common', 'shared.txt'), join(project, 'shared.txt'));
    const inventory = await buildInventory([join(project, 'requirements.txt')], { displayBase: project });
    expect(inventory.errors).toEqual([]);
    expect(inventory.packages.map((pkg) => `${pkg.name}@${pkg.version} ${pkg.locations[0]!.path}:${pkg.locations[0]!.line}`)).toEqual([
      'click@8.1.7 shared.txt:1',
      'flask@3.0.0 requirements/base.txt:2',
      'jinja2@3.1.4 constraints/pins.txt:1',
    ]);
  });

  it('-r /dev/zero, /dev/stdin, a FIFO, a device link and a missing file: an error naming the file and line each, the scan goes on', async () => {
    const { project } = makeTree({
      'project/requirements.txt': ['-r /dev/zero', '-r /dev/stdin', '-r pipe.txt', '-r zero.txt', '-r missing.txt', 'requests==2.31.0', ''].join('\n'),
      'project/other/requirements.txt': 'flask==3.0.0\n',
    });
    execFileSync('mkfifo', [join(project, 'pipe.txt')]);
    symlinkSync('/dev/zero', join(project, 'zero.txt'));
    const inventory = await buildInventory([project], { displayBase: project });
    expect(errorsOf(inventory)).toEqual([
      ['unreadable-file', 'requirements.txt', 1],
      ['unreadable-file', 'requirements.txt', 2],
      ['unreadable-file', 'requirements.txt', 3],
      ['unreadable-file', 'requirements.txt', 4],
      ['unreadable-file', 'requirements.txt', 5],
    ]);
    const messages = inventory.errors.map((error) => error.message);
    expect(messages[0]).toContain('"/dev/zero": is outside the scanned tree');
    expect(messages[1]).toContain('"/dev/stdin": is outside the scanned tree');
    expect(messages[2]).toBe('cannot read included requirements file "pipe.txt": is not a regular file (a device, FIFO or socket is never read)');
    expect(messages[3]).toContain('"zero.txt": is outside the scanned tree');
    expect(messages[4]).toBe('cannot read included requirements file "missing.txt": it does not exist');
    expect(inventory.packages.map((pkg) => pkg.name)).toEqual(['flask', 'requests']);
  });

  it('an include that is not UTF-8 is an error at the -r line naming the included line; a scanned file that is not UTF-8 is an error at its own line', async () => {
    const { project } = makeTree({
      'project/requirements.txt': '-r latin1.txt\nrequests==2.31.0\n',
      'project/latin1.txt': Buffer.concat([Buffer.from('ok==1.0\nna'), Buffer.from([0xef, 0x76, 0x65]), Buffer.from('==1.0\n')]),
      'project/sub/requirements.txt': Buffer.concat([Buffer.from('flask==3.0.0\n\ncaf'), Buffer.from([0xe9]), Buffer.from('==1.0\n')]),
      'project/sub2/requirements.txt': 'click==8.1.7\n',
    });
    const inventory = await buildInventory([project], { displayBase: project });
    expect(errorsOf(inventory)).toEqual([
      ['invalid-encoding', 'requirements.txt', 1],
      ['invalid-encoding', 'sub/requirements.txt', 3],
    ]);
    expect(inventory.errors[0]!.message).toBe('cannot read included requirements file "latin1.txt": line 2 is not valid UTF-8 (first bad byte at offset 10)');
    expect(inventory.errors[1]!.describe()).toBe('sub/requirements.txt:3: is not valid UTF-8 (first bad byte at offset 17)');
    // Nothing is replaced by U+FFFD and reported under a mangled name; the other files are still read.
    expect(inventory.packages.map((pkg) => pkg.name)).toEqual(['click', 'requests']);
  });

  it(`${2000} nested includes: followed ${MAX_INCLUDE_DEPTH} deep, then one clear error; no stack overflow`, async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 2000; index++) files[`project/requirements/f${index}.txt`] = `-r f${index + 1}.txt\npkg${index}==1.0\n`;
    files['project/requirements.txt'] = '-r requirements/f0.txt\n';
    const { project } = makeTree(files);
    const inventory = await buildInventory([join(project, 'requirements.txt')], { displayBase: project });
    // The root file is level 1: f0 … f62 are read, f62's include of f63 is the 65th level.
    expect(errorsOf(inventory)).toEqual([['include-too-deep', `requirements/f${MAX_INCLUDE_DEPTH - 2}.txt`, 1]]);
    expect(inventory.errors[0]!.message).toBe(`included requirements file "f${MAX_INCLUDE_DEPTH - 1}.txt" is nested more than ${MAX_INCLUDE_DEPTH} includes deep; not followed`);
    expect(inventory.packages).toHaveLength(MAX_INCLUDE_DEPTH - 1);
  });
});

describe('the walk: symbolic links, FIFOs and devices are never skipped without a word', () => {
  it('follows a link to a regular file inside the tree; reports links that lead outside, to devices or nowhere, and FIFOs, when an extractor claims the name', async () => {
    const { project, outside } = makeTree({
      'outside/poetry.lock': `${SECRET}\n`,
      'project/real/requirements.txt': 'requests==2.31.0\n',
      'project/notes.txt': 'not a lockfile\n',
    });
    symlinkSync(join(project, 'real', 'requirements.txt'), join(project, 'requirements.txt'));
    mkdirSync(join(project, 'a'));
    symlinkSync(join(outside, 'poetry.lock'), join(project, 'a', 'poetry.lock'));
    mkdirSync(join(project, 'b'));
    symlinkSync('/dev/zero', join(project, 'b', 'requirements.txt'));
    mkdirSync(join(project, 'c'));
    symlinkSync(join(project, 'nowhere'), join(project, 'c', 'requirements.txt'));
    mkdirSync(join(project, 'd'));
    execFileSync('mkfifo', [join(project, 'd', 'requirements.txt')]);
    // Links no extractor claims, and links to directories, are not lockfiles: no error for them.
    symlinkSync('/etc/hostname', join(project, 'unrelated.txt'));
    symlinkSync(outside, join(project, 'linked-directory'));
    symlinkSync(join(project, 'gone'), join(project, 'dangling.md'));

    const inventory = await buildInventory([project], { displayBase: project });
    expect(inventory.files).toEqual([
      { path: 'requirements.txt', extractor: 'requirements-txt', packages: 1 },
      { path: 'real/requirements.txt', extractor: 'requirements-txt', packages: 1 },
    ]);
    expect(inventory.packages[0]!.locations).toEqual([
      { path: 'requirements.txt', line: 1 },
      { path: 'real/requirements.txt', line: 1 },
    ]);
    expect(inventory.errors.map((error) => error.describe())).toEqual([
      'a/poetry.lock: is a symbolic link to a file outside the scanned tree; it is not read',
      'b/requirements.txt: is a symbolic link to a file outside the scanned tree; it is not read',
      'c/requirements.txt: is a symbolic link to a missing or unreadable file',
      'd/requirements.txt: is not a regular file (a device, FIFO or socket is never read)',
    ]);
    expect(everythingSaid(inventory)).not.toContain('hunter2');
  });

  it('a FIFO or device named as a target is an error naming it, and the other targets are still scanned', async () => {
    const { project } = makeTree({ 'project/ok/requirements.txt': 'requests==2.31.0\n' });
    execFileSync('mkfifo', [join(project, 'requirements.txt')]);
    symlinkSync('/dev/zero', join(project, 'poetry.lock'));
    const inventory = await buildInventory([join(project, 'requirements.txt'), join(project, 'poetry.lock'), '/dev/zero', join(project, 'ok')], { displayBase: project });
    expect(inventory.errors.map((error) => error.describe())).toEqual([
      'requirements.txt: is not a regular file (a device, FIFO or socket is never read)',
      'poetry.lock: is not a regular file (a device, FIFO or socket is never read)',
      // Named by no lockfile format, still never silently passed over.
      '/dev/zero: is not a regular file (a device, FIFO or socket is never read)',
    ]);
    expect(inventory.packages.map((pkg) => pkg.name)).toEqual(['requests']);
  });
});

/** An extractor that returns whatever it is told to, for the inventory's own limits. */
function fakeExtractor(result: { packages?: ExtractedPackage[]; notScannable?: NotScannable[]; errors?: ChainwatchError[] }): Extractor {
  return {
    id: 'fake',
    ecosystems: ['PyPI'],
    detect: (path) => path.endsWith('fake.lock'),
    extract: () => ({ packages: result.packages ?? [], notScannable: result.notScannable ?? [], errors: result.errors ?? [] }),
  };
}

describe('extractors from the registry', () => {
  /** A registry entry counting its loads, for an extractor claiming `*.<suffix>`. */
  function registered(suffix: string): RegisteredExtractor & { loads: number } {
    const extractor = { ...fakeExtractor({ packages: [] }), id: suffix, detect: (path: string) => path.endsWith(`.${suffix}`) };
    const entry = {
      id: suffix,
      ecosystems: extractor.ecosystems,
      detect: extractor.detect,
      loads: 0,
      load: async () => {
        entry.loads += 1;
        return extractor;
      },
    };
    return entry;
  }

  it('are loaded when a file they claim is read, and only then', async () => {
    const { project } = makeTree({ 'project/a.first': 'x', 'project/sub/b.first': 'x', 'project/notes.txt': 'x' });
    const [first, second] = [registered('first'), registered('second')];
    const inventory = await buildInventory([project], { displayBase: project, extractors: [first, second] });
    expect(inventory.files.map((file) => [file.path, file.extractor])).toEqual([
      ['a.first', 'first'],
      ['sub/b.first', 'first'],
    ]);
    expect(first.loads).toBeGreaterThan(0);
    expect(second.loads).toBe(0);
  });
});

describe('the inventory holds any number of entries', () => {
  it('130k errors and 130k not-scannable entries from one file: no stack overflow', async () => {
    const { project } = makeTree({ 'project/fake.lock': 'x' });
    const count = 130_000;
    const location = { path: 'fake.lock', line: 1 };
    const errors = Array.from({ length: count }, () => new ChainwatchError('parse-error', 'bad', { location }));
    const notScannable = Array.from({ length: count }, () => ({ name: 'n', reason: 'r', location }));
    const inventory = await buildInventory([project], { displayBase: project, extractors: [fakeExtractor({ errors, notScannable })] });
    expect(inventory.errors).toHaveLength(count);
    expect(inventory.notScannable).toHaveLength(count);
  });

  it('300k copies of one pin are merged with each place once, in time linear in the copies', async () => {
    const { project } = makeTree({ 'project/fake.lock': 'x' });
    const copies = 300_000;
    const packages: ExtractedPackage[] = [];
    for (let line = 1; line <= copies; line++) packages.push({ ecosystem: 'PyPI', name: 'Requests', version: '2.31.0', location: { path: 'fake.lock', line } });
    // The same place twice is one location.
    packages.push({ ecosystem: 'PyPI', name: 'requests', version: '2.31.0', location: { path: 'fake.lock', line: 7 } });
    // With a scan of the locations per copy (the old check) this took 45 billion comparisons; now one set lookup each.
    const inventory = await buildInventory([project], { displayBase: project, extractors: [fakeExtractor({ packages })] });
    expect(inventory.packages).toHaveLength(1);
    expect(inventory.packages[0]!.locations).toHaveLength(copies);
    expect(inventory.packages[0]!.locations[6]).toEqual({ path: 'fake.lock', line: 7 });
  }, 20_000);

  it('bounds every name, reason and message an extractor returns, whatever the extractor quotes', async () => {
    const { project } = makeTree({ 'project/fake.lock': 'x' });
    const line = `${SECRET};`.repeat(100);
    const location = { path: 'fake.lock', line: 1 };
    const cause = new Error(line);
    const inventory = await buildInventory([project], {
      displayBase: project,
      extractors: [
        fakeExtractor({
          errors: [new ChainwatchError('parse-error', `cannot parse ${line}`, { location, cause }), new ChainwatchError('parse-error', 'short and\tplain?', { location })],
          notScannable: [{ name: line, reason: `because ${line}`, location }],
        }),
      ],
    });
    const [long, short] = inventory.errors;
    expect(long!.message).toHaveLength(REPORTED_TEXT_LIMITS.message + 1);
    expect(long!.message.endsWith('…')).toBe(true);
    expect(long!.cause).toBeUndefined();
    expect(long!.location).toEqual(location);
    // Control characters are shown, never passed to a terminal.
    expect(short!.message).toBe('short and\\x09plain?');
    expect(inventory.notScannable[0]!.name).toHaveLength(REPORTED_TEXT_LIMITS.name + 1);
    expect(inventory.notScannable[0]!.reason).toHaveLength(REPORTED_TEXT_LIMITS.message + 1);
    expect(everythingSaid(inventory).split('hunter2').length - 1).toBeLessThan(20);
  });

  it('a 200k-line requirements.txt (about 5 MB) is read whole', async () => {
    const lines: string[] = [];
    for (let index = 0; index < 200_000; index++) lines.push(`package-number-${index}==1.${index % 100}.${index} --hash=sha256:${'0'.repeat(16)}`);
    const { project } = makeTree({ 'project/requirements.txt': `${lines.join('\n')}\n` });
    const inventory = await buildInventory([project], { displayBase: project });
    expect(inventory.errors).toEqual([]);
    expect(inventory.packages).toHaveLength(200_000);
  }, 30_000);
});
