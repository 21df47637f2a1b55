import { z } from 'zod';

/** A boolean flag that tolerates junk: anything but `true` counts as unset. */
const Flag = z.boolean().optional().catch(undefined);
const Text = z.string().optional().catch(undefined);

/**
 * One value of `packages` in a package-lock.json v2/v3 (keyed by install path,
 * `node_modules/a/node_modules/b`): only the fields chainwatch reads.
 */
export const PackageLockPackage = z.object({
  /** Set when the install folder's name differs from the package's (npm aliases). */
  name: z.string().optional(),
  version: z.string().optional(),
  resolved: Text,
  link: Flag,
  dev: Flag,
  optional: Flag,
  devOptional: Flag,
});
export type PackageLockPackage = z.infer<typeof PackageLockPackage>;

/**
 * One value of `dependencies` in a package-lock.json v1 (keyed by install name,
 * nesting its own `dependencies`); `version` is a spec for git, file and alias installs.
 */
export const PackageLockDependency = z.object({
  version: z.string().optional(),
  resolved: Text,
  dev: Flag,
  optional: Flag,
});
export type PackageLockDependency = z.infer<typeof PackageLockDependency>;
