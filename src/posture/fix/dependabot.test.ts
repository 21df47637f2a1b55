import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { appendUpdates, findDependabotGap, newDependabotFile, planDependabotConfig } from './dependabot.js';
import { gitApply, loadSharedProject, sharedRepoNames } from './fix-testing.fixture.js';
import { renderUnifiedDiff } from './unified-diff.js';
import { describeWithSharedData } from '../../../test/shared-data.js';

/** What each shared repository's Dependabot config misses, read from its files (ecosystem: directories). */
const EXPECTED_GAPS: Record<string, Record<string, string[]>> = {
  'conda-forge/jupyterlab-feedstock': {}, // conda only: no update tool covers it
  'ipython/ipykernel': {},
  'jupyter-server/jupyter_server': { npm: ['/'] }, // package.json with dependencies, only actions and pip configured
  'jupyter-widgets/ipywidgets': { 'github-actions': ['/'] }, // 8 workflows, only npm configured
  'jupyter/docker-stacks': {},
  'jupyter/jupyter_client': {},
  'jupyter/nbconvert': { pip: ['/'] }, // pyproject.toml, only github-actions configured
  'jupyter/nbformat': {}, // its package.json declares no dependencies
  'jupyter/notebook': { npm: ['/'] },
  'jupyterhub/jupyterhub': { pip: ['/'] }, // pyproject.toml, requirements.txt; only actions and npm configured
  'jupyterlab/jupyterlab': {}, // github-actions, pip and npm (the issue's own example)
  'jupyterlab/lumino': { npm: ['/'] },
};

describeWithSharedData('findDependabotGap on the shared repositories', () => {
  const SHARED_REPOS = sharedRepoNames();

  it('knows every shared repository', () => {
    expect(SHARED_REPOS).toEqual(Object.keys(EXPECTED_GAPS).sort());
  });

  it.each(SHARED_REPOS)('%s', (repo) => {
    const project = loadSharedProject(repo);
    const gap = findDependabotGap(project.paths, project.files);
    expect(Object.fromEntries(gap.toAdd.map((entry) => [entry.ecosystem, entry.directories]))).toEqual(EXPECTED_GAPS[repo]);
    expect(gap.problems).toEqual([]);
  });

  it('reports conda as used but not updatable (feedstock)', () => {
    const project = loadSharedProject('conda-forge/jupyterlab-feedstock');
    const plan = planDependabotConfig('conda-forge/jupyterlab-feedstock', project.paths, project.files);
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual([{ kind: 'review', message: 'conda is used, but neither Dependabot nor Renovate updates it: keep its pins fresh by other means' }]);
  });
});

describeWithSharedData('planDependabotConfig on the shared repositories', () => {
  const SHARED_REPOS = sharedRepoNames();

  it('appends pip to jupyter/nbconvert in the file’s own quoting, keeping every line', () => {
    const project = loadSharedProject('jupyter/nbconvert');
    const plan = planDependabotConfig('jupyter/nbconvert', project.paths, project.files);
    const before = project.files.find((file) => file.path === '.github/dependabot.yml')!.text;
    expect(plan.changes).toEqual([
      {
        path: '.github/dependabot.yml',
        before,
        after: `${before}${[
          '  - package-ecosystem: "pip"',
          '    directory: "/"',
          '    schedule:',
          '      interval: "weekly"',
          '    cooldown:',
          '      default-days: 7',
          '    groups:',
          '      pip:',
          '        patterns:',
          '          - "*"',
          '',
        ].join('\n')}`,
      },
    ]);
    expect(plan.title).toBe('Dependabot: add pip');
  });

  it('plain style for jupyterhub/jupyterhub’s dependabot.yaml', () => {
    const project = loadSharedProject('jupyterhub/jupyterhub');
    const plan = planDependabotConfig('jupyterhub/jupyterhub', project.paths, project.files);
    expect(plan.changes[0]!.path).toBe('.github/dependabot.yaml');
    expect(plan.changes[0]!.after.split('\n').slice(72, 76)).toEqual(['  - package-ecosystem: pip', '    directory: /', '    schedule:', '      interval: weekly']);
  });

  it.each(SHARED_REPOS)('%s: the patch applies with git, keeps the old entries and leaves nothing missing', (repo) => {
    const project = loadSharedProject(repo);
    const plan = planDependabotConfig(repo, project.paths, project.files);
    if (plan.changes.length === 0) {
      expect(EXPECTED_GAPS[repo]).toEqual({});
      return;
    }
    const applied = gitApply(plan.changes, renderUnifiedDiff(plan.changes));
    const change = plan.changes[0]!;
    const after = applied.get(change.path)!;
    expect(after).toBe(change.after);
    const oldUpdates = (parseYaml(change.before!) as { updates: unknown[] }).updates;
    const newUpdates = (parseYaml(after) as { updates: unknown[] }).updates;
    expect(newUpdates.slice(0, oldUpdates.length)).toEqual(oldUpdates);
    const files = project.files.map((file) => (file.path === change.path ? { path: file.path, text: after } : file));
    expect(findDependabotGap(project.paths, files).toAdd).toEqual([]);
  });
});

