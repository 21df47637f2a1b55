import semver from 'semver';

/**
 * How npm (npm-package-arg) reads a dependency spec, for the kinds a
 * registry resolver can follow: a version, a range (`''` and `*` included),
 * a dist-tag, or an `npm:` alias of one of those. Everything else (git,
 * URLs, `file:`, GitHub shorthands) is `unsupported`.
 */
export type NpmSpec =
  | { type: 'version'; fetchSpec: string }
  | { type: 'range'; fetchSpec: string }
  | { type: 'tag'; fetchSpec: string }
  | { type: 'alias'; packageName: string; target: NpmSpec }
  | { type: 'unsupported'; raw: string };

const specCache = new Map<string, NpmSpec>();

export function parseNpmSpec(raw: string): NpmSpec {
  let spec = specCache.get(raw);
  if (!spec) {
    spec = parseUncached(raw);
    specCache.set(raw, spec);
  }
  return spec;
}

function parseUncached(raw: string): NpmSpec {
  const text = raw.trim();
  if (/^npm:/i.test(text)) {
    const rest = text.slice(4);
    const at = rest.indexOf('@', rest.startsWith('@') ? 1 : 0);
    const packageName = at === -1 ? rest : rest.slice(0, at);
    const target = parseUncached(at === -1 ? '' : rest.slice(at + 1));
    if (!packageName || target.type === 'alias' || target.type === 'unsupported') return { type: 'unsupported', raw };
    return { type: 'alias', packageName, target };
  }
  // npm-package-arg sends these to git, file or URL fetchers before trying semver.
  if (/^(file:|git\+|git:|https?:|github:|gitlab:|bitbucket:|gist:|link:|workspace:)/i.test(text)) return { type: 'unsupported', raw };
  if (/^(\.|~\/|\/)/.test(text) || text.includes('/')) return { type: 'unsupported', raw };
  if (semver.valid(text, true)) return { type: 'version', fetchSpec: text };
  if (semver.validRange(text, true) !== null) return { type: 'range', fetchSpec: text };
  if (encodeURIComponent(text) !== text) return { type: 'unsupported', raw };
  return { type: 'tag', fetchSpec: text };
}

const satisfiesCache = new Map<string, boolean>();

/** `semver.satisfies(version, range, loose)`, memoised: resolution asks the same questions many times. */
export function satisfiesLoose(version: string, range: string): boolean {
  const key = `${version}\u0000${range}`;
  let answer = satisfiesCache.get(key);
  if (answer === undefined) {
    answer = semver.satisfies(version, range, { loose: true });
    satisfiesCache.set(key, answer);
  }
  return answer;
}

/**
 * Arborist's dep-valid for registry specs: does a node with this package name
 * and version (installed from the registry) satisfy the spec? `*` and `''`
 * accept any version, pre-releases included; a dist-tag accepts anything that
 * came from a registry.
 */
export function specAccepts(spec: NpmSpec, packageName: string, version: string, fromRegistry: boolean): boolean {
  switch (spec.type) {
    case 'range':
      if (spec.fetchSpec === '*' || spec.fetchSpec === '') return true;
      return satisfiesLoose(version, spec.fetchSpec);
    case 'version':
      return satisfiesLoose(version, spec.fetchSpec);
    case 'tag':
      return fromRegistry;
    case 'alias':
      return packageName === spec.packageName && specAccepts(spec.target, packageName, version, fromRegistry);
    case 'unsupported':
      return false;
  }
}
