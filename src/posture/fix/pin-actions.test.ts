import { describe, expect, it } from 'vitest';
import { gitApply, loadSharedProject } from './fix-testing.fixture.js';
import { findKnownPins, findUnpinnedReferences, pinLine, planPinnedActions, unavailableResolver, withKnownPins, type ActionRefResolver } from './pin-actions.js';
import { renderUnifiedDiff } from './unified-diff.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

const CHECKOUT_SHA = 'a'.repeat(40);
const TOOLS_SHA = 'b'.repeat(40);
const RELEASER_SHA = 'c'.repeat(40);

/** Answers a fixed table; counts the questions so that "resolved once" can be tested. */
function tableResolver(table: Record<string, string>): ActionRefResolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async resolve(owner, repo, ref) {
      asked.push(`${owner}/${repo}@${ref}`);
      const sha = table[`${owner}/${repo}@${ref}`];
      return sha ? { resolved: true, sha } : { resolved: false, reason: `no tag or branch ${ref} in ${owner}/${repo}` };
    },
  };
}

describeWithSharedData('findUnpinnedReferences on jupyter/nbconvert', () => {
  it('lists every uses: of its five workflows, GitHub-owned apart', () => {
    const { references, notes } = findUnpinnedReferences(loadSharedProject('jupyter/nbconvert').files);
    expect(notes).toEqual([]);
    // Counted with grep on the fixture: docs 3, enforce-label 1, prep-release 2, publish-release 4, tests 24.
    expect(references).toHaveLength(34);
    // actions/checkout (docs 1, tests 9), actions/upload-artifact (docs 1), actions/create-github-app-token (publish-release 1).
    expect(references.filter((reference) => reference.githubOwned)).toHaveLength(12);
    expect(references.slice(0, 3).map((reference) => `${reference.file}:${reference.line} ${reference.uses}`)).toEqual([
      '.github/workflows/docs.yml:20 actions/checkout@v6',
      '.github/workflows/docs.yml:29 jupyterlab/maintainer-tools/.github/actions/base-setup@v1',
      '.github/workflows/docs.yml:41 actions/upload-artifact@v7',
    ]);
  });
});

