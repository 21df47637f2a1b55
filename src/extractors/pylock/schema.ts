import { z } from 'zod';

/** `packages.vcs` (PEP 751): a source tree from a version control system. */
export const PylockVcs = z.object({
  type: z.string(),
  url: z.string().optional().catch(undefined),
  path: z.string().optional().catch(undefined),
  'commit-id': z.string().optional().catch(undefined),
});

/** `packages.directory` (PEP 751): a local source tree. */
export const PylockDirectory = z.object({
  path: z.string(),
  editable: z.boolean().optional().catch(undefined),
});

/** `packages.archive` (PEP 751): a direct reference to an archive by URL or path. */
export const PylockArchive = z.object({
  url: z.string().optional().catch(undefined),
  path: z.string().optional().catch(undefined),
});

/** One `[[packages]]` entry of a pylock.toml: only the fields chainwatch reads. */
export const PylockPackage = z.object({
  name: z.string().min(1),
  version: z.string().optional(),
  vcs: PylockVcs.optional().catch(undefined),
  directory: PylockDirectory.optional().catch(undefined),
  archive: PylockArchive.optional().catch(undefined),
});
export type PylockPackage = z.infer<typeof PylockPackage>;
