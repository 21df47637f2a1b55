import { describe, expect, it } from 'vitest';
import { isPostureFile, MAX_POSTURE_FILE_BYTES, selectPostureFiles } from './posture-files.js';

describe('isPostureFile: the one file selector of both collectors', () => {
  it.each([
    // Workflows: only directly in .github/workflows/ (GitHub runs no other).
    ['.github/workflows/ci.yml', true],
    ['.github/workflows/release.yaml', true],
    ['.github/workflows/scripts/helper.yml', false],
    ['.github/workflows/README.md', false],
    // Update tools.
    ['.github/dependabot.yml', true],
    ['.github/dependabot.yaml', true],
    ['dependabot.yml', false],
    ['renovate.json', true],
    ['renovate.json5', true],
    ['.github/renovate.json5', true],
    ['.gitlab/renovate.json', true],
    ['.renovaterc', true],
    ['.renovaterc.json5', true],
    ['docs/renovate.json', false],
    // Security policies where GitHub looks for them, any case.
    ['SECURITY.md', true],
    ['docs/security.md', true],
    ['.github/SECURITY.rst', true],
    ['src/SECURITY.md', false],
    // Action metadata at any depth (only the API read nested ones before), never in node_modules.
    ['action.yml', true],
    ['.github/actions/build/action.yml', true],
    ['tools/setup-env/action.yaml', true],
    ['node_modules/some-action/action.yml', false],
    // Manifests: once read only by one collector or the other, now by both.
    ['package.json', true],
    ['jupyterlab/staging/package.json', true],
    ['pyproject.toml', true],
    ['setup.py', true],
    ['setup.cfg', true],
    ['Pipfile', true],
    ['environment.yml', true],
    ['recipe/meta.yaml', true],
    ['recipe/meta.yml', true],
    ['requirements.txt', true],
    ['requirements-dev.txt', true],
    ['requirements-dev.in', true], // local only before
    ['docs/requirements/docs.txt', false],
    ['go.mod', true], // API only before
    ['go.sum', false],
    ['Cargo.toml', true],
    ['pom.xml', true],
    ['build.gradle', true],
    ['build.gradle.kts', true],
    ['Gemfile', true],
    ['composer.json', true],
    ['.pre-commit-config.yaml', true], // API only before
    ['.gitmodules', true],
    // Container files.
    ['Dockerfile', true],
    ['images/base-notebook/Dockerfile', true],
    ['Dockerfile.dev', true],
    ['build.Dockerfile', true], // local only before
    ['app.dockerfile', true],
    ['Containerfile', true], // local only before
    ['docker-compose.yml', true], // API only before
    ['docker-compose.test.yaml', true],
    ['compose.yaml', true],
    ['deploy/compose.prod.yml', true],
    // Not read: lockfiles, licences, sources, vendored trees that are never parsed.
    ['yarn.lock', false],
    ['package-lock.json', false],
    ['LICENSE', false],
    ['src/index.ts', false],
    ['node_modules/left-pad/package.json', false],
    ['packages/a/node_modules/b/package.json', false],
    ['.git/config', false],
    // A vendored manifest is read (package.json with no dependencies is not npm use).
    ['vendor/widget/package.json', true],
    ['third_party/lib/package.json', true],
  ])('%s → %s', (path, expected) => {
    expect(isPostureFile(path)).toBe(expected);
  });
});

describe('selectPostureFiles', () => {
  it('reads configuration first, then manifests shallowest first, at most maxFiles, none too large; the chosen ones by path', () => {
    const entries = [
      { path: 'packages/b/package.json', size: 10 },
      { path: 'packages/a/package.json', size: 10 },
      { path: 'package.json', size: 10 },
      { path: 'tools/x/action.yml', size: 10 },
      { path: '.github/workflows/ci.yml', size: 10 },
      { path: '.github/workflows/huge.yml', size: MAX_POSTURE_FILE_BYTES + 1 },
      { path: 'README.md', size: 10 },
    ];
    const selection = selectPostureFiles(entries, { maxFiles: 4 });
    expect(selection.read.map((entry) => entry.path)).toEqual(['.github/workflows/ci.yml', 'package.json', 'packages/a/package.json', 'tools/x/action.yml']);
    expect(selection.beyondLimit.map((entry) => entry.path)).toEqual(['packages/b/package.json']);
    expect(selection.tooLarge.map((entry) => entry.path)).toEqual(['.github/workflows/huge.yml']);
  });

  it('reads a file of exactly the size limit', () => {
    expect(selectPostureFiles([{ path: 'SECURITY.md', size: MAX_POSTURE_FILE_BYTES }]).read).toHaveLength(1);
  });
});
