import { ChainwatchError, fail, ok, type Result } from '../core/errors.js';
import type { RegistryOverrides } from '../ecosystems/config-sources.js';
import { parseEnvironmentName, type TargetEnvironment } from '../ecosystems/pypi/environment.js';
import type { RootRequest } from './resolver.js';
import { parseRoot, uniqueRoots } from './roots.js';

/** The environment a run uses when the config and the command line name none. */
export const DEFAULT_ENVIRONMENT_NAME = 'py3.12-linux';

export interface NamedEnvironment {
  /** As written (`py3.12-linux`). */
  name: string;
  environment: TargetEnvironment;
}

/** What one graph run resolves: roots, environments, registry overrides, and where they came from. */
export interface GraphInputs {
  /** `command line`, the config file, or `preset:<name>`. */
  source: string;
  roots: readonly RootRequest[];
  environments: readonly NamedEnvironment[];
  registries: RegistryOverrides;
  /** The config's GitHub organisations: not resolved here, but part of the run's identity (run-identity.ts). */
  orgs?: readonly string[];
  /** The config's container images (`audit` scans them); not part of the run's identity. */
  images?: readonly string[];
  /** Roots were given on the command line: an experiment, saved under its own identity. */
  adHoc?: boolean;
}

/**
 * The inputs of a run: a config file's or preset's (`base`, already read by
 * the front end) plus PURLs and environment names from the command line. The
 * command line's environments replace the file's; none at all means
 * DEFAULT_ENVIRONMENT_NAME. No root at all is an error saying what to give.
 */
export function graphInputs(base: GraphInputs | null, purls: readonly string[], environmentNames: readonly string[]): Result<GraphInputs> {
  const from = base ?? { source: 'command line', roots: [], environments: [], registries: {} };
  const roots: RootRequest[] = [...from.roots];
  for (const purl of purls) {
    const root = parseRoot(purl);
    if (!root.ok) return root;
    roots.push(root.value);
  }
  let environments: NamedEnvironment[] = [...from.environments];
  if (environmentNames.length > 0) {
    environments = [];
    for (const name of environmentNames) {
      const parsed = parseEnvironmentName(name);
      if (!parsed.ok) return parsed;
      if (!environments.some((known) => known.name === name)) environments.push({ name, environment: parsed.value });
    }
  }
  if (environments.length === 0) {
    const fallback = parseEnvironmentName(DEFAULT_ENVIRONMENT_NAME);
    if (fallback.ok) environments = [{ name: DEFAULT_ENVIRONMENT_NAME, environment: fallback.value }];
  }
  if (roots.length === 0) {
    return fail(new ChainwatchError('invalid-argument', 'nothing to resolve: give PURLs (pkg:pypi/jupyterlab), --preset jupyter or --config chainwatch.yaml'));
  }
  return ok({ ...from, roots: uniqueRoots(roots), environments, orgs: from.orgs ?? [], adHoc: purls.length > 0 });
}

/** `2024-06-01`, or an RFC 3339 date and time: `2024-06-01T12:00:00Z`, `…T12:00:00.5+02:00`. */
const EXCLUDE_NEWER = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})?)?$/;

/**
 * `--exclude-newer` as uv reads it: only releases uploaded before this
 * instant are considered (in npm, its `--before`; in conda, the records'
 * timestamps). A date alone means the end of that day in UTC (uv: releases
 * of that day count); a date and time must say its offset, as RFC 3339 does.
 * Nonexistent dates (`2024-02-30`) are refused, not rolled over.
 */
export function parseExcludeNewer(text: string): Result<Date> {
  const refuse = (why: string) => fail(new ChainwatchError('invalid-argument', `--exclude-newer ${JSON.stringify(text)}: ${why}`));
  const match = EXCLUDE_NEWER.exec(text.trim());
  if (!match) return refuse('not a date: give a date (2024-06-01) or an RFC 3339 date and time (2024-06-01T12:00:00Z)');
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return refuse(`there is no day ${year}-${month}-${day}`);
  if (hour === undefined) return ok(new Date(date.getTime() + 86_400_000));
  if (zone === undefined) return refuse('say the time\'s offset (Z for UTC, or +02:00)');
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return refuse(`there is no time ${hour}:${minute}:${second}`);
  const [offsetHours, offsetMinutes] = zone.toUpperCase() === 'Z' ? [0, 0] : zone.slice(1).split(':').map(Number);
  if (offsetHours! > 23 || offsetMinutes! > 59) return refuse(`there is no offset ${zone}`);
  const sign = zone.startsWith('-') ? -1 : 1;
  const milliseconds = fraction === undefined ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), milliseconds) - sign * (offsetHours! * 60 + offsetMinutes!) * 60_000;
  return ok(new Date(utc));
}
