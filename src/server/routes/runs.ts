/** Health, the profiles and their runs, a run's report and the diff between two runs. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { TOOL_VERSION } from '../../cli/version.js';
import { ApiFailure, errorResponses, jsonResponse, RUN_PARAMETER, runQuery, type Api, type RunsHistory } from '../api.js';
import { HealthSchema, ProfilesSchema, ReportSchema, RunsSchema } from '../schemas.js';

const health = createRoute({
  method: 'get',
  path: '/api/health',
  summary: 'The server answers',
  responses: { ...jsonResponse(HealthSchema, 'the server and its chainwatch version'), ...errorResponses() },
});

const profiles = createRoute({
  method: 'get',
  path: '/api/profiles',
  summary: 'Every identity with audit runs, with its newest run, newest first',
  responses: { ...jsonResponse(ProfilesSchema, 'the profiles'), ...errorResponses() },
});

const runs = createRoute({
  method: 'get',
  path: '/api/runs',
  summary: "The runs of one identity (all runs without it), oldest first",
  request: { query: z.object({ identity: z.string().max(200).optional().openapi({ param: { name: 'identity', in: 'query' }, description: 'an identity key from /api/profiles' }) }) },
  responses: { ...jsonResponse(RunsSchema, 'the runs'), ...errorResponses(400) },
});

const report = createRoute({
  method: 'get',
  path: '/api/runs/{run}/report',
  summary: "The run's report (chainwatch.report/1): what changed since the last comparable run, actions, standing picture, trends",
  request: { params: z.object({ run: RUN_PARAMETER }), query: z.object({ since: runQuery('since', 'compare with this earlier run instead of the last comparable one').optional() }) },
  responses: { ...jsonResponse(ReportSchema, 'the report'), ...errorResponses(400, 404) },
});

const diff = createRoute({
  method: 'get',
  path: '/api/diff',
  summary: 'The report of `to` compared with `from` (its `changes`)',
  request: { query: z.object({ from: runQuery('from', 'the older run'), to: runQuery('to', 'the newer run') }) },
  responses: { ...jsonResponse(ReportSchema, 'the report of `to` since `from`'), ...errorResponses(400, 404) },
});

/** The report of `runId` compared with `since` (or the last comparable run), as `chainwatch report --format json` writes it. */
function reportOf(api: Api, history: RunsHistory, runId: number, since: number | undefined): string | ApiFailure {
  if (since !== undefined) {
    if (!history.getRun(since)) return new ApiFailure('not-found', `no run ${since} in the history to compare with`);
    if (since >= runId) return new ApiFailure('invalid-argument', `run ${since} is not older than run ${runId}: compare with an earlier run`);
  }
  const built = api.views.buildAuditReport(history, runId, since === undefined ? {} : { since });
  if (!built.ok) return new ApiFailure('not-found', built.message);
  return api.renderers.renderAuditJson(built.model);
}

/**
 * The cache key of a run's report: the run and the run it is compared with,
 * resolved (the last comparable one when none is named), so the Overview's
 * report and the History's diff of the same two runs are one body.
 */
function reportKey(api: Api, run: number | ApiFailure, since: number | undefined): string {
  if (run instanceof ApiFailure) return `report\u0000${run.code}`;
  const compared = since ?? api.memo(`previous\u0000${run}`, (history) => (history.previousRun(run, { withPart: 'steps' }) ?? history.previousRun(run))?.id ?? null, { light: true });
  return `report\u0000${run}\u0000${compared ?? 'none'}`;
}

export function registerRunRoutes(app: OpenAPIHono, api: Api): void {
  app.openapi(health, (c) => c.json({ ok: true as const, version: TOOL_VERSION }, 200));
  app.openapi(profiles, (c) => api.send(c, 'profiles', (history) => ({ profiles: api.views.listProfiles(history) })) as never);
  app.openapi(runs, (c) => {
    const { identity } = c.req.valid('query');
    return api.send(c, `runs\u0000${identity ?? ''}`, (history) => ({ runs: api.views.listRunSummaries(history, identity) })) as never;
  });
  app.openapi(report, (c) => {
    const run = api.run(c.req.valid('param').run);
    const { since } = c.req.valid('query');
    return api.send(c, reportKey(api, run, since === undefined ? undefined : Number(since)), (history) => (run instanceof ApiFailure ? run : reportOf(api, history, run, since === undefined ? undefined : Number(since)))) as never;
  });
  app.openapi(diff, (c) => {
    const { from, to } = c.req.valid('query');
    const target = api.run(to);
    return api.send(c, target instanceof ApiFailure ? `diff\u0000${from}\u0000${to}` : reportKey(api, target, Number(from)), (history) => {
      const newer = api.run(to);
      if (newer instanceof ApiFailure) return newer;
      return reportOf(api, history, newer, Number(from));
    }) as never;
  });
}
