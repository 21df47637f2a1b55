/**
 * One GraphQL query through the transport: the envelope validated, errors
 * kept beside the data (GitHub answers partly: a refused field is null with
 * an error naming its path), the points GitHub says it spent counted.
 */
import { HostError } from '../../../../core/errors.js';
import type { GithubTransport } from '../transport.js';
import { GraphqlEnvelopeSchema, GraphqlErrorSchema, RateLimitSchema, type GraphqlError } from './queries.js';

export interface GraphqlAnswer {
  data: Record<string, unknown>;
  errors: GraphqlError[];
}

export type GraphqlRequest = (query: string, variables: Record<string, unknown>, what: string) => Promise<GraphqlAnswer>;

export function createGraphqlRequest(transport: GithubTransport): GraphqlRequest {
  return async (query, variables, what) => {
    let response;
    try {
      const lane = transport.lane();
      response = await lane.octokit.request({ method: 'POST', url: transport.graphqlUrl, query, variables, request: { signal: lane.signal } });
    } catch (error) {
      throw transport.hostError(error, `GraphQL ${what}`);
    }
    const envelope = GraphqlEnvelopeSchema.safeParse(response.data);
    if (!envelope.success) throw new HostError('github', `GraphQL ${what}: the answer is not a GraphQL response`, { status: response.status });
    const errors = (envelope.data.errors ?? []).map((entry) => {
      const parsed = GraphqlErrorSchema.safeParse(entry);
      return parsed.success ? { ...parsed.data, message: transport.scrub(parsed.data.message) } : { message: 'unreadable GraphQL error' };
    });
    const data = envelope.data.data;
    if (!data) throw new HostError('github', `GraphQL ${what}: ${errors.map((entry) => entry.message).join('; ') || 'no data'}`, { status: response.status });
    const rateLimit = RateLimitSchema.safeParse(data.rateLimit);
    if (rateLimit.success) transport.stats.graphqlPoints += rateLimit.data.cost;
    return { data, errors };
  };
}

/** The error GitHub gave for the field at `path` (or under it), if any. */
export function errorAt(errors: readonly GraphqlError[], ...path: (string | number)[]): GraphqlError | undefined {
  return errors.find((entry) => entry.path !== undefined && path.every((segment, index) => entry.path![index] === segment));
}
