import type { z as Zod } from 'zod';
import { entrySchema, isPlainRecord, optionalString } from '../common/entry-schema.js';

/** A boolean flag that tolerates junk: anything but `true` counts as unset. */
const flag = (z: typeof Zod) => z.boolean().optional().catch(undefined);
const text = (z: typeof Zod) => z.string().optional().catch(undefined);

/** `.catch(undefined)` fields, as zod reads them: the value when of its type, else undefined (kept as a key when present). */
function caught(value: Record<string, unknown>, key: string, type: 'string' | 'boolean'): Record<string, unknown> {
  if (!(key in value)) return {};
  return { [key]: typeof value[key] === type ? value[key] : undefined };
}

/**
 * One value of `packages` in a package-lock.json v2/v3 (keyed by install path,
 * `node_modules/a/node_modules/b`): only the fields chainwatch reads.
 */
export interface PackageLockPackage {
  /** Set when the install folder's name differs from the package's (npm aliases). */
  name?: string | undefined;
  version?: string | undefined;
  resolved?: string | undefined;
  link?: boolean | undefined;
  dev?: boolean | undefined;
  optional?: boolean | undefined;
  devOptional?: boolean | undefined;
}
export const PackageLockPackage = entrySchema<PackageLockPackage>(
  (z) =>
    z.object({
      name: z.string().optional(),
      version: z.string().optional(),
      resolved: text(z),
      link: flag(z),
      dev: flag(z),
      optional: flag(z),
      devOptional: flag(z),
    }),
  (value) => {
    if (!isPlainRecord(value)) return undefined;
    const name = optionalString(value.name);
    const version = optionalString(value.version);
    if (name === null || version === null) return undefined;
    return {
      ...('name' in value ? { name } : {}),
      ...('version' in value ? { version } : {}),
      ...caught(value, 'resolved', 'string'),
      ...caught(value, 'link', 'boolean'),
      ...caught(value, 'dev', 'boolean'),
      ...caught(value, 'optional', 'boolean'),
      ...caught(value, 'devOptional', 'boolean'),
    };
  },
);

/**
 * One value of `dependencies` in a package-lock.json v1 (keyed by install name,
 * nesting its own `dependencies`); `version` is a spec for git, file and alias installs.
 */
export interface PackageLockDependency {
  version?: string | undefined;
  resolved?: string | undefined;
  dev?: boolean | undefined;
  optional?: boolean | undefined;
}
export const PackageLockDependency = entrySchema<PackageLockDependency>(
  (z) =>
    z.object({
      version: z.string().optional(),
      resolved: text(z),
      dev: flag(z),
      optional: flag(z),
    }),
  (value) => {
    if (!isPlainRecord(value)) return undefined;
    const version = optionalString(value.version);
    if (version === null) return undefined;
    return {
      ...('version' in value ? { version } : {}),
      ...caught(value, 'resolved', 'string'),
      ...caught(value, 'dev', 'boolean'),
      ...caught(value, 'optional', 'boolean'),
    };
  },
);
