import { describe, expect, it } from 'vitest';
import { lines } from '../posture-testing.fixture.js';
import type { Workflow } from './model.js';
import { isCommitSha, parseActionReference, parseWorkflow } from './parse.js';

function parsed(text: string, path = '.github/workflows/ci.yml'): Workflow {
  const result = parseWorkflow(path, text);
  if (!result.ok) throw new Error(result.error.describe());
  return result.value;
}

describe('parseWorkflow: triggers in every form', () => {
  it.each([
    { name: 'a scalar', text: lines('on: push', 'jobs: {}'), expected: [{ event: 'push', line: 1, types: [] }] },
    {
      name: 'a flow list',
      text: lines('on: [push, pull_request_target]', 'jobs: {}'),
      expected: [
        { event: 'push', line: 1, types: [] },
        { event: 'pull_request_target', line: 1, types: [] },
      ],
    },
    {
      name: 'a block list',
      text: lines('on:', '  - push', '  - workflow_run', 'jobs: {}'),
      expected: [
        { event: 'push', line: 2, types: [] },
        { event: 'workflow_run', line: 3, types: [] },
      ],
    },
    {
      name: 'a map with null, types list and types scalar',
      text: lines('on:', '  pull_request_target:', '  issues:', '    types: [opened, edited]', '  workflow_run:', '    types: completed', 'jobs: {}'),
      expected: [
        { event: 'pull_request_target', line: 2, types: [] },
        { event: 'issues', line: 3, types: ['opened', 'edited'] },
        { event: 'workflow_run', line: 5, types: ['completed'] },
      ],
    },
    { name: 'none at all', text: lines('jobs: {}'), expected: [] },
  ])('$name', ({ text, expected }) => {
    expect(parsed(text).triggers).toEqual(expected);
  });

  it('keeps the line of `on:` (YAML 1.2: `on` is a string key, not true)', () => {
    expect(parsed(lines('name: x', '', 'on: push', 'jobs: {}')).triggersLine).toBe(3);
  });
});

describe('parseWorkflow: permissions', () => {
  it.each([
    { name: 'undeclared', block: [], expected: null },
    { name: 'read-all', block: ['permissions: read-all'], expected: { kind: 'all', access: 'read', line: 2 } },
    { name: 'write-all', block: ['permissions: write-all'], expected: { kind: 'all', access: 'write', line: 2 } },
    { name: 'empty map', block: ['permissions: {}'], expected: { kind: 'scopes', scopes: [], line: 2 } },
    {
      name: 'scopes',
      block: ['permissions:', '  contents: read', '  id-token: write', '  issues: none'],
      expected: {
        kind: 'scopes',
        line: 2,
        scopes: [
          { scope: 'contents', access: 'read', line: 3 },
          { scope: 'id-token', access: 'write', line: 4 },
          { scope: 'issues', access: 'none', line: 5 },
        ],
      },
    },
    { name: 'a typo is kept, not guessed', block: ['permissions: read'], expected: { kind: 'unknown', text: 'read', line: 2 } },
    { name: 'an unknown access level', block: ['permissions:', '  contents: admin'], expected: { kind: 'unknown', text: 'contents: admin', line: 3 } },
  ])('top level: $name', ({ block, expected }) => {
    expect(parsed(lines('on: push', ...block, 'jobs: {}')).permissions).toEqual(expected);
  });

  it('job level, and the job and step lines', () => {
    const workflow = parsed(
      lines(
        'on: push', // 1
        'jobs:', // 2
        '  build:', // 3
        '    runs-on: ubuntu-latest', // 4
        '    permissions:', // 5
        '      contents: write', // 6
        '    steps:', // 7
        '      - uses: actions/checkout@v4', // 8
        '      - run: echo hi', // 9
      ),
    );
    expect(workflow.jobsLine).toBe(2);
    const job = workflow.jobs[0]!;
    expect(job).toMatchObject({ id: 'build', line: 3, permissions: { kind: 'scopes', line: 5, scopes: [{ scope: 'contents', access: 'write', line: 6 }] } });
    expect(job.steps.map((step) => step.line)).toEqual([8, 9]);
  });
});

