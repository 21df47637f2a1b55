import { describe, expect, it } from 'vitest';
import { ChainwatchError } from '../core/errors.js';
import { formatReference, isImageReference, parseReference } from './reference.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseReference', () => {
  it.each([
    ['python', 'docker.io', 'library/python', 'latest', null],
    ['python:3.12-slim', 'docker.io', 'library/python', '3.12-slim', null],
    ['jupyter/base-notebook:2024-05-01', 'docker.io', 'jupyter/base-notebook', '2024-05-01', null],
    ['docker.io/python', 'docker.io', 'library/python', 'latest', null],
    ['index.docker.io/library/python:3', 'docker.io', 'library/python', '3', null],
    ['quay.io/jupyter/scipy-notebook:latest', 'quay.io', 'jupyter/scipy-notebook', 'latest', null],
    ['localhost/app', 'localhost', 'app', 'latest', null],
    ['127.0.0.1:5000/team/app:1.0', '127.0.0.1:5000', 'team/app', '1.0', null],
    ['registry.example.test:8443/a/b/c', 'registry.example.test:8443', 'a/b/c', 'latest', null],
    [`python@${DIGEST}`, 'docker.io', 'library/python', null, DIGEST],
    [`ghcr.io/org/app:v1@${DIGEST}`, 'ghcr.io', 'org/app', 'v1', DIGEST],
  ])('%s', (text, registry, repository, tag, digest) => {
    expect(parseReference(text)).toEqual({ registry, repository, tag, digest });
  });

  it.each([
    ['', 'empty'],
    ['Python', 'lower-case'],
    ['python:', 'tag'],
    ['python@sha256:abc', 'digest'],
    ['a//b', 'lower-case'],
    ['host:99999999/x', 'registry'],
    ['python:-bad', 'tag'],
  ])('refuses %j (%s)', (text, why) => {
    const error = (() => {
      try {
        parseReference(text);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ChainwatchError);
    expect((error as ChainwatchError).code).toBe('invalid-argument');
    expect((error as Error).message).toContain(why);
  });

  it('formats the reference in full', () => {
    expect(formatReference(parseReference('python:3'))).toBe('docker.io/library/python:3');
    expect(formatReference(parseReference(`127.0.0.1:5000/a@${DIGEST}`))).toBe(`127.0.0.1:5000/a@${DIGEST}`);
  });
});

describe('isImageReference: a path when it exists or is written as one, else a reference when it parses', () => {
  const nothing = () => false;
  it.each([
    ['python:3.12', false, true],
    ['127.0.0.1:5000/team/app:1', false, true],
    ['python:3.12', true, false],
    ['./image.tar', false, false],
    ['/tmp/layout', false, false],
    ['../x', false, false],
    ['~/images/x', false, false],
    ['image.tar', false, false],
    ['image.tar.gz', false, false],
    ['Not A Reference', false, false],
  ])('%s (exists: %s) → %s', (target, exists, expected) => {
    expect(isImageReference(target, exists ? () => true : nothing)).toBe(expected);
  });
});
