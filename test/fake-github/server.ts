/**
 * A local fake of the GitHub API: a real HTTP server on 127.0.0.1 (random
 * port) serving the REST operations and the GraphQL endpoint the posture
 * collector uses, from the model in model.ts. It behaves as GitHub documents:
 * pagination with Link headers, ETags and free 304s, primary rate limits per
 * token (`x-ratelimit-*`, 403 when exhausted), secondary rate limits (403/429
 * with `retry-after`) on demand, 404 for features that are off, 409 for the
 * tree of an empty repository. server.test.ts validates every REST answer
 * against GitHub's OpenAPI description.
 */
import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runGraphql } from './graphql.js';
import { isEmptyRepo, sha1, treeOid, type FakeAlert, type FakeOrg, type FakeRepo } from './model.js';
import { registerAdvisoryRoutes, type FakeAdvisoryPatch, type FakeIssueComment } from './security-advisories.js';

export interface FakeGithubOptions {
  orgs: FakeOrg[];
  /** Tokens the server accepts (token → login). Left out: any token is accepted. A request without one is anonymous. */
  tokens?: Record<string, string>;
  /** REST requests per hour per token (default 5,000; anonymous 60). */
  restLimit?: number;
  /** GraphQL points per hour per token (default 5,000). */
  graphqlLimit?: number;
  /** Milliseconds since the epoch (default Date.now): rate-limit windows and reset times. */
  now?: () => number;
  /** Keep every REST answer in `served` (for OpenAPI validation). */
  record?: boolean;
  /** Logins that exist beside the tokens' and the organisations' (advisory collaborators must exist). */
  users?: string[];
  /** A GitHub App the server issues installation tokens for (JWT checked against the public key). */
  app?: { appId: number; installationId: number; publicKeyPem: string; installationToken: string };
}

