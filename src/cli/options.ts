import { InvalidArgumentError } from 'commander';
import { isRepositoryName } from '../posture/index.js';

/** A repeatable option: each occurrence parsed and appended. */
export function collect<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] = []): T[] => [...previous, parse(value)];
}

/** An option whose value must be one of `choices`; anything else is a usage error (exit 2). */
export function parseChoice<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}`);
    return value as T;
  };
}

/** `--repo owner/name`: the name as GitHub allows it, else a usage error. */
export function parseRepoName(value: string): string {
  if (!isRepositoryName(value)) throw new InvalidArgumentError(`expected owner/name, got ${JSON.stringify(value)}`);
  return value;
}

/** `--max-age`: how old the newest advisory of an ecosystem may be before a run warns. */
export interface MaxAge {
  ms: number;
  /** As given (`7d`), for the warning. */
  text: string;
}

const AGE_UNITS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `7d`, `36h`, `2w` → a MaxAge; anything else is a usage error. */
export function parseMaxAge(value: string): MaxAge {
  const match = /^(\d+)\s*([hdw])$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected an age such as 7d, 36h or 2w, got ${JSON.stringify(value)}`);
  return { ms: Number(match[1]) * AGE_UNITS[match[2]!]!, text: `${match[1]}${match[2]}` };
}

export const DEFAULT_MAX_AGE: MaxAge = { ms: 7 * AGE_UNITS.d!, text: '7d' };