describe('planPinnedActions', () => {
  itWithSharedData('pins resolved refs with the tag as a comment, leaves the rest and says why', async () => {
    const project = loadSharedProject('jupyter/nbconvert');
    const docs = project.files.filter((file) => file.path === '.github/workflows/docs.yml');
    const resolver = tableResolver({ 'actions/checkout@v6': CHECKOUT_SHA, 'jupyterlab/maintainer-tools@v1': TOOLS_SHA });
    const plan = await planPinnedActions('jupyter/nbconvert', docs, resolver);
    const before = docs[0]!.text.split('\n');
    const after = plan.changes[0]!.after.split('\n');
    expect(after[19]).toBe(`        uses: actions/checkout@${CHECKOUT_SHA} # v6`);
    expect(after[28]).toBe(`      - uses: jupyterlab/maintainer-tools/.github/actions/base-setup@${TOOLS_SHA} # v1`);
    expect(after[40]).toBe('        uses: actions/upload-artifact@v7');
    // Only the two lines change.
    expect(after.filter((line, index) => line !== before[index])).toHaveLength(2);
    expect(plan.notes).toEqual([
      { kind: 'unresolved', file: '.github/workflows/docs.yml', line: 41, message: 'actions/upload-artifact@v7: no tag or branch v7 in actions/upload-artifact' },
    ]);
    expect(plan.title).toBe('Pin 2 GitHub Action references to full commit SHAs');
  });

  itWithSharedData('asks once per owner/repo@ref across files, and the whole patch applies with git', async () => {
    const project = loadSharedProject('jupyter/nbconvert');
    const resolver = tableResolver({
      'actions/checkout@v6': CHECKOUT_SHA,
      'jupyterlab/maintainer-tools@v1': TOOLS_SHA,
      'jupyter-server/jupyter_releaser@v2': RELEASER_SHA,
    });
    const plan = await planPinnedActions('jupyter/nbconvert', project.files, resolver);
    // Six distinct: checkout, maintainer-tools, upload-artifact, jupyter_releaser, create-github-app-token, and jupyter-releaser (spelled with a dash in publish-release.yml).
    expect(resolver.asked.sort()).toEqual([
      'actions/checkout@v6',
      'actions/create-github-app-token@v3',
      'actions/upload-artifact@v7',
      'jupyter-server/jupyter-releaser@v2',
      'jupyter-server/jupyter_releaser@v2',
      'jupyterlab/maintainer-tools@v1',
    ]);
    expect(plan.notes.map((note) => `${note.file}:${note.line}`)).toEqual([
      '.github/workflows/docs.yml:41',
      '.github/workflows/publish-release.yml:24',
      '.github/workflows/publish-release.yml:44',
    ]);
    const applied = gitApply(plan.changes, renderUnifiedDiff(plan.changes));
    for (const change of plan.changes) expect(applied.get(change.path)).toBe(change.after);
    const remaining = findUnpinnedReferences([...applied].map(([path, text]) => ({ path, text }))).references.map((reference) => reference.uses);
    expect(remaining.sort()).toEqual(['actions/create-github-app-token@v3', 'actions/upload-artifact@v7', 'jupyter-server/jupyter-releaser/.github/actions/finalize-release@v2']);
  });

  itWithSharedData('without the API, changes nothing and lists every reference as unresolved', async () => {
    const project = loadSharedProject('jupyter/nbconvert');
    const plan = await planPinnedActions('jupyter/nbconvert', project.files, unavailableResolver('no GH_TOKEN or GITHUB_TOKEN: tags cannot be resolved'));
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toHaveLength(34);
    expect(plan.notes[0]!.message).toBe('actions/checkout@v6: no GH_TOKEN or GITHUB_TOKEN: tags cannot be resolved');
  });

  it('leaves local actions and pinned refs alone, lists docker images for pinning by hand, reads composite actions', async () => {
    const sha = 'd'.repeat(40);
    const files = [
      {
        path: '.github/workflows/ci.yml',
        text: `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/setup\n      - uses: actions/checkout@${sha}\n      - uses: docker://alpine:3.19\n`,
      },
      { path: '.github/actions/setup/action.yml', text: 'runs:\n  using: composite\n  steps:\n    - uses: actions/setup-python@v5\n' },
    ];
    const plan = await planPinnedActions('o/r', files, tableResolver({ 'actions/setup-python@v5': CHECKOUT_SHA }));
    expect(plan.changes).toEqual([{ path: '.github/actions/setup/action.yml', before: files[1]!.text, after: `runs:\n  using: composite\n  steps:\n    - uses: actions/setup-python@${CHECKOUT_SHA} # v5\n` }]);
    expect(plan.notes.map((note) => `${note.kind} ${note.file}:${note.line}`)).toEqual(['unresolved .github/workflows/ci.yml:8']);
  });

  it('a resolver that throws becomes an unresolved note, not a crash', async () => {
    const files = [{ path: '.github/workflows/ci.yml', text: 'on: push\njobs:\n  a:\n    steps:\n      - uses: a/b@v1\n' }];
    const plan = await planPinnedActions('o/r', files, { resolve: () => Promise.reject(new Error('socket hang up')) });
    expect(plan.notes).toEqual([{ kind: 'unresolved', file: '.github/workflows/ci.yml', line: 5, message: 'a/b@v1: socket hang up' }]);
  });
});

