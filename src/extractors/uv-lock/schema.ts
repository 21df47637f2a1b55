import { z } from 'zod';

/** `source = { ... }` of a uv.lock package: exactly one of these keys is set. */
export const UvSource = z.object({
  registry: z.string().optional().catch(undefined),
  git: z.string().optional().catch(undefined),
  url: z.string().optional().catch(undefined),
  path: z.string().optional().catch(undefined),
  directory: z.string().optional().catch(undefined),
  editable: z.string().optional().catch(undefined),
  virtual: z.string().optional().catch(undefined),
});
export type UvSource = z.infer<typeof UvSource>;

/** An edge `{ name = "...", version = "...", extra = [...] }`; `version` is only written when a name is locked twice. */
export const UvDependency = z.object({
  name: z.string(),
  version: z.string().optional().catch(undefined),
  extra: z.array(z.string()).optional().catch(undefined),
});
export type UvDependency = z.infer<typeof UvDependency>;

/** A list of edges that drops malformed items instead of rejecting the whole package. */
const UvDependencyList = z
  .array(z.unknown())
  .transform((items) => items.flatMap((item) => {
    const parsed = UvDependency.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  }))
  .optional()
  .catch(undefined);

const UvDependencyGroups = z.record(z.string(), UvDependencyList).optional().catch(undefined);

/** One `[[package]]` entry of a uv.lock. */
export const UvPackage = z.object({
  name: z.string().min(1),
  version: z.string().optional(),
  source: UvSource.optional().catch(undefined),
  dependencies: UvDependencyList,
  'optional-dependencies': UvDependencyGroups,
  'dev-dependencies': UvDependencyGroups,
});
export type UvPackage = z.infer<typeof UvPackage>;
