import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainwatchError } from '../core/errors.js';
import { dockerConfigPath, dockerCredentials } from './docker-config.js';

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function withConfig(text: string | null): Record<string, string> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'chainwatch-docker-config-'));
  directories.push(directory);
  if (text !== null) writeFileSync(path.join(directory, 'config.json'), text);
  return { DOCKER_CONFIG: directory };
}

const SECRET = 's3cret-Pa55word-000';
const auth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

describe('dockerCredentials', () => {
  it('DOCKER_CONFIG wins over HOME/.docker', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/x', HOME: '/home/u' })).toBe(path.join('/x', 'config.json'));
    expect(dockerConfigPath({ HOME: '/home/u' })).toBe(path.join('/home/u', '.docker', 'config.json'));
  });

  it('no file: no credentials', () => {
    expect(dockerCredentials('ghcr.io', { env: withConfig(null) })).toBeNull();
  });

  it('auths[host].auth is base64 of user:password (the password may hold colons); keys may be URLs; Docker Hub under its v1 URL', () => {
    const env = withConfig(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: auth('hub', 'hub:pass') },
          'https://ghcr.io': { auth: auth('gh', SECRET) },
          '127.0.0.1:5000': { username: 'local', password: 'pw' },
        },
      }),
    );
    expect(dockerCredentials('docker.io', { env })).toMatchObject({ kind: 'basic', username: 'hub', password: 'hub:pass' });
    expect(dockerCredentials('ghcr.io', { env })).toMatchObject({ kind: 'basic', username: 'gh', password: SECRET });
    expect(dockerCredentials('127.0.0.1:5000', { env })).toMatchObject({ kind: 'basic', username: 'local', password: 'pw' });
    expect(dockerCredentials('quay.io', { env })).toBeNull();
  });

  it('identity tokens, credHelpers and credsStore are named as unusable, saying why', () => {
    const env = withConfig(JSON.stringify({ auths: { 'a.example.test': { identitytoken: SECRET }, 'b.example.test': {} }, credHelpers: { 'c.example.test': 'gcloud' }, credsStore: 'desktop' }));
    const a = dockerCredentials('a.example.test', { env });
    expect(a).toMatchObject({ kind: 'unusable' });
    expect(a?.kind === 'unusable' && a.why).toContain('identity token');
    expect(JSON.stringify(a)).not.toContain(SECRET);
    expect(dockerCredentials('c.example.test', { env })).toMatchObject({ kind: 'unusable', why: expect.stringContaining('docker-credential-gcloud (credHelpers)') });
    expect(dockerCredentials('b.example.test', { env })).toMatchObject({ kind: 'unusable', why: expect.stringContaining('docker-credential-desktop (credsStore)') });
  });

  it('a broken file is an error naming it, never quoting its content', () => {
    const env = withConfig(`{"auths": {"x": {"auth": "${SECRET}"}`);
    let error: unknown;
    try {
      dockerCredentials('x', { env });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ChainwatchError);
    expect((error as ChainwatchError).code).toBe('invalid-config');
    expect((error as Error).message).toContain(path.join(env.DOCKER_CONFIG!, 'config.json'));
    expect(`${(error as Error).message}${(error as Error).stack}${String((error as Error).cause)}`).not.toContain(SECRET);
  });

  it('an auth that is not user:password is an error without the value', () => {
    const env = withConfig(JSON.stringify({ auths: { x: { auth: Buffer.from(SECRET).toString('base64') } } }));
    expect(() => dockerCredentials('x', { env })).toThrow(/the auth of x is not base64 of user:password/);
    try {
      dockerCredentials('x', { env });
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });
});
