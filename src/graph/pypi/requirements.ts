/**
 * Which `Requires-Dist` lines apply to a package (or to one of its extras) in
 * a target environment, in the order uv lists them: uv splits each marker into
 * its part without extras (the package's own dependencies) and the part an
 * extra adds, and expands extras a package requests of itself
 * (`jupyterlab[dev]` pulling in `jupyterlab[test]`).
 */
import { normalizeName } from '../../core/package.js';
import type { TargetEnvironment } from '../../ecosystems/pypi/environment.js';
import { evaluateMarker, type Marker, type MarkerComparison, type MarkerOperand } from '../../ecosystems/pypi/markers.js';
import type { Pep508Requirement } from '../../ecosystems/pypi/requirement.js';

/** A requirement that applies, with the marker left once `extra` is settled (undefined when that is always true). */
export interface ApplicableRequirement {
  requirement: Pep508Requirement;
  /** The extra of the package that brought this requirement in, if any. */
  viaExtra?: string;
  /** True when what remains of the marker is not trivially true: uv then routes the dependency through a marker proxy. */
  conditional: boolean;
}

function isExtraOperand(operand: MarkerOperand): boolean {
  return operand.type === 'variable' && operand.name === 'extra';
}

/** `extra == "x"` and friends with `extra` set to exactly `extra` ('' for none). */
function compareExtra(comparison: MarkerComparison, extra: string): boolean {
  const value = (operand: MarkerOperand) => (operand.type === 'string' ? normalizeName('PyPI', operand.value) : extra);
  const left = value(comparison.left);
  const right = value(comparison.right);
  switch (comparison.operator) {
    case '==':
    case '===':
      return left === right;
    case '!=':
      return left !== right;
    case 'in':
      return right.includes(left);
    case 'not in':
      return !right.includes(left);
    default:
      return false;
  }
}

/** Evaluates a marker with `extra` bound to exactly one value ('' for none). */
export function evaluateWithExtra(marker: Marker, environment: TargetEnvironment, extra: string): boolean {
  switch (marker.type) {
    case 'and':
      return marker.items.every((item) => evaluateWithExtra(item, environment, extra));
    case 'or':
      return marker.items.some((item) => evaluateWithExtra(item, environment, extra));
    case 'compare':
      if (isExtraOperand(marker.left) || isExtraOperand(marker.right)) return compareExtra(marker, extra);
      return evaluateMarker(marker, environment);
  }
}

/** Folds the `extra` comparisons of a marker: true/false when nothing else is left, else 'open'. */
function foldExtra(marker: Marker, extra: string): boolean | 'open' {
  switch (marker.type) {
    case 'and': {
      let result: boolean | 'open' = true;
      for (const item of marker.items) {
        const folded = foldExtra(item, extra);
        if (folded === false) return false;
        if (folded === 'open') result = 'open';
      }
      return result;
    }
    case 'or': {
      let result: boolean | 'open' = false;
      for (const item of marker.items) {
        const folded = foldExtra(item, extra);
        if (folded === true) return true;
        if (folded === 'open') result = 'open';
      }
      return result;
    }
    case 'compare':
      if (isExtraOperand(marker.left) || isExtraOperand(marker.right)) return compareExtra(marker, extra);
      return 'open';
  }
}

function applies(requirement: Pep508Requirement, environment: TargetEnvironment, extra: string): boolean {
  const marker = requirement.marker;
  if (extra === '') return marker === undefined || evaluateWithExtra(marker, environment, '');
  // An extra adds what holds with it and did not already hold without it.
  return marker !== undefined && evaluateWithExtra(marker, environment, extra) && !evaluateWithExtra(marker, environment, '');
}

function conditional(requirement: Pep508Requirement, extra: string): boolean {
  const marker = requirement.marker;
  if (marker === undefined) return false;
  if (extra === '') return foldExtra(marker, '') !== true;
  return !(foldExtra(marker, extra) === true && foldExtra(marker, '') === false);
}

/**
 * The requirements of `packageName` (or of its `extra`, which adds to the
 * package's own) that hold in the environment, self-extras expanded.
 */
export function applicableRequirements(
  packageName: string,
  requirements: readonly Pep508Requirement[],
  environment: TargetEnvironment,
  extra?: string,
): ApplicableRequirement[] {
  const own = extra === undefined ? '' : normalizeName('PyPI', extra);
  const select = (wanted: string): ApplicableRequirement[] =>
    requirements
      .filter((requirement) => applies(requirement, environment, wanted))
      .map((requirement) => ({
        requirement,
        conditional: conditional(requirement, wanted),
        ...(wanted === '' ? {} : { viaExtra: wanted }),
      }));

  const selected = select(own);
  const isSelf = (item: ApplicableRequirement) => item.requirement.normalizedName === packageName && item.requirement.extras.length > 0;
  if (!selected.some(isSelf)) return selected;

  // Extras the package requests of itself are expanded in place of the self-requirement.
  const seen = new Set<string>();
  const queue = selected.filter(isSelf).flatMap((item) => item.requirement.extras.map((name) => normalizeName('PyPI', name)));
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const item of select(next)) {
      if (isSelf(item)) for (const name of item.requirement.extras) queue.push(normalizeName('PyPI', name));
      selected.push(item);
    }
  }
  // A self-requirement with a version range still constrains the package itself.
  const selfConstraints = selected
    .filter((item) => isSelf(item) && item.requirement.specifier !== '')
    .map((item) => ({ ...item, requirement: { ...item.requirement, extras: [] } }));
  return [...selected.filter((item) => !isSelf(item)), ...selfConstraints];
}

/** A marker written back as text, for edges and messages. */
export function markerToString(marker: Marker): string {
  if (marker.type === 'compare') {
    const operand = (o: MarkerOperand) => (o.type === 'string' ? JSON.stringify(o.value) : o.name);
    return `${operand(marker.left)} ${marker.operator} ${operand(marker.right)}`;
  }
  const items = marker.items.map((item) => (item.type === 'compare' || item.type === marker.type ? markerToString(item) : `(${markerToString(item)})`));
  return items.join(` ${marker.type} `);
}

/** A requirement written back as PEP 508 text that parses to the same requirement. */
export function requirementToString(requirement: Pep508Requirement): string {
  const extras = requirement.extras.length > 0 ? `[${requirement.extras.join(',')}]` : '';
  const marker = requirement.marker ? markerToString(requirement.marker) : '';
  if (requirement.url) return `${requirement.name}${extras} @ ${requirement.url}${marker ? ` ; ${marker}` : ''}`;
  return `${requirement.name}${extras}${requirement.specifier}${marker ? ` ; ${marker}` : ''}`;
}
