/**
 * A value that could be told, or the reason it could not. Graph signals and
 * posture facts are both this shape: "could not tell" stays visible (with its
 * reason) and is never read as false, zero or empty (STYLE rule 6). Reports
 * serialise it as is: `{ "known": true, "value": ... }` or
 * `{ "known": false, "reason": "..." }`.
 */
export interface Known<T> {
  known: true;
  value: T;
}

export interface Unknown {
  known: false;
  reason: string;
}

/** Narrowed by its `known` field: `if (signal.known) signal.value`. */
export type Knowable<T> = Known<T> | Unknown;

export function known<T>(value: T): Known<T> {
  return { known: true, value };
}

export function unknown(reason: string): Unknown {
  return { known: false, reason };
}

/** Known when `value` is present (not null or undefined), else unknown for `reason`. */
export function knownIfPresent<T>(value: T | null | undefined, reason: string): Knowable<T> {
  return value === null || value === undefined ? unknown(reason) : known(value);
}
