import { describe, expect, it } from 'vitest';
import { dependabotEcosystem, detectEcosystems, RENOVATE_DEFAULT_ECOSYSTEMS, renovateManagerEcosystem } from './ecosystems.js';

describe('detectEcosystems', () => {
  it.each([
    { name: 'workflows', paths: ['.github/workflows/ci.yml'], expected: ['github-actions'] },
    { name: 'nested workflow folders are not run by GitHub', paths: ['.github/workflows/old/ci.yml'], expected: [] },
    { name: 'a composite action anywhere', paths: ['tools/setup/action.yaml'], expected: ['github-actions'] },
    { name: 'pyproject', paths: ['pyproject.toml'], expected: ['pip'] },
    { name: 'requirements files', paths: ['docs/requirements.txt', 'requirements-dev.in'], expected: ['pip'] },
    { name: 'setup.py / setup.cfg / Pipfile / uv.lock', paths: ['a/setup.py', 'b/setup.cfg', 'c/Pipfile', 'd/uv.lock'], expected: ['pip'] },
    { name: 'an npm lockfile', paths: ['package-lock.json'], expected: ['npm'] },
    { name: 'yarn and pnpm lockfiles', paths: ['a/yarn.lock', 'b/pnpm-lock.yaml'], expected: ['npm'] },
    { name: 'Dockerfiles in their forms', paths: ['images/base/Dockerfile', 'Dockerfile.dev', 'build/app.Dockerfile', 'Containerfile'], expected: ['docker'] },
    { name: 'compose files', paths: ['docker-compose.yml', 'deploy/compose.prod.yaml'], expected: ['docker-compose'] },
    { name: 'other ecosystems', paths: ['go.mod', 'Cargo.toml', 'pom.xml', 'build.gradle.kts', 'Gemfile', 'composer.json', 'src/App.csproj', 'main.tf', '.gitmodules'], expected: ['gomod', 'cargo', 'maven', 'gradle', 'bundler', 'composer', 'nuget', 'terraform', 'gitsubmodule'] },
    { name: 'a devcontainer', paths: ['.devcontainer/devcontainer.json'], expected: ['devcontainers'] },
    { name: 'a conda recipe', paths: ['recipe/meta.yaml'], expected: ['conda'] },
    { name: 'node_modules and .git never count', paths: ['node_modules/x/package-lock.json', 'a/node_modules/y/setup.py', '.git/hooks/Dockerfile'], expected: [] },
  ])('$name', ({ paths, expected }) => {
    expect(detectEcosystems(paths).map((use) => use.ecosystem)).toEqual(expected);
  });

  it('counts a package.json only when it has dependencies or workspaces, or cannot be read', () => {
    const files = [
      { path: 'described/package.json', text: '{"name": "schema-only", "version": "1.0.0", "files": ["a.json"]}' },
      { path: 'empty-deps/package.json', text: '{"name": "x", "dependencies": {}}' },
      { path: 'deps/package.json', text: '{"name": "x", "devDependencies": {"typescript": "^5"}}' },
      { path: 'workspace/package.json', text: '{"private": true, "workspaces": ["packages/*"]}' },
      { path: 'broken/package.json', text: '{"name": ' },
    ];
    const uses = detectEcosystems([...files.map((file) => file.path), 'unread/package.json'], files);
    expect(uses).toEqual([
      {
        ecosystem: 'npm',
        evidence: ['broken/package.json', 'deps/package.json', 'unread/package.json', 'workspace/package.json'],
        directories: ['/broken', '/deps', '/unread', '/workspace'],
      },
    ]);
  });

  it('names the directories as Dependabot does (root is /)', () => {
    expect(detectEcosystems(['pyproject.toml', 'docs/requirements.txt'])).toEqual([{ ecosystem: 'pip', evidence: ['docs/requirements.txt', 'pyproject.toml'], directories: ['/', '/docs'] }]);
  });
});

describe('update-tool vocabularies', () => {
  it.each([
    ['pip', 'pip'],
    ['uv', 'pip'],
    ['npm', 'npm'],
    ['bun', 'npm'],
    ['github-actions', 'github-actions'],
    ['Docker', 'docker'],
    ['pre-commit', null],
  ] as const)('dependabot %s → %s', (value, expected) => {
    expect(dependabotEcosystem(value)).toBe(expected);
  });

  it.each([
    ['pep621', 'pip'],
    ['pip_requirements', 'pip'],
    ['poetry', 'pip'],
    ['dockerfile', 'docker'],
    ['github-actions', 'github-actions'],
    ['regex', null],
  ] as const)('renovate manager %s → %s', (manager, expected) => {
    expect(renovateManagerEcosystem(manager)).toBe(expected);
  });

  it('Renovate covers everything by default except git submodules (opt-in)', () => {
    expect(RENOVATE_DEFAULT_ECOSYSTEMS.has('pip')).toBe(true);
    expect(RENOVATE_DEFAULT_ECOSYSTEMS.has('gitsubmodule')).toBe(false);
    expect(RENOVATE_DEFAULT_ECOSYSTEMS.has('conda')).toBe(false);
  });
});
