/**
 * Registry credentials from Docker's own client configuration:
 * `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. Read: an
 * `auths` entry for the registry (its key a host, `https://host` or, for
 * Docker Hub, `https://index.docker.io/v1/`) with `auth` (base64 of
 * `user:password`) or `username` + `password`. Not run: `credsStore` and
 * `credHelpers` (external `docker-credential-*` programs); a registry whose
 * credentials are kept there is asked anonymously, and the caller says why
 * when it then refuses. `identitytoken` (an OAuth2 refresh token, exchanged
 * by POST) is not supported either; the caller says so the same way.
 *
 * Credentials are kept in memory only, never put in an error: a broken file
 * is named, its content never quoted (JSON.parse's message quotes it).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ChainwatchError } from '../core/errors.js';
import { DOCKER_HUB } from './reference.js';

export type RegistryCredentials =
  | { kind: 'basic'; username: string; password: string; from: string }
  /** Credentials exist, but chainwatch cannot use them: `why` says where they are and what to do. */
  | { kind: 'unusable'; why: string; from: string };

const AuthEntrySchema = z.object({ auth: z.string().optional(), username: z.string().optional(), password: z.string().optional(), identitytoken: z.string().optional() }).loose();

const DockerConfigSchema = z
  .object({
    auths: z.record(z.string(), AuthEntrySchema.catch({})).optional().catch(undefined),
    credsStore: z.string().optional().catch(undefined),
    credHelpers: z.record(z.string(), z.string()).optional().catch(undefined),
  })
  .loose();

export interface DockerConfigOptions {
  /** The environment (`DOCKER_CONFIG`, `HOME`); default process.env. */
  env?: Record<string, string | undefined>;
}

export function dockerConfigPath(env: Record<string, string | undefined> = process.env): string {
  const directory = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
  return path.join(directory, 'config.json');
}

/** `ghcr.io` for `https://ghcr.io/v2/`, `ghcr.io`, `ghcr.io/`; Docker Hub's keys as `docker.io`. */
function registryOfKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

/** The credentials for `registry` (as a reference names it), or null when the file or its entry is absent. */
export function dockerCredentials(registry: string, options: DockerConfigOptions = {}): RegistryCredentials | null {
  const file = dockerConfigPath(options.env ?? process.env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ChainwatchError('unreadable-file', `${file} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { location: { path: file } });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ChainwatchError('invalid-config', `${file} is not JSON (its content is not quoted here: it may hold credentials)`, { location: { path: file } });
  }
  const parsed = DockerConfigSchema.safeParse(value);
  if (!parsed.success) throw new ChainwatchError('invalid-config', `${file} is not a Docker client configuration (an object with auths, credsStore, credHelpers)`, { location: { path: file } });
  const config = parsed.data;
  const wanted = registry.toLowerCase();
  const entry = Object.entries(config.auths ?? {}).find(([key]) => registryOfKey(key) === wanted)?.[1];
  if (entry?.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const cut = decoded.indexOf(':');
    if (cut <= 0) throw new ChainwatchError('invalid-config', `${file}: the auth of ${registry} is not base64 of user:password`, { location: { path: file } });
    return { kind: 'basic', username: decoded.slice(0, cut), password: decoded.slice(cut + 1), from: file };
  }
  if (entry?.username && entry.password !== undefined) return { kind: 'basic', username: entry.username, password: entry.password, from: file };
  if (entry?.identitytoken) {
    return { kind: 'unusable', why: `${file} holds an identity token (an OAuth2 refresh token) for ${registry}, which chainwatch does not exchange yet; add a username and password or access token to auths.auth instead`, from: file };
  }
  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => registryOfKey(key) === wanted)?.[1];
  if (helper) return { kind: 'unusable', why: `${file} keeps the credentials of ${registry} in docker-credential-${helper} (credHelpers), which chainwatch does not run; put them in auths.auth, or pull anonymously`, from: file };
  if (config.credsStore) return { kind: 'unusable', why: `${file} keeps credentials in docker-credential-${config.credsStore} (credsStore), which chainwatch does not run; put those of ${registry} in auths.auth, or pull anonymously`, from: file };
  return null;
}
