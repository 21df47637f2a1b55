/** The disclosure desk's advisories of a run, with their clocks and problems. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiFailure, errorResponses, jsonResponse, RUN_PARAMETER, type Api } from '../api.js';
import { AdvisoriesSchema } from '../schemas.js';

const advisories = createRoute({
  method: 'get',
  path: '/api/runs/{run}/advisories',
  summary: "The desk's advisories as the run saw them: state, clocks, problems; `available: false` with the reason when the run has no desk part",
  request: { params: z.object({ run: RUN_PARAMETER }) },
  responses: { ...jsonResponse(AdvisoriesSchema, 'the advisories'), ...errorResponses(400, 404) },
});

export function registerAdvisoryRoutes(app: OpenAPIHono, api: Api): void {
  app.openapi(advisories, (c) => {
    const run = api.run(c.req.valid('param').run);
    return api.send(c, `advisories\u0000${String(run)}`, (history) => (run instanceof ApiFailure ? run : api.views.deskRows(history, run))) as never;
  });
}
