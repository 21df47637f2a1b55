import { z } from 'zod';

/**
 * The lockfile is parsed with YAML's failsafe schema, so every scalar is a
 * string (`dev: 'true'`, `lockfileVersion: '5.3'`): versions such as `1.10`
 * can never turn into numbers. Junk in fields chainwatch does not need is ignored.
 */
const Text = z.string().optional().catch(undefined);

/** `resolution` of a `packages` entry: registry (integrity), tarball, git (repo + commit) or directory. */
export const PnpmResolution = z.object({
  tarball: Text,
  repo: Text,
  commit: Text,
  type: Text,
  directory: Text,
});
export type PnpmResolution = z.infer<typeof PnpmResolution>;

/** One value of `packages`: `name`/`version` appear where the key cannot carry them (git, tarball, file deps). */
export const PnpmPackage = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  resolution: PnpmResolution.optional().catch(undefined),
  dev: Text,
  optional: Text,
});
export type PnpmPackage = z.infer<typeof PnpmPackage>;

const DependencyVersions = z.record(z.string(), z.string()).optional().catch(undefined);

/** One value of `snapshots` (lockfile v9): the flag pnpm no longer keeps in `packages`, and the edges of the graph. */
export const PnpmSnapshot = z.object({
  optional: Text,
  dependencies: DependencyVersions,
  optionalDependencies: DependencyVersions,
});
export type PnpmSnapshot = z.infer<typeof PnpmSnapshot>;

const ImporterDependencies = z
  .record(z.string(), z.object({ version: z.string() }).nullable().catch(null))
  .optional()
  .catch(undefined);

/** One value of `importers` (lockfile v9): a workspace project and the versions it resolved. */
export const PnpmImporter = z.object({
  dependencies: ImporterDependencies,
  optionalDependencies: ImporterDependencies,
  devDependencies: ImporterDependencies,
});
export type PnpmImporter = z.infer<typeof PnpmImporter>;
