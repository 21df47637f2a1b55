import { createRequire } from 'node:module';
import type { z as Zod, ZodType } from 'zod';

type ZodNamespace = typeof Zod;

let zod: ZodNamespace | undefined;

/**
 * zod itself, required on first use. Loading zod (about a hundred modules)
 * and building schemas cost more than reading a whole lockfile of a thousand
 * entries (issue 12's profiles of `chainwatch scan`), and the quick checks
 * below answer for every well-formed entry, so a scan of well-formed
 * lockfiles never loads it.
 */
function loadZod(): ZodNamespace {
  zod ??= (createRequire(import.meta.url)('zod') as { z: ZodNamespace }).z;
  return zod;
}

export type EntryParse<T> = { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };

/** A lockfile entry's schema: a zod schema, with a quick check in front of it. */
export interface EntrySchema<T> {
  /** What the zod schema's safeParse answers: the quick check's data when it has an answer, else the schema's. */
  safeParse(value: unknown): EntryParse<T>;
  /** The hand-written check alone: the schema's data, or undefined when it leaves the answer to the schema. */
  quick(value: unknown): T | undefined;
  /** The zod schema (built on first use): the definition, and what explains a refusal. */
  schema(): ZodType<T>;
}

/**
 * `build` is the definition (STYLE rule 2: validation at the boundary is a
 * zod schema); `quick` is a hand-written check that returns the data the
 * schema would return for the common shapes of an entry, or undefined to let
 * the schema decide (any other shape, and every refusal, so error messages
 * are zod's). A test (entry-schema.test.ts) checks on arbitrary values that
 * whenever `quick` answers, the schema answers the same.
 */
export function entrySchema<T>(build: (z: ZodNamespace) => ZodType<T>, quick: (value: unknown) => T | undefined): EntrySchema<T> {
  let schema: ZodType<T> | undefined;
  const built = (): ZodType<T> => (schema ??= build(loadZod()));
  return {
    safeParse(value) {
      const data = quick(value);
      if (data !== undefined) return { success: true, data };
      const parsed = built().safeParse(value);
      return parsed.success ? { success: true, data: parsed.data } : { success: false, error: { issues: parsed.error.issues } };
    },
    quick,
    schema: built,
  };
}

/** An object zod's `z.object` reads as one: not null, not an array, a plain prototype. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** `z.string().optional()`: the value when it is a string or absent; null means the schema refuses it. */
export function optionalString(value: unknown): string | undefined | null {
  return value === undefined || typeof value === 'string' ? value : null;
}
