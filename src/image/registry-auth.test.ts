import { describe, expect, it } from 'vitest';
import { parseChallenges, registryErrorOf } from './registry-auth.js';

describe('parseChallenges', () => {
  it.each([
    ['Bearer realm="https://auth.example.test/token",service="registry.example.test",scope="repository:a/b:pull"', [{ scheme: 'bearer', params: { realm: 'https://auth.example.test/token', service: 'registry.example.test', scope: 'repository:a/b:pull' } }]],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    ['basic realm=x, Bearer realm="r", service=s', [{ scheme: 'basic', params: { realm: 'x' } }, { scheme: 'bearer', params: { realm: 'r', service: 's' } }]],
    ['Bearer realm="a\\"b",error="insufficient_scope"', [{ scheme: 'bearer', params: { realm: 'a"b', error: 'insufficient_scope' } }]],
    ['', []],
    ['=== garbage', []],
  ])('%s', (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected);
  });
});

describe('registryErrorOf', () => {
  it('says the first error code and message, scrubbed of secrets; nothing for other bodies', () => {
    expect(registryErrorOf(Buffer.from('{"errors":[{"code":"DENIED","message":"token tok-123 denied"}]}'), ['tok-123'])).toBe('DENIED: token *** denied');
    expect(registryErrorOf(Buffer.from('<html>'), [])).toBe('');
  });
});