describe('parseWorkflow: steps', () => {
  const workflow = parsed(
    lines(
      'on: issues', // 1
      'env:', // 2
      '  GLOBAL: 1', // 3
      'jobs:', // 4
      '  triage:', // 5
      '    if: github.repository == \'a/b\'', // 6
      '    environment: release', // 7
      '    needs: [build]', // 8
      '    env:', // 9
      '      TOKEN: ${{ secrets.NPM_TOKEN }}', // 10
      '    steps:', // 11
      '      - name: checkout', // 12
      '        id: co', // 13
      '        uses: actions/checkout@8e8c483db84b4bee98b60c0593521ed34d9990e8', // 14
      '        with:', // 15
      '          ref: ${{ github.event.pull_request.head.sha }}', // 16
      '          fetch-depth: 0', // 17
      '      - name: script', // 18
      '        if: ${{ always() }}', // 19
      '        env:', // 20
      '          TITLE: ${{ github.event.issue.title }}', // 21
      '        run: |', // 22
      '          echo "start"', // 23
      '          echo "${{ github.event.issue.title }}"', // 24
      '', // 25
      '          echo ${{ github.head_ref }} and ${{ matrix.os }}', // 26
      '      - run: echo ${{ github.sha }}', // 27
    ),
  );
  const job = workflow.jobs[0]!;

  it('reads env, if, environment and needs of the job', () => {
    expect(workflow.env).toEqual([{ name: 'GLOBAL', line: 3, value: { text: '1', line: 3, expressions: [] } }]);
    expect(job.if?.text).toBe("github.repository == 'a/b'");
    expect(job.environment).toBe('release');
    expect(job.needs).toEqual(['build']);
    expect(job.env).toEqual([{ name: 'TOKEN', line: 10, value: { text: '${{ secrets.NPM_TOKEN }}', line: 10, expressions: [{ text: 'secrets.NPM_TOKEN', line: 10 }] } }]);
  });

  it('reads uses, with, id and name of a step', () => {
    const step = job.steps[0]!;
    expect(step).toMatchObject({ index: 0, line: 12, id: 'co', name: 'checkout' });
    expect(step.uses).toEqual({ kind: 'action', owner: 'actions', repo: 'checkout', path: '', ref: '8e8c483db84b4bee98b60c0593521ed34d9990e8', raw: 'actions/checkout@8e8c483db84b4bee98b60c0593521ed34d9990e8', line: 14 });
    expect(step.with.map((input) => [input.name, input.value.text, input.line])).toEqual([
      ['ref', '${{ github.event.pull_request.head.sha }}', 16],
      ['fetch-depth', '0', 17],
    ]);
  });

  it('gives every expression inside a block `run:` its own line', () => {
    const step = job.steps[1]!;
    expect(step.run?.line).toBe(23);
    expect(step.run?.text).toBe('echo "start"\necho "${{ github.event.issue.title }}"\n\necho ${{ github.head_ref }} and ${{ matrix.os }}\n');
    expect(step.run?.expressions).toEqual([
      { text: 'github.event.issue.title', line: 24 },
      { text: 'github.head_ref', line: 26 },
      { text: 'matrix.os', line: 26 },
    ]);
    expect(step.if).toEqual({ text: '${{ always() }}', line: 19, expressions: [{ text: 'always()', line: 19 }] });
    expect(step.env[0]).toMatchObject({ name: 'TITLE', line: 21 });
  });

  it('reads a plain one-line run', () => {
    expect(job.steps[2]!.run).toEqual({ text: 'echo ${{ github.sha }}', line: 27, expressions: [{ text: 'github.sha', line: 27 }] });
  });
});

describe('parseWorkflow: reusable workflows, aliases, actions', () => {
  it('reads a reusable-workflow call with inputs and secrets', () => {
    const workflow = parsed(
      lines(
        'on: push',
        'jobs:',
        '  call:',
        '    uses: octo/shared/.github/workflows/build.yml@v1',
        '    with:',
        '      level: 2',
        '    secrets:',
        '      PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}',
        '  inherit:',
        '    uses: ./.github/workflows/local.yml',
        '    secrets: inherit',
      ),
    );
    expect(workflow.jobs[0]!.uses).toEqual({ kind: 'action', owner: 'octo', repo: 'shared', path: '.github/workflows/build.yml', ref: 'v1', raw: 'octo/shared/.github/workflows/build.yml@v1', line: 4 });
    expect(workflow.jobs[0]!.with.map((input) => input.name)).toEqual(['level']);
    expect(workflow.jobs[0]!.secrets).toEqual([{ name: 'PYPI_TOKEN', line: 8, value: { text: '${{ secrets.PYPI_TOKEN }}', line: 8, expressions: [{ text: 'secrets.PYPI_TOKEN', line: 8 }] } }]);
    expect(workflow.jobs[1]!.uses).toEqual({ kind: 'local', path: '.github/workflows/local.yml', raw: './.github/workflows/local.yml', line: 10 });
    expect(workflow.jobs[1]!.secrets).toBe('inherit');
  });

  it('resolves YAML aliases', () => {
    const workflow = parsed(lines('on: push', 'jobs:', '  a:', '    steps: &steps', '      - uses: actions/checkout@v4', '  b:', '    steps: *steps'));
    expect(workflow.jobs[1]!.steps[0]!.uses).toMatchObject({ kind: 'action', repo: 'checkout', ref: 'v4', line: 5 });
  });

  it('reads a composite action as one job with its steps', () => {
    const action = parsed(
      lines('name: build', 'runs:', '  using: composite', '  steps:', '    - uses: actions/setup-python@v5', '    - run: echo ${{ inputs.x }}', '      shell: bash'),
      '.github/actions/build/action.yml',
    );
    expect(action.kind).toBe('action');
    expect(action.jobs).toHaveLength(1);
    expect(action.jobs[0]!.id).toBe('(composite)');
    expect(action.jobs[0]!.steps.map((step) => step.line)).toEqual([5, 6]);
  });

  it('reads a docker action image as a step using it', () => {
    const action = parsed(lines('runs:', '  using: docker', '  image: docker://alpine:3.20'), 'action.yaml');
    expect(action.jobs[0]!.steps[0]!.uses).toEqual({ kind: 'docker', image: 'alpine', tag: '3.20', digest: null, raw: 'docker://alpine:3.20', line: 3 });
  });
});

