import { z } from 'zod';

/** One `[[package]]` entry of a pdm.lock (lock_version 4.x): only the fields chainwatch reads. */
export const PdmPackage = z.object({
  name: z.string().min(1),
  version: z.string().optional(),
  groups: z.array(z.string()).optional().catch(undefined),
  git: z.string().optional().catch(undefined),
  revision: z.string().optional().catch(undefined),
  path: z.string().optional().catch(undefined),
  url: z.string().optional().catch(undefined),
});
export type PdmPackage = z.infer<typeof PdmPackage>;
