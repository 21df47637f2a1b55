/**
 * The dashboard's server: the JSON API over the runs history (read-only,
 * opened once per process), its OpenAPI document, the built UI and the
 * checks' documentation, behind the security model of security.ts. Pure
 * wiring: the views are audit/'s (views.ts), the report is report/'s;
 * `chainwatch serve` (src/cli/commands/serve.ts) listens.
 */
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { loadAuditViews } from '../audit/index.js';
import { TOOL_VERSION } from '../cli/version.js';
import { loadAuditRenderers } from '../report/index.js';
import { loadGraphStore } from '../store/index.js';
import { createApi, errorResponse } from './api.js';
import { registerAdvisoryRoutes } from './routes/advisories.js';
import { registerConcernRoutes } from './routes/concerns.js';
import { registerFindingRoutes } from './routes/findings.js';
import { registerGraphRoutes } from './routes/graph.js';
import { registerPostureRoutes } from './routes/posture.js';
import { registerRunRoutes } from './routes/runs.js';
import { OpenApiSchema } from './schemas.js';
import { createRedactor, requireLocalHost, requireToken, securityHeaders } from './security.js';
import { defaultUiDirectory, uiFiles } from './static.js';
import { createRoute } from '@hono/zod-openapi';

export interface DashboardOptions {
  /** The runs history (SQLite), opened read-only. */
  historyPath: string;
  /** The host the server listens on: without a token, requests must name it or a loopback host. */
  host: string;
  /** The bearer token every API request must carry (CHAINWATCH_SERVE_TOKEN); none on loopback by default. */
  token?: string;
  /** The built UI (default: dist/ui). */
  uiDirectory?: string;
  /** Whose secrets never reach a response (default: process.env). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Told about a request that failed inside the server (the body says only that it failed). */
  onError?: (error: unknown) => void;
}

export interface Dashboard {
  app: OpenAPIHono;
  /** Whether the UI is built (else its pages say to run `npm run build`). */
  uiBuilt: boolean;
  /** Builds the bodies the Overview and the Graph explorer ask first, so the first page opens at once (seconds on a history of 30,000 repositories). */
  warm(): Promise<void>;
  close(): void;
}

/** What the UI's first views ask for. */
const WARM_PATHS = ['/api/profiles', '/api/runs/latest/report', '/api/runs/latest/graph', '/api/runs/latest/concerns?limit=100&offset=0', '/api/runs/latest/findings', '/api/runs/latest/advisories'];

const OPENAPI_INFO = {
  title: 'chainwatch dashboard API',
  version: TOOL_VERSION,
  description:
    'Read-only JSON over the saved runs of `chainwatch audit` (the runs history). Keys are snake_case except keys that are data. Errors are `{"error":{"code","message"}}`. With CHAINWATCH_SERVE_TOKEN set, every request carries `Authorization: Bearer <token>`.',
};

export async function createDashboard(options: DashboardOptions): Promise<Dashboard> {
  const [{ openGraphStore }, views, renderers] = await Promise.all([loadGraphStore(), loadAuditViews(), loadAuditRenderers()]);
  const history = openGraphStore(options.historyPath, { readonly: true });
  const redact = createRedactor({ historyDirectory: path.dirname(path.resolve(options.historyPath)), ...(options.token === undefined ? {} : { token: options.token }), env: options.env ?? process.env, cwd: options.cwd ?? process.cwd() });
  const api = createApi({ history, historyPath: options.historyPath, views, renderers, redact });
  const ui = uiFiles(options.uiDirectory ?? defaultUiDirectory());

  const app = new OpenAPIHono({
    // A path or query the route's schema refuses: 400 with the error shape, naming what was wrong.
    defaultHook: (result, c) => {
      if (result.success) return undefined;
      const issue = result.error.issues[0];
      return errorResponse(c, 'invalid-argument', issue ? `${issue.path.join('.') || 'request'}: ${issue.message}` : 'invalid request');
    },
  });
  app.use('*', securityHeaders);
  if (options.token === undefined) app.use('*', requireLocalHost(options.host, (c) => Promise.resolve(errorResponse(c, 'forbidden-host', 'this server answers only requests to a loopback host name (127.0.0.1, localhost)'))));
  else app.use('/api/*', requireToken(options.token, (c) => Promise.resolve(withChallenge(errorResponse(c, 'unauthorized', 'this server needs its token: send `Authorization: Bearer <token>`')))));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'required when the server was started with CHAINWATCH_SERVE_TOKEN' });

  registerRunRoutes(app, api);
  registerGraphRoutes(app, api);
  registerConcernRoutes(app, api);
  registerFindingRoutes(app, api);
  registerPostureRoutes(app, api);
  registerAdvisoryRoutes(app, api);
  const document = () => app.getOpenAPI31Document({ openapi: '3.1.0', info: OPENAPI_INFO, security: [{}, { bearer: [] }] });
  app.openapi(createRoute({ method: 'get', path: '/api/openapi.json', summary: 'This document (OpenAPI 3.1)', responses: { 200: { description: 'the OpenAPI document', content: { 'application/json': { schema: OpenApiSchema } } } } }), (c) =>
    c.json(document() as never, 200),
  );

  app.get('*', (c) => (isApiPath(c.req.path) ? errorResponse(c, 'not-found', `no such route: GET ${c.req.path}`) : ui.serve(c)));
  app.notFound((c) => (isApiPath(c.req.path) ? errorResponse(c, 'not-found', `no such route: ${c.req.method} ${c.req.path}`) : c.text('Not found\n', 404)));
  app.onError((error, c) => {
    options.onError?.(error);
    return errorResponse(c, 'internal-error', 'the server failed on this request (its log says why)');
  });

  return {
    app,
    uiBuilt: ui.built,
    async warm() {
      const headers: Record<string, string> = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
      for (const target of WARM_PATHS) await app.request(`http://127.0.0.1${target}`, { headers });
    },
    close: () => history.close(),
  };
}

function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}

function withChallenge(response: Response): Response {
  response.headers.set('WWW-Authenticate', 'Bearer realm="chainwatch"');
  return response;
}