describe('parseWorkflow: bad input is an error value with file and line', () => {
  it.each([
    { name: 'broken indentation', text: lines('on: push', 'jobs:', '  build:', '    steps:', '      - run: echo', '     bad: [unclosed'), line: 6 },
    // The quote is found unclosed where the text ends: the line after the last one.
    { name: 'unterminated quote', text: lines('on: push', 'name: "oops', 'jobs: {}'), line: 4 },
    { name: 'a list at the top', text: lines('- on: push'), line: 1 },
    { name: 'jobs as a list', text: lines('on: push', 'jobs:', '  - build'), line: 3 },
  ])('$name', ({ text, line }) => {
    const result = parseWorkflow('.github/workflows/bad.yml', text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('parse-error');
    expect(result.error.location).toEqual({ path: '.github/workflows/bad.yml', line });
  });

  it('never throws on arbitrary text', () => {
    for (const text of ['', ':', '{', '"', '\t\t- [', 'on: [push', 'jobs: !!binary xx', 'a: *missing']) {
      expect(() => parseWorkflow('x.yml', text)).not.toThrow();
    }
  });
});

describe('parseActionReference', () => {
  it.each([
    { raw: 'actions/checkout@v4', expected: { kind: 'action', owner: 'actions', repo: 'checkout', path: '', ref: 'v4' } },
    { raw: 'github/codeql-action/init@v3', expected: { kind: 'action', owner: 'github', repo: 'codeql-action', path: 'init', ref: 'v3' } },
    { raw: 'owner/repo/a/b@refs/heads/main', expected: { kind: 'action', owner: 'owner', repo: 'repo', path: 'a/b', ref: 'refs/heads/main' } },
    { raw: 'owner/repo', expected: { kind: 'action', owner: 'owner', repo: 'repo', path: '', ref: null } },
    { raw: './.github/actions/setup', expected: { kind: 'local', path: '.github/actions/setup' } },
    { raw: 'docker://alpine', expected: { kind: 'docker', image: 'alpine', tag: null, digest: null } },
    { raw: 'docker://ghcr.io:443/o/img:1.2@sha256:abc', expected: { kind: 'docker', image: 'ghcr.io:443/o/img', tag: '1.2', digest: 'sha256:abc' } },
    { raw: 'docker://localhost:5000/img', expected: { kind: 'docker', image: 'localhost:5000/img', tag: null, digest: null } },
    { raw: 'owner@v1', expected: { kind: 'unparsed' } },
    { raw: 'owner/repo@', expected: { kind: 'unparsed' } },
    { raw: '${{ matrix.action }}', expected: { kind: 'unparsed' } },
  ])('$raw', ({ raw, expected }) => {
    expect(parseActionReference(raw, 7)).toMatchObject({ ...expected, raw, line: 7 });
  });

  it.each([
    ['8e8c483db84b4bee98b60c0593521ed34d9990e8', true],
    ['8e8c483', false],
    ['v4', false],
    ['8E8C483DB84B4BEE98B60C0593521ED34D9990E8', false],
    ['a'.repeat(64), true],
    [null, false],
  ] as const)('isCommitSha(%s) = %s', (ref, expected) => {
    expect(isCommitSha(ref)).toBe(expected);
  });
});
