/** The concerns ranking of a run, a page at a time. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiFailure, errorResponses, jsonResponse, PAGE_QUERY, pageKey, pageRequest, RUN_PARAMETER, type Api } from '../api.js';
import { ConcernsSchema } from '../schemas.js';

const concerns = createRoute({
  method: 'get',
  path: '/api/runs/{run}/concerns',
  summary: 'The ranked packages of greatest concern, a page at a time, every factor with its weight, value and why it is known or not',
  request: { params: z.object({ run: RUN_PARAMETER }), query: z.object(PAGE_QUERY) },
  responses: { ...jsonResponse(ConcernsSchema, 'the concerns'), ...errorResponses(400, 404) },
});

export function registerConcernRoutes(app: OpenAPIHono, api: Api): void {
  app.openapi(concerns, (c) => {
    const run = api.run(c.req.valid('param').run);
    const query = c.req.valid('query');
    return api.send(c, `concerns\u0000${String(run)}\u0000${pageKey(query)}`, () => {
      if (run instanceof ApiFailure) return run;
      const prepared = api.memo(`concerns\u0000${run}`, (history) => {
        const view = api.views.concernRows(history, run);
        return view === null ? null : { view, list: api.views.prepareConcernList(view) };
      });
      return prepared === null ? null : api.views.concernsPage(prepared.view, prepared.list, pageRequest(query));
    }) as never;
  });
}
