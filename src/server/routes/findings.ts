/** Every finding of a run, grouped by advisory. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiFailure, errorResponses, jsonResponse, RUN_PARAMETER, type Api } from '../api.js';
import { FindingsSchema } from '../schemas.js';

const findings = createRoute({
  method: 'get',
  path: '/api/runs/{run}/findings',
  summary: "The run's findings grouped by advisory, worst first, with fixed versions and the packages they affect",
  request: { params: z.object({ run: RUN_PARAMETER }) },
  responses: { ...jsonResponse(FindingsSchema, 'the findings'), ...errorResponses(400, 404) },
});

export function registerFindingRoutes(app: OpenAPIHono, api: Api): void {
  app.openapi(findings, (c) => {
    const run = api.run(c.req.valid('param').run);
    return api.send(c, `findings\u0000${String(run)}`, (history) => (run instanceof ApiFailure ? run : api.views.findingsByAdvisory(history, run))) as never;
  });
}
