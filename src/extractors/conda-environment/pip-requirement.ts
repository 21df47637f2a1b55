/**
 * One entry of an environment file's `- pip:` list: a pip requirement line
 * (PEP 508 `name[extras] specifiers ; marker`, a URL, or a pip option).
 * Only `name==version` (or `===version`) pins a package.
 */
import { parse as parseSpecifiers } from '@renovatebot/pep440/lib/specifier.js';
import { excerpt } from '../../core/excerpt.js';

export type PipEntry =
  | { kind: 'pinned'; name: string; version: string }
  /** Names a package without pinning one version. */
  | { kind: 'unpinned'; name: string; reason: string }
  /** Installs something that cannot be matched by name and version (URL, path, include). */
  | { kind: 'unmatchable'; text: string; reason: string }
  /** A pip option that names no package (`--index-url`, `--pre`...). */
  | { kind: 'option' }
  | { kind: 'invalid'; reason: string };

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/s;
const INCLUDE_OPTIONS = /^(-r|--requirement|-c|--constraint)(\s|=|$)/;
const EDITABLE_OPTIONS = /^(-e|--editable)(\s|=|$)/;

function eggName(text: string): string | undefined {
  return /[#&]egg=([A-Za-z0-9._-]+)/.exec(text)?.[1];
}

/** Long enough for a requirement with many `--hash` options; keeps the regexes' work bounded. */
const MAX_ENTRY_LENGTH = 16384;

export function parsePipEntry(input: string): PipEntry {
  if (input.length > MAX_ENTRY_LENGTH) return { kind: 'invalid', reason: `pip requirement longer than ${MAX_ENTRY_LENGTH} characters` };
  const text = input.replace(/(^|\s)#.*$/s, '').trim();
  if (text === '') return { kind: 'invalid', reason: 'empty pip requirement' };

  if (INCLUDE_OPTIONS.test(text)) {
    return { kind: 'unmatchable', text, reason: 'pip include not followed: scan the referenced requirements file itself' };
  }
  if (EDITABLE_OPTIONS.test(text)) return { kind: 'unmatchable', text: eggName(text) ?? text, reason: 'editable install' };
  if (text.startsWith('-')) return { kind: 'option' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^[./~]/.test(text)) {
    return { kind: 'unmatchable', text: eggName(text) ?? text, reason: 'direct URL or path, not a registry release' };
  }

  const match = NAME.exec(text);
  if (!match) return { kind: 'invalid', reason: `invalid pip requirement "${excerpt(text)}"` };
  const name = match[1]!;
  const rest = match[3]!.trim();
  if (rest.startsWith('@')) return { kind: 'unmatchable', text: name, reason: 'direct URL, not a registry release' };

  // Per-requirement options (`--hash=...`) and environment markers do not change the pin.
  let specifiers = rest.split(';')[0]!.split(/\s--?[a-z]/i)[0]!.trim();
  if (specifiers.startsWith('(') && specifiers.endsWith(')')) specifiers = specifiers.slice(1, -1).trim();
  if (specifiers === '') return { kind: 'unpinned', name, reason: 'no version pinned' };

  const constraints = parseSpecifiers(specifiers);
  if (!constraints) return { kind: 'invalid', reason: `invalid version specifier "${excerpt(specifiers)}" for ${excerpt(name)}` };
  const only = constraints.length === 1 ? constraints[0] : undefined;
  const exact = only && (only.operator === '===' || (only.operator === '==' && !only.prefix));
  if (!exact) return { kind: 'unpinned', name, reason: `"${excerpt(specifiers)}" does not pin one exact version` };
  return { kind: 'pinned', name, version: specifiers.replace(/^===?/, '').trim() };
}
