/** The graph of a run and one package of it. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiFailure, errorResponses, jsonResponse, RUN_PARAMETER, type Api } from '../api.js';
import { GraphSchema, PackageSchema } from '../schemas.js';

const graph = createRoute({
  method: 'get',
  path: '/api/runs/{run}/graph',
  summary: "The run's graph: every package with vulnerable, severity and concern rank; every edge with its kind",
  request: { params: z.object({ run: RUN_PARAMETER }) },
  responses: { ...jsonResponse(GraphSchema, 'the graph'), ...errorResponses(400, 404) },
});

const PURL_PARAMETER = z
  .string()
  .min(5)
  .max(2048)
  .regex(/^pkg:[A-Za-z][A-Za-z0-9.+-]*\/\S+$/, 'a package URL (pkg:type/name@version), URL-encoded')
  .openapi({ param: { name: 'purl', in: 'path' }, description: 'the package URL, URL-encoded (encodeURIComponent)', example: 'pkg%3Apypi%2Fjupyter-server%402.14.0' });

const packageRoute = createRoute({
  method: 'get',
  path: '/api/runs/{run}/packages/{purl}',
  summary: 'One package of the run: versions in the graph, signals, findings, concern, repository and its posture, paths from the roots, dependents and dependencies',
  request: { params: z.object({ run: RUN_PARAMETER, purl: PURL_PARAMETER }) },
  responses: { ...jsonResponse(PackageSchema, 'the package'), ...errorResponses(400, 404) },
});

export function registerGraphRoutes(app: OpenAPIHono, api: Api): void {
  app.openapi(graph, (c) => {
    const run = api.run(c.req.valid('param').run);
    return api.send(c, `graph\u0000${String(run)}`, (history) => (run instanceof ApiFailure ? run : api.views.graphView(history, run))) as never;
  });
  app.openapi(packageRoute, (c) => {
    const { run: text, purl } = c.req.valid('param');
    const run = api.run(text);
    return api.send(c, `package\u0000${String(run)}\u0000${purl}`, (history) => {
      if (run instanceof ApiFailure) return run;
      let detail = api.views.packageDetail(history, run, purl);
      // An npm scope written with `@` rather than the package URL's own `%40`.
      if (detail === 'no-package' && /^pkg:npm\/@/.test(purl)) detail = api.views.packageDetail(history, run, purl.replace('pkg:npm/@', 'pkg:npm/%40'));
      if (detail === 'no-run') return new ApiFailure('not-found', `no run ${run} in the history`);
      if (detail === 'no-package') return new ApiFailure('not-found', `no package ${purl} in the graph of run ${run}`);
      return detail;
    }) as never;
  });
}
