import { z } from 'zod';

/** `[package.source]` of a poetry.lock entry: only the fields chainwatch reads. */
export const PoetryPackageSource = z.object({
  type: z.string(),
  url: z.string().optional().catch(undefined),
  reference: z.string().optional().catch(undefined),
  resolved_reference: z.string().optional().catch(undefined),
});

/** One `[[package]]` entry of a poetry.lock (1.x with `category`, 2.x with `groups`). */
export const PoetryPackage = z.object({
  name: z.string().min(1),
  version: z.string().optional(),
  category: z.string().optional().catch(undefined),
  groups: z.array(z.string()).optional().catch(undefined),
  optional: z.boolean().optional().catch(undefined),
  source: PoetryPackageSource.optional().catch(undefined),
});
export type PoetryPackage = z.infer<typeof PoetryPackage>;