describe('pinLine', () => {
  const sha = 'e'.repeat(40);
  it.each([
    ['a step', '      - uses: actions/checkout@v4\n', 'actions/checkout@v4', `      - uses: actions/checkout@${sha} # v4\n`],
    ['a double-quoted value', '        uses: "actions/checkout@v4"\n', 'actions/checkout@v4', `        uses: "actions/checkout@${sha}" # v4\n`],
    ['a single-quoted value', "    uses: 'o/r/path@main'\r\n", 'o/r/path@main', `    uses: 'o/r/path@${sha}' # main\r\n`],
    ['an existing comment stays after the tag', 'uses: a/b@v1 # note\n', 'a/b@v1', `uses: a/b@${sha} # v1 # note\n`],
    ['a flow map gets no comment (it would hide the brace)', '- { uses: a/b@v1, with: { x: 1 } }\n', 'a/b@v1', `- { uses: a/b@${sha}, with: { x: 1 } }\n`],
    ['a reusable workflow', '    uses: o/r/.github/workflows/w.yml@v2\n', 'o/r/.github/workflows/w.yml@v2', `    uses: o/r/.github/workflows/w.yml@${sha} # v2\n`],
  ])('%s', (_name, line, uses, expected) => {
    const ref = uses.slice(uses.lastIndexOf('@') + 1);
    expect(pinLine(line, uses, sha, ref)).toBe(expected);
  });

  it('is null when the value is not on the line', () => {
    expect(pinLine('    uses: >-\n', 'a/b@v1', sha, 'v1')).toBeNull();
  });
});

describe('pins already in the checkouts (findKnownPins, withKnownPins)', () => {
  const SHA = '11bd71901bbe5b1630ceea73d27597364c9af683';
  const workflow = (steps: string[]) => ({ path: '.github/workflows/ci.yml', text: ['on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', ...steps, ''].join('\n') });

  it.each([
    [`      - uses: actions/checkout@${SHA} # v4`, 'v4'],
    [`      - uses: actions/checkout@${SHA}  #v4.2.2`, 'v4.2.2'],
    [`      - uses: "actions/checkout@${SHA}" # tag=v4`, 'v4'],
    [`      - uses: actions/checkout@${SHA} # @v4 (2024-10-23)`, 'v4'],
  ])('reads %s as the tag %s', (line, tag) => {
    expect([...findKnownPins([{ repo: 'acme/a', files: [workflow([line])] }])]).toEqual([[`actions/checkout@${tag}`, [{ sha: SHA, where: 'acme/a .github/workflows/ci.yml:6' }]]]);
  });

  it('a pin without a tag comment, or an unpinned tag, says nothing', () => {
    expect(findKnownPins([{ repo: 'acme/a', files: [workflow([`      - uses: actions/checkout@${SHA}`, '      - uses: actions/setup-node@v4 # v4'])] }]).size).toBe(0);
  });

  it('is asked only when GitHub cannot be: a definite answer from GitHub stands', async () => {
    const pins = findKnownPins([{ repo: 'acme/a', files: [workflow([`      - uses: Actions/Checkout@${SHA} # v4`])] }]);
    expect(await withKnownPins(unavailableResolver('no token'), pins).resolve('actions', 'checkout', 'v4')).toEqual({ resolved: true, sha: SHA, from: 'acme/a .github/workflows/ci.yml:6' });
    const github = tableResolver({});
    expect(await withKnownPins(github, pins).resolve('actions', 'checkout', 'v4')).toEqual({ resolved: false, reason: 'no tag or branch v4 in actions/checkout' });
    expect(await withKnownPins(unavailableResolver('no token'), pins).resolve('actions', 'checkout', 'v5')).toEqual({ resolved: false, unavailable: true, reason: 'no checkout read pins it (`@<sha> # v5`); no token' });
  });

  it('a plan pinned from a checkout carries a review note and the unresolved ones say GitHub could answer them', async () => {
    const pins = findKnownPins([{ repo: 'acme/a', files: [workflow([`      - uses: actions/checkout@${SHA} # v4`])] }]);
    const plan = await planPinnedActions('acme/b', [workflow(['      - uses: actions/checkout@v4', '      - uses: actions/cache@v4'])], withKnownPins(unavailableResolver('no token'), pins));
    expect(plan.changes[0]!.after).toContain(`uses: actions/checkout@${SHA} # v4`);
    expect(plan.notes).toEqual([
      { kind: 'review', message: `actions/checkout@v4: pinned to ${SHA} as acme/a .github/workflows/ci.yml:6 pins it, not checked with GitHub (the tag may have moved since)` },
      { kind: 'unresolved', file: '.github/workflows/ci.yml', line: 7, message: 'actions/cache@v4: no checkout read pins it (`@<sha> # v4`); no token', needsGithub: 'actions/cache@v4' },
    ]);
  });
});
