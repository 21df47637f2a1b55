import { isEcosystem, normalizeName } from '../core/package.js';

/**
 * The (ecosystem, name) key a record is indexed under, one per affected package.
 *
 * The ecosystem is OSV's spelling without its release suffix (`Debian:12` →
 * `Debian`), matched exactly: `core/package.ts` parseEcosystem() also accepts
 * aliases such as `python`, but OSV has a separate `Python` ecosystem (CPython
 * itself), which must not land on PyPI's key. Ecosystems chainwatch does not
 * know (Go, Maven, …) are kept under their own spelling so the store stays a
 * faithful copy; names there are only trimmed.
 */
export function affectedKey(ecosystem: string, name: string): { ecosystem: string; name: string } {
  const base = baseEcosystem(ecosystem);
  return { ecosystem: base, name: isEcosystem(base) ? normalizeName(base, name) : name.trim() };
}

/** `Debian:12` → `Debian`; `PyPI` → `PyPI`. */
export function baseEcosystem(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return (colon === -1 ? ecosystem : ecosystem.slice(0, colon)).trim();
}