export interface ServedResponse {
  method: string;
  /** The OpenAPI path template (`/repos/{owner}/{repo}/...`) or `/graphql`. */
  template: string;
  url: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * - `secondary-403`/`secondary-429`: a secondary rate limit with `retry-after`;
 * - `server-error`: 502;
 * - `no-answer`: the connection is accepted and nothing is ever sent (until close());
 * - `stalled-body`: 200 and the headers, then the first bytes of the body, and nothing more;
 * - `self-link` (REST lists): the Link header's `next` points to the page just served;
 * - `repeat-cursor` (GraphQL): every connection named `connection` says it has a next page whose cursor is the `after` it was asked with.
 */
export type FaultKind = 'secondary-403' | 'secondary-429' | 'server-error' | 'no-answer' | 'stalled-body' | 'self-link' | 'repeat-cursor';

export interface Fault {
  method?: string;
  /** Matched against the request path (with query). */
  path?: RegExp;
  kind: FaultKind;
  /** How many matching requests fail (default 1; Infinity: all of them). */
  times?: number;
  /** `retry-after` for secondary limits (default 1). */
  retryAfterSeconds?: number;
  /** `repeat-cursor`: the GraphQL connection field (`repositories`, `membersWithRole`) under `organization`. */
  connection?: string;
}

export interface FakeGithubStats {
  /** Every HTTP request received. */
  requests: number;
  rest: number;
  graphql: number;
  /** Answered 304 (free). */
  notModified: number;
  /** REST requests that counted against a primary rate limit. */
  restCharged: number;
  graphqlPoints: number;
  /** 403/429 rate-limit answers (primary and secondary). */
  rateLimited: number;
  /** Requests per `METHOD template`. */
  byRoute: Record<string, number>;
}

export interface FakeGithub {
  /** Base URL, e.g. `http://127.0.0.1:43123` (REST at the root, GraphQL at `/graphql`). */
  url: string;
  stats: FakeGithubStats;
  served: ServedResponse[];
  resetStats(): void;
  injectFault(fault: Fault): void;
  /** Forgets every injected fault, used up or not. */
  resetFaults(): void;
  /** Requests received and not yet answered or given up by the client (a `no-answer` fault keeps them open). */
  openRequests(): number;
  /**
   * Uses up a token's budget: for `core` (default) the next counted REST request gets 403 with `x-ratelimit-remaining: 0`,
   * for `graphql` the next query a `RATE_LIMITED` error; until `resetInSeconds` pass or resetRateLimits().
   */
  exhaustRateLimit(token: string | null, resetInSeconds: number, resource?: 'core' | 'graphql'): void;
  resetRateLimits(): void;
  org(login: string): FakeOrg | undefined;
  /** Every issue comment posted, oldest first. */
  issueComments: FakeIssueComment[];
  /** Every advisory PATCH that was applied, oldest first. */
  advisoryPatches: FakeAdvisoryPatch[];
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Pagination: the Link header's relations. */
  links?: Record<string, string>;
}

interface Budget {
  limit: number;
  used: number;
  /** Epoch seconds. */
  reset: number;
}

type Handler = (context: { params: Record<string, string>; query: URLSearchParams; body: unknown; identity: string | null; authorization: string | null }) => Answer;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

const DOCS = 'https://docs.github.com/rest';

function error(status: number, message: string, documentation = DOCS): Answer {
  return { status, body: { message, documentation_url: documentation, status: String(status) } };
}

export async function startFakeGithub(options: FakeGithubOptions): Promise<FakeGithub> {
  const now = options.now ?? Date.now;
  const orgs = new Map(options.orgs.map((org) => [org.login.toLowerCase(), org]));
  const findRepo = (owner: string, name: string): FakeRepo | undefined => orgs.get(owner.toLowerCase())?.repo(name);
  const served: ServedResponse[] = [];
  const faults: (Fault & { left: number })[] = [];
  const budgets = new Map<string, Budget>();
  const stats = emptyStats();
  let base = '';

  function budgetFor(key: string, limit: number): Budget {
    const seconds = Math.floor(now() / 1000);
    let budget = budgets.get(key);
    if (!budget || seconds >= budget.reset) {
      budget = { limit, used: 0, reset: seconds + 3600 };
      budgets.set(key, budget);
    }
    return budget;
  }

  function restBudget(identity: string | null): Budget {
    return budgetFor(`core:${identity ?? 'anonymous'}`, identity === null ? 60 : (options.restLimit ?? 5000));
  }

  function rateHeaders(budget: Budget, resource: string): Record<string, string> {
    return {
      'x-ratelimit-limit': String(budget.limit),
      'x-ratelimit-remaining': String(Math.max(0, budget.limit - budget.used)),
      'x-ratelimit-used': String(budget.used),
      'x-ratelimit-reset': String(budget.reset),
      'x-ratelimit-resource': resource,
    };
  }

  function pageLinks(path: string, query: URLSearchParams, page: number, lastPage: number): Record<string, string> {
    const at = (number: number): string => {
      const next = new URLSearchParams(query);
      next.set('page', String(number));
      return `${base}${path}?${next.toString()}`;
    };
    const links: Record<string, string> = {};
    if (page > 1) {
      links.prev = at(page - 1);
      links.first = at(1);
    }
    if (page < lastPage) {
      links.next = at(page + 1);
      links.last = at(lastPage);
    }
    return links;
  }

  /** Page-number pagination as GitHub does it (`per_page` ≤ 100, default 30). */
  function paged<T>(path: string, query: URLSearchParams, items: readonly T[], toJson: (item: T) => unknown): Answer {
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const lastPage = Math.max(1, Math.ceil(items.length / perPage));
    return { status: 200, body: items.slice((page - 1) * perPage, page * perPage).map(toJson), links: pageLinks(path, query, page, lastPage) };
  }

  const routes: Route[] = [];
  const route = (method: string, template: string, handler: Handler): void => {
    const names: string[] = [];
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      // A git ref keeps its slashes (`tags/v1.0`); every other parameter is one segment.
      return name === 'ref' ? '(.+)' : '([^/]+)';
    });
    routes.push({ method, template, pattern: new RegExp(`^${source}$`), names, handler });
  };

  const withOrg = (login: string, work: (org: FakeOrg) => Answer): Answer => {
    const org = orgs.get(login.toLowerCase());
    return org ? work(org) : error(404, 'Not Found');
  };
  const withRepo = (owner: string, name: string, work: (repo: FakeRepo) => Answer): Answer => {
    const repo = findRepo(owner, name);
    return repo ? work(repo) : error(404, 'Not Found');
  };

  route('GET', '/orgs/{org}/actions/permissions/workflow', ({ params }) =>
    withOrg(params.org!, (org) =>
      org.defaultWorkflowPermissions === 'no-access'
        ? error(403, 'You must be an org admin or have the Actions policies fine-grained permission.')
        : { status: 200, body: { default_workflow_permissions: org.defaultWorkflowPermissions, can_approve_pull_request_reviews: false } },
    ),
  );

  route('GET', '/orgs/{org}/outside_collaborators', ({ params, query }) =>
    withOrg(params.org!, (org) =>
      org.outsideCollaborators === 'no-access'
        ? error(403, 'You must be an admin to list outside collaborators.')
        : paged(`/orgs/${org.login}/outside_collaborators`, query, org.outsideCollaborators, (login) => simpleUser(base, login, Number.parseInt(sha1(login).slice(0, 7), 16))),
    ),
  );

  route('GET', '/orgs/{org}/members', ({ params, query }) =>
    withOrg(params.org!, (org) => {
      const role = query.get('role') ?? 'all';
      const members = org.members.filter((member) => role === 'all' || member.role.toLowerCase() === role);
      return paged(`/orgs/${org.login}/members`, query, members, (member) => simpleUser(base, member.login, member.databaseId));
    }),
  );

  route('GET', '/repos/{owner}/{repo}/git/trees/{tree_sha}', ({ params, query }) =>
    withRepo(params.owner!, params.repo!, (repo) => {
      if (isEmptyRepo(repo)) return error(409, 'Git Repository is empty.');
      const wanted = params.tree_sha!;
      if (wanted !== treeOid(repo) && wanted !== repo.defaultBranch && wanted !== repo.commits[0]!.sha && wanted !== 'HEAD') return error(404, 'Not Found');
      return { status: 200, body: gitTree(base, repo, query.get('recursive') !== null && query.get('recursive') !== '0' && query.get('recursive') !== 'false') };
    }),
  );

  route('GET', '/repos/{owner}/{repo}/git/ref/{ref}', ({ params }) =>
    withRepo(params.owner!, params.repo!, (repo) => {
      const ref = params.ref!;
      const tag = ref.startsWith('tags/') ? repo.releases.find((release) => release.tag === ref.slice(5)) : undefined;
      const sha = ref === `heads/${repo.defaultBranch}` && !isEmptyRepo(repo) ? repo.commits[0]!.sha : tag ? sha1(`${repo.owner}/${repo.name}@${tag.tag}`) : null;
      if (!sha) return error(404, 'Not Found');
      const api = `${base}/repos/${repo.owner}/${repo.name}`;
      return {
        status: 200,
        body: { ref: `refs/${ref}`, node_id: Buffer.from(`Ref:${ref}`).toString('base64'), url: `${api}/git/refs/${ref}`, object: { type: 'commit', sha, url: `${api}/git/commits/${sha}` } },
      };
    }),
  );

  route('GET', '/repos/{owner}/{repo}/private-vulnerability-reporting', ({ params }) =>
    withRepo(params.owner!, params.repo!, (repo) =>
      repo.privateVulnerabilityReporting === 'not-found' ? error(404, 'Not Found') : { status: 200, body: { enabled: repo.privateVulnerabilityReporting } },
    ),
  );

  route('GET', '/repos/{owner}/{repo}/dependabot/alerts', ({ params, query }) =>
    withRepo(params.owner!, params.repo!, (repo) => {
      const alerts = repo.dependabotAlerts;
      if (alerts.state === 'disabled') return error(403, 'Dependabot alerts are disabled for this repository.', 'https://docs.github.com/rest/dependabot/alerts#list-dependabot-alerts-for-a-repository');
      if (alerts.state === 'no-access') return error(404, 'Not Found');
      const states = (query.get('state') ?? 'auto_dismissed,dismissed,fixed,open').split(',');
      const listed = states.includes('open') ? alerts.open : [];
      // Cursor pagination (`after`), as this endpoint has it.
      const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
      const start = query.get('after') ? Number(Buffer.from(query.get('after')!, 'base64').toString('utf8')) : 0;
      const page = listed.slice(start, start + perPage);
      const links: Record<string, string> = {};
      if (start + perPage < listed.length) {
        const next = new URLSearchParams(query);
        next.set('after', Buffer.from(String(start + perPage)).toString('base64'));
        links.next = `${base}/repos/${repo.owner}/${repo.name}/dependabot/alerts?${next.toString()}`;
      }
      return { status: 200, body: page.map((alert) => dependabotAlert(base, repo, alert)), links };
    }),
  );

  route('GET', '/repos/{owner}/{repo}/actions/secrets', ({ params, query }) =>
    withRepo(params.owner!, params.repo!, (repo) => {
      if (repo.secrets === 'no-access') return error(403, 'Resource not accessible by integration');
      const secrets = repo.secrets;
      const answer = paged(`/repos/${repo.owner}/${repo.name}/actions/secrets`, query, secrets, (name) => ({ name, created_at: '2024-02-01T10:00:00Z', updated_at: '2025-06-01T10:00:00Z' }));
      return { ...answer, body: { total_count: secrets.length, secrets: answer.body } };
    }),
  );

  const written = registerAdvisoryRoutes({
    route,
    base: () => base,
    org: (login) => orgs.get(login.toLowerCase()),
    now,
    tokenLogins: [...Object.values(options.tokens ?? {}), ...(options.users ?? [])],
    error,
    simpleUser,
  });

  let appKey: KeyObject | null = null;
  route('POST', '/app/installations/{installation_id}/access_tokens', ({ params, authorization }) => {
    const app = options.app;
    if (!app) return error(404, 'Not Found');
    appKey ??= createPublicKey(app.publicKeyPem);
    const jwt = /^bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
    if (!jwt || !validAppJwt(jwt, appKey, app.appId, now())) return error(401, 'A JSON web token could not be decoded');
    if (Number(params.installation_id) !== app.installationId) return error(404, 'Not Found');
    return {
      status: 201,
      body: {
        token: app.installationToken,
        expires_at: new Date(now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        permissions: { administration: 'read', contents: 'read', metadata: 'read', members: 'read', secrets: 'read', vulnerability_alerts: 'read' },
        repository_selection: 'all',
      },
    };
  });

  /** Faults that replace the answer (the rewriting ones, `self-link` and `repeat-cursor`, are applied to answers instead). */
  function takeFault(method: string, path: string): Fault | null {
    for (const fault of faults) {
      if (fault.left <= 0 || fault.kind === 'self-link' || fault.kind === 'repeat-cursor') continue;
      if (fault.method && fault.method !== method) continue;
      if (fault.path && !fault.path.test(path)) continue;
      fault.left--;
      return fault;
    }
    return null;
  }

  function takeRewrite(kind: 'self-link' | 'repeat-cursor', method: string, path: string, applies: (fault: Fault) => boolean): Fault | null {
    for (const fault of faults) {
      if (fault.left <= 0 || fault.kind !== kind) continue;
      if (fault.method && fault.method !== method) continue;
      if (fault.path && !fault.path.test(path)) continue;
      if (!applies(fault)) continue;
      fault.left--;
      return fault;
    }
    return null;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    stats.requests++;
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', base);
    const authorization = request.headers.authorization ?? null;
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(authorization ?? '')?.[1] ?? null;
    const body = method === 'POST' || method === 'PATCH' || method === 'PUT' ? await readJson(request) : undefined;
    const send = (template: string, answer: Answer, extraHeaders: Record<string, string> = {}): void => {
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'x-github-media-type': 'github.v3; format=json',
        'x-github-api-version-selected': '2022-11-28',
        'x-github-request-id': sha1(`${stats.requests}`).slice(0, 16).toUpperCase(),
        ...extraHeaders,
        ...answer.headers,
      };
      if (answer.links && Object.keys(answer.links).length > 0) headers.link = Object.entries(answer.links).map(([rel, target]) => `<${target}>; rel="${rel}"`).join(', ');
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      if (options.record && template !== '/graphql') served.push({ method, template, url: url.pathname + url.search, status: answer.status, headers, body: answer.body });
      if (answer.status === 304) {
        delete headers['content-type'];
        response.writeHead(304, headers);
        response.end();
        return;
      }
      response.writeHead(answer.status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
      response.end(text);
    };

    // The app's own token requests use the app JWT, not an installation token.
    const isAppRoute = url.pathname.startsWith('/app/');
    const identity = isAppRoute ? null : token === null ? null : options.tokens ? (options.tokens[token] ?? undefined) : `token-${sha1(token).slice(0, 12)}`;
    if (identity === undefined) {
      const template = url.pathname === '/graphql' ? '/graphql' : (matchRoute(routes, method, url.pathname)?.route.template ?? 'unknown');
      send(template, error(401, 'Bad credentials'));
      return;
    }

    if (url.pathname === '/graphql' && method === 'POST') {
      stats.graphql++;
      stats.byRoute['POST /graphql'] = (stats.byRoute['POST /graphql'] ?? 0) + 1;
      const fault = takeFault(method, url.pathname);
      if (fault) {
        sendFault(fault, response, (answer, headers) => send('/graphql', answer, headers));
        return;
      }
      const graphqlBudget = budgetFor(`graphql:${identity ?? 'anonymous'}`, identity === null ? 0 : (options.graphqlLimit ?? 5000));
      if (identity === null) {
        send('/graphql', error(401, 'This endpoint requires you to be authenticated.', 'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql'));
        return;
      }
      const request = body as { query?: unknown; variables?: unknown; operationName?: unknown } | undefined;
      if (!request || typeof request.query !== 'string') {
        send('/graphql', error(400, 'Problems parsing JSON'));
        return;
      }
      const answer = runGraphql(
        { org: (login) => orgs.get(login.toLowerCase()), repo: findRepo },
        {
          query: request.query,
          variables: (request.variables ?? {}) as Record<string, unknown>,
          ...(typeof request.operationName === 'string' ? { operationName: request.operationName } : {}),
        },
        (cost) => {
          const allowed = graphqlBudget.used + cost <= graphqlBudget.limit;
          if (allowed) graphqlBudget.used += cost;
          return { allowed, limit: graphqlBudget.limit, remaining: graphqlBudget.limit - graphqlBudget.used, used: graphqlBudget.used, resetAt: new Date(graphqlBudget.reset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
        },
      );
      stats.graphqlPoints += answer.cost;
      const organization = (answer.body.data as { organization?: Record<string, { pageInfo?: unknown } | null> | null } | undefined)?.organization;
      takeRewrite('repeat-cursor', method, url.pathname, (fault) => {
        const connection = organization?.[fault.connection ?? 'repositories'];
        if (!connection?.pageInfo) return false;
        // From the second page on: the first page's cursor is a real one, the next page names it again.
        const after = (request.variables as { after?: unknown } | undefined)?.after;
        if (typeof after !== 'string') return false;
        connection.pageInfo = { hasNextPage: true, endCursor: after };
        return true;
      });
      if ((answer.body.errors as { type?: string }[] | undefined)?.some((entry) => entry.type === 'RATE_LIMITED')) stats.rateLimited++;
      send('/graphql', { status: 200, body: answer.body }, rateHeaders(graphqlBudget, 'graphql'));
      return;
    }

    stats.rest++;
    const matched = matchRoute(routes, method, url.pathname);
    if (!matched) {
      send('unknown', error(404, 'Not Found'));
      return;
    }
    const routeKey = `${method} ${matched.route.template}`;
    stats.byRoute[routeKey] = (stats.byRoute[routeKey] ?? 0) + 1;
    const fault = takeFault(method, url.pathname + url.search);
    if (fault) {
      sendFault(fault, response, (answer, headers) => send(matched.route.template, answer, headers));
      return;
    }
    if (isAppRoute) {
      send(matched.route.template, matched.route.handler({ params: matched.params, query: url.searchParams, body, identity, authorization }));
      return;
    }
    const budget = restBudget(identity);
    if (budget.used >= budget.limit) {
      stats.rateLimited++;
      send(
        matched.route.template,
        error(403, `API rate limit exceeded for ${identity ?? '127.0.0.1'}. (But here's the good news: Authenticated requests get a higher rate limit.)`, 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api'),
        rateHeaders(budget, 'core'),
      );
      return;
    }
    const answer = matched.route.handler({ params: matched.params, query: url.searchParams, body, identity, authorization });
    if (answer.status === 200 && takeRewrite('self-link', method, url.pathname + url.search, () => true)) answer.links = { ...answer.links, next: `${base}${url.pathname}${url.search}` };
    if (method === 'GET' && answer.status === 200) {
      const etag = `W/"${sha1(`${identity ?? ''}\n${JSON.stringify(answer.body)}`)}"`;
      const ifNoneMatch = request.headers['if-none-match'];
      if (ifNoneMatch && ifNoneMatch.split(/\s*,\s*/).includes(etag)) {
        // A conditional request answered 304 is free for an authenticated client.
        stats.notModified++;
        if (identity === null) budget.used++;
        send(matched.route.template, { status: 304, links: answer.links }, { ...rateHeaders(budget, 'core'), etag, 'cache-control': 'private, max-age=60, s-maxage=60', vary: 'Accept, Authorization, Cookie, X-GitHub-OTP' });
        return;
      }
      budget.used++;
      stats.restCharged++;
      send(matched.route.template, answer, { ...rateHeaders(budget, 'core'), etag, 'cache-control': 'private, max-age=60, s-maxage=60', vary: 'Accept, Authorization, Cookie, X-GitHub-OTP' });
      return;
    }
    budget.used++;
    stats.restCharged++;
    send(matched.route.template, answer, rateHeaders(budget, 'core'));
  }

  function sendFault(fault: Fault, response: ServerResponse, send: (answer: Answer, headers: Record<string, string>) => void): void {
    // Nothing is sent: the request waits until the client gives up or close() ends the connection.
    if (fault.kind === 'no-answer') return;
    if (fault.kind === 'stalled-body') {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': '1000' });
      response.write('{"data": {');
      return;
    }
    if (fault.kind === 'server-error') {
      send({ status: 502, body: { message: 'Server Error' } }, {});
      return;
    }
    stats.rateLimited++;
    const status = fault.kind === 'secondary-429' ? 429 : 403;
    send(
      error(status, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000.', 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits'),
      { 'retry-after': String(fault.retryAfterSeconds ?? 1) },
    );
  }

  let open = 0;
  const server: Server = createServer((request, response) => {
    open++;
    response.once('close', () => open--);
    handle(request, response).catch((failure: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: `fake GitHub failed: ${(failure as Error).message}` }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    stats,
    served,
    resetStats() {
      Object.assign(stats, emptyStats());
    },
    injectFault(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    resetFaults() {
      faults.length = 0;
    },
    openRequests: () => open,
    exhaustRateLimit(token, resetInSeconds, resource = 'core') {
      const identity = token === null ? null : options.tokens ? (options.tokens[token] ?? null) : `token-${sha1(token).slice(0, 12)}`;
      const budget = resource === 'core' ? restBudget(identity) : budgetFor(`graphql:${identity ?? 'anonymous'}`, identity === null ? 0 : (options.graphqlLimit ?? 5000));
      budget.used = budget.limit;
      budget.reset = Math.floor(now() / 1000) + resetInSeconds;
    },
    resetRateLimits() {
      budgets.clear();
    },
    org: (login) => orgs.get(login.toLowerCase()),
    issueComments: written.issueComments,
    advisoryPatches: written.advisoryPatches,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((failure) => (failure ? reject(failure) : resolve()));
      }),
  };
}

function emptyStats(): FakeGithubStats {
  return { requests: 0, rest: 0, graphql: 0, notModified: 0, restCharged: 0, graphqlPoints: 0, rateLimited: 0, byRoute: {} };
}

function matchRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, index) => (params[name] = decodeURIComponent(match[index + 1]!)));
    return { route, params };
  }
  return null;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** RS256 JWT as GitHub Apps send it: `iss` is the app id, `exp` in the future (at most 10 minutes). */
function validAppJwt(jwt: string, key: KeyObject, appId: number, nowMs: number): boolean {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return false;
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(key, Buffer.from(signature, 'base64url'))) return false;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: unknown };
  const seconds = nowMs / 1000;
  return String(claims.iss) === String(appId) && typeof claims.exp === 'number' && claims.exp > seconds && claims.exp <= seconds + 660;
}

