import { describe, expect, it } from 'vitest';
import { packageFromPurl } from './purl-package.js';

describe('packageFromPurl', () => {
  const location = { path: 'x', line: 1 };
  it.each([
    ['pkg:conda/jupyterlab@4.2.5?channel=conda-forge', { kind: 'package', ecosystem: 'conda', name: 'jupyterlab', version: '4.2.5' }],
    ['pkg:npm/%40types/node@20.11.0', { kind: 'package', ecosystem: 'npm', name: '@types/node', version: '20.11.0' }],
    ['pkg:deb/debian/acl@2.3.1-3?upstream=acl', { kind: 'package', ecosystem: 'Debian', name: 'acl', version: '2.3.1-3' }],
    ['pkg:deb/acl@2.3.1-3', { kind: 'unsupported' }],
    ['pkg:golang/golang.org/x/net@v0.30.0', { kind: 'unsupported' }],
    ['not a purl', { kind: 'invalid' }],
  ])('%s', (purl, expected) => {
    const outcome = packageFromPurl(purl, undefined, location);
    const summary =
      outcome.kind === 'package'
        ? { kind: outcome.kind, ecosystem: outcome.package.ecosystem, name: outcome.package.name, version: outcome.package.version }
        : { kind: outcome.kind };
    expect(summary).toEqual(expected);
  });
});