describe('planDependabotConfig', () => {
  it('creates .github/dependabot.yml when there is none, with every directory', () => {
    const paths = ['.github/workflows/ci.yml', '.github/actions/setup/action.yml', 'pyproject.toml', 'docs/requirements.txt', 'images/base/Dockerfile'];
    const plan = planDependabotConfig('o/r', paths, []);
    expect(plan.changes).toEqual([{ path: '.github/dependabot.yml', before: null, after: plan.changes[0]!.after }]);
    const config = parseYaml(plan.changes[0]!.after) as { version: number; updates: Record<string, unknown>[] };
    expect(config.version).toBe(2);
    expect(config.updates.map((entry) => [entry['package-ecosystem'], entry.directory ?? entry.directories])).toEqual([
      ['github-actions', ['/', '/.github/actions/setup']],
      ['pip', ['/', '/docs']],
      ['docker', '/images/base'],
    ]);
    expect(config.updates[0]).toMatchObject({ schedule: { interval: 'weekly' }, cooldown: { 'default-days': 7 }, groups: { 'github-actions': { patterns: ['*'] } } });
    expect(gitApply(plan.changes, renderUnifiedDiff(plan.changes)).get('.github/dependabot.yml')).toBe(plan.changes[0]!.after);
  });

  it('a Renovate repository gets no Dependabot file, but a note naming what Renovate should enable', () => {
    const files = [{ path: 'renovate.json', text: '{ "enabledManagers": ["npm"] }' }];
    const plan = planDependabotConfig('o/r', ['renovate.json', 'package-lock.json', 'pyproject.toml'], files);
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual([{ kind: 'skipped', file: 'renovate.json', message: 'the repository uses Renovate: enable pip there (chainwatch does not edit Renovate configs)' }]);
  });

  it('a Renovate config with default managers covers what Dependabot lacks', () => {
    const files = [
      { path: '.github/renovate.json5', text: '{ extends: ["config:recommended"] }' },
      { path: '.github/dependabot.yml', text: 'version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n' },
    ];
    expect(findDependabotGap(['.github/workflows/ci.yml', 'package-lock.json', 'pyproject.toml'], files).toAdd).toEqual([]);
  });

  it.each([
    ['invalid YAML', 'version: 2\nupdates:\n  - package-ecosystem: [\n', 'skipped:4'],
    ['updates is a map', 'version: 2\nupdates:\n  npm: {}\n', 'skipped:undefined'],
  ])('leaves a config it cannot read alone: %s', (_name, text, note) => {
    const plan = planDependabotConfig('o/r', ['.github/dependabot.yml', 'pyproject.toml'], [{ path: '.github/dependabot.yml', text }]);
    expect(plan.changes).toEqual([]);
    expect(plan.notes.map((entry) => `${entry.kind}:${entry.line}`)).toEqual([note]);
  });
});

describe('appendUpdates', () => {
  const pip = [{ ecosystem: 'pip' as const, directories: ['/'] }];
  it.each([
    ['a file without updates: gets the key at the end', 'version: 2', 'version: 2\nupdates:\n  - package-ecosystem: "pip"\n'],
    ['unindented list items keep their indentation', "version: 2\nupdates:\n- package-ecosystem: 'npm'\n  directory: '/'\nregistries: {}\n", "version: 2\nupdates:\n- package-ecosystem: 'npm'\n  directory: '/'\n- package-ecosystem: 'pip'\n"],
  ])('%s', (_name, text, expectedStart) => {
    const result = appendUpdates(text, pip);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.text.startsWith(expectedStart)).toBe(true);
  });

  it('keeps what follows the list after the new entries', () => {
    const result = appendUpdates("version: 2\nupdates:\n- package-ecosystem: 'npm'\n  directory: '/'\nregistries: {}\n", pip);
    // Entries at the list's own (zero) indentation: the pattern list sits 8 spaces in.
    expect(result.ok && result.text.endsWith('  groups:\n    pip:\n      patterns:\n        - "*"\nregistries: {}\n')).toBe(true);
    expect(result.ok && (parseYaml(result.text) as { updates: unknown[] }).updates).toHaveLength(2);
  });

  it('refuses an empty updates: (a human should decide)', () => {
    expect(appendUpdates('version: 2\nupdates:\n', pip)).toEqual({ ok: false, reason: 'not changed: `updates:` is empty; add the entries by hand or remove it' });
  });

  it('newDependabotFile is valid YAML with the entries given', () => {
    expect((parseYaml(newDependabotFile(pip)) as { updates: { 'package-ecosystem': string }[] }).updates[0]!['package-ecosystem']).toBe('pip');
  });
});
