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
