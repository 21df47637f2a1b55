/**
 * Image references as Docker writes them: `[host[:port]/]path[:tag][@digest]`
 * (distribution's reference grammar). The first component is a registry host
 * when it has a `.` or a `:`, or is `localhost`; otherwise the image is on
 * Docker Hub (`docker.io`), whose one-component names live under `library/`
 * (`python:3.12` is `docker.io/library/python:3.12`). Without tag or digest
 * the tag is `latest`.
 *
 * What `--image X` means: X is a path when something exists at X, or when it
 * is written as one (starts with `/`, `./`, `../`, `~`, or ends in `.tar`,
 * `.tar.gz`, `.tgz`); otherwise X is a reference when it parses as one. A
 * local directory named like an image (`./python:3.12`) wins over the
 * registry, as a file argument does for docker's own `load`.
 */
import { existsSync } from 'node:fs';
import { ChainwatchError } from '../core/errors.js';

export interface ImageReference {
  /** The registry as named (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  registry: string;
  /** The repository path inside it (`library/python`). */
  repository: string;
  tag: string | null;
  /** `sha256:<hex>` when pinned; wins over the tag. */
  digest: string | null;
}

export const DOCKER_HUB = 'docker.io';
/** Docker Hub's API endpoint, as Docker's own client names it (`docker.io` itself serves no registry API). */
export const DOCKER_HUB_ENDPOINT = 'registry-1.docker.io';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/;

/** The reference, or an `invalid-argument` error saying what in it is wrong. */
export function parseReference(text: string): ImageReference {
  const fail = (why: string) => new ChainwatchError('invalid-argument', `${JSON.stringify(text.slice(0, 300))} is not an image reference: ${why}`);
  if (text.length === 0 || text.length > 1024) throw fail('empty or too long');
  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw fail(`the digest must be sha256:<64 hex> or sha512:<128 hex>`);
  }
  let tag: string | null = null;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw fail(`the tag ${JSON.stringify(tag)} is not a tag (letters, digits, _ . -, at most 128)`);
  }
  const components = rest.split('/');
  let registry = DOCKER_HUB;
  const first = components[0]!;
  if (components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!HOST.test(first)) throw fail(`the registry ${JSON.stringify(first)} is not a host[:port]`);
    registry = first;
    components.shift();
  }
  if (components.length === 0 || components.some((component) => !COMPONENT.test(component))) {
    throw fail('the repository must be lower-case components (a-z, 0-9, separated by . _ __ -) joined by /');
  }
  if (registry === 'index.docker.io' || registry === DOCKER_HUB_ENDPOINT) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && components.length === 1) components.unshift('library');
  return { registry, repository: components.join('/'), tag: digest === null ? (tag ?? 'latest') : tag, digest };
}

/** `docker.io/library/python:3.12@sha256:…`: the reference in full, as messages name it. */
export function formatReference(reference: ImageReference): string {
  return `${reference.registry}/${reference.repository}${reference.tag === null ? '' : `:${reference.tag}`}${reference.digest === null ? '' : `@${reference.digest}`}`;
}

/** Whether `--image X` names a registry image rather than a file or directory (the rule is in this file's header). */
export function isImageReference(target: string, exists: (path: string) => boolean = existsSync): boolean {
  if (exists(target)) return false;
  if (/^(?:\/|\.\.?(?:\/|\\|$)|~)/.test(target) || /\.(?:tar|tar\.gz|tgz)$/i.test(target) || target.includes('\\')) return false;
  try {
    parseReference(target);
    return true;
  } catch {
    return false;
  }
}
