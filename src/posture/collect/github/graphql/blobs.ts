/**
 * File texts by blob id through GraphQL `object(oid:)`, up to 100 blobs and
 * 2 MB a query, each blob once (the objects cache keeps them by id). Binary
 * and truncated blobs are left out.
 */
import type { GitObjects } from '../objects.js';
import type { GithubTransport } from '../transport.js';
import { BlobNodeSchema, blobsQuery, type BlobRequest } from './queries.js';
import type { GraphqlRequest } from './request.js';

/** Blobs per GraphQL query, and their summed size. */
const BLOBS_PER_QUERY = 100;
const BLOB_BYTES_PER_QUERY = 2 * 1024 * 1024;

export type SizedBlobRequest = BlobRequest & { size: number };

/** Fetches the blobs not already kept; afterwards each one's text is in `objects` (unless binary or truncated). */
export async function fetchBlobs(
  { graphql, objects, transport }: { graphql: GraphqlRequest; objects: GitObjects; transport: GithubTransport },
  requests: readonly SizedBlobRequest[],
): Promise<void> {
  const wanted = new Map<string, SizedBlobRequest>();
  for (const request of requests) {
    if (wanted.has(request.oid)) continue;
    if (objects.get('blob', request.oid) !== null) {
      transport.stats.blobsFromCache++;
      continue;
    }
    wanted.set(request.oid, request);
  }
  let batch: SizedBlobRequest[] = [];
  let batchBytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const { query, aliases } = blobsQuery(batch);
    batch = [];
    batchBytes = 0;
    const { data } = await graphql(query, {}, 'file contents');
    const found: { oid: string; content: string }[] = [];
    for (const [alias] of aliases) {
      const [repositoryAlias, blobAlias] = alias.split('.') as [string, string];
      const node = BlobNodeSchema.safeParse((data[repositoryAlias] as Record<string, unknown> | null | undefined)?.[blobAlias] ?? null);
      if (!node.success || !node.data || node.data.text === null || node.data.isBinary || node.data.isTruncated) continue;
      found.push({ oid: node.data.oid, content: node.data.text });
    }
    transport.stats.blobsFetched += found.length;
    objects.put('blob', found);
  };
  for (const request of wanted.values()) {
    if (batch.length >= BLOBS_PER_QUERY || (batch.length > 0 && batchBytes + request.size > BLOB_BYTES_PER_QUERY)) await flush();
    batch.push(request);
    batchBytes += request.size;
  }
  await flush();
}
