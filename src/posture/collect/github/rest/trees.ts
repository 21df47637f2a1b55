/**
 * The default branch's tree (every path, with blob ids and sizes) through
 * REST `git/trees/{tree}?recursive=1`, once per tree id: kept in the objects
 * cache by id, never revalidated (a tree id names its content).
 */
import { z } from 'zod';
import { known, unavailable, type Fact } from '../../../types.js';
import type { GitObjects } from '../objects.js';
import type { GithubTransport } from '../transport.js';
import type { RestClient } from './requests.js';

export interface TreeListing {
  truncated: boolean;
  /** [path, blob oid, size] of every blob. */
  entries: [string, string, number][];
}

const TreeSchema = z.object({
  truncated: z.boolean().default(false),
  tree: z.array(z.object({ path: z.string(), type: z.string(), sha: z.string(), size: z.number().optional() }).nullable()).default([]),
});

export async function readTree(
  { rest, objects, transport }: { rest: RestClient; objects: GitObjects; transport: GithubTransport },
  owner: string,
  name: string,
  treeOid: string,
): Promise<Fact<TreeListing>> {
  const stored = objects.get('tree', treeOid);
  if (stored !== null) {
    transport.stats.treesFromCache++;
    return known(JSON.parse(stored) as TreeListing);
  }
  const outcome = await rest.get(
    `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/git/trees/${treeOid}?recursive=1`,
    (data): TreeListing | null => {
      const parsed = TreeSchema.safeParse(data);
      if (!parsed.success) return null;
      const entries: [string, string, number][] = [];
      for (const entry of parsed.data.tree) if (entry && entry.type === 'blob') entries.push([entry.path, entry.sha, entry.size ?? 0]);
      return { truncated: parsed.data.truncated, entries };
    },
    // Kept by tree id in the objects table instead: a tree id names its content.
    { revalidate: false },
  );
  if (outcome.kind === 'absent') return unavailable(`GitHub answered ${outcome.status} for the tree${outcome.message ? ` (${outcome.message})` : ''}`);
  if (!outcome.value) return unavailable('GitHub answered the tree in an unexpected shape');
  objects.put('tree', [{ oid: treeOid, content: JSON.stringify(outcome.value) }]);
  return known(outcome.value);
}