function simpleUser(base: string, login: string, id: number): Record<string, unknown> {
  const api = `${base}/users/${login}`;
  return {
    login,
    id,
    node_id: Buffer.from(`User:${id}`).toString('base64'),
    avatar_url: `https://avatars.github.test/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `https://github.test/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: 'User',
    site_admin: false,
    user_view_type: 'public',
  };
}

function gitTree(base: string, repo: FakeRepo, recursive: boolean): Record<string, unknown> {
  const api = `${base}/repos/${repo.owner}/${repo.name}/git`;
  const directories = new Set<string>();
  for (const file of repo.files) {
    const parts = file.path.split('/');
    for (let depth = 1; depth < parts.length; depth++) directories.add(parts.slice(0, depth).join('/'));
  }
  const entries: { path: string; mode: string; type: string; sha: string; size?: number; url: string }[] = [];
  for (const directory of directories) {
    if (!recursive && directory.includes('/')) continue;
    const sha = sha1(`${treeOid(repo)}:${directory}`);
    entries.push({ path: directory, mode: '040000', type: 'tree', sha, url: `${api}/trees/${sha}` });
  }
  for (const file of repo.files) {
    if (!recursive && file.path.includes('/')) continue;
    entries.push({ path: file.path, mode: '100644', type: 'blob', sha: file.oid, size: file.size, url: `${api}/blobs/${file.oid}` });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const sha = treeOid(repo);
  return { sha, url: `${api}/trees/${sha}`, truncated: false, tree: entries };
}

function dependabotAlert(base: string, repo: FakeRepo, alert: FakeAlert): Record<string, unknown> {
  const api = `${base}/repos/${repo.owner}/${repo.name}`;
  const vulnerability = {
    package: { ecosystem: alert.ecosystem, name: alert.packageName },
    severity: alert.severity,
    vulnerable_version_range: '< 2.0.0',
    first_patched_version: { identifier: '2.0.0' },
  };
  return {
    number: alert.number,
    state: 'open',
    dependency: { package: { ecosystem: alert.ecosystem, name: alert.packageName }, manifest_path: alert.manifestPath, scope: 'runtime', relationship: 'direct' },
    security_advisory: {
      ghsa_id: alert.ghsaId,
      cve_id: null,
      summary: alert.summary,
      description: `${alert.summary}.`,
      vulnerabilities: [vulnerability],
      severity: alert.severity,
      cvss: { vector_string: null, score: 0 },
      cvss_severities: null,
      epss: null,
      cwes: [],
      identifiers: [{ type: 'GHSA', value: alert.ghsaId }],
      references: [{ url: `https://github.test/advisories/${alert.ghsaId}` }],
      published_at: alert.createdAt,
      updated_at: alert.createdAt,
      withdrawn_at: null,
    },
    security_vulnerability: vulnerability,
    url: `${api}/dependabot/alerts/${alert.number}`,
    html_url: `https://github.test/${repo.owner}/${repo.name}/security/dependabot/${alert.number}`,
    created_at: alert.createdAt,
    updated_at: alert.createdAt,
    dismissed_at: null,
    dismissed_by: null,
    dismissed_reason: null,
    dismissed_comment: null,
    fixed_at: null,
    auto_dismissed_at: null,
  };
}
