import { z } from 'zod';

/** One package entry of a Pipfile.lock section: only the fields chainwatch reads. */
export const PipfileLockEntry = z.object({
  version: z.string().optional().catch(undefined),
  git: z.string().optional().catch(undefined),
  ref: z.string().optional().catch(undefined),
  path: z.string().optional().catch(undefined),
  file: z.string().optional().catch(undefined),
});
export type PipfileLockEntry = z.infer<typeof PipfileLockEntry>;
