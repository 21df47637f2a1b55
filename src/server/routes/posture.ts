/** The posture matrix of a run, and the page its docs links open (every check's definition). */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiFailure, errorResponses, jsonResponse, PAGE_QUERY, pageKey, pageRequest, RUN_PARAMETER, type Api } from '../api.js';
import { PostureSchema } from '../schemas.js';

/** Where a check's documentation is served: the README's check table, from the same definitions (posture/checks/). */
export const CHECK_DOCS_PATH = '/docs/checks';

const posture = createRoute({
  method: 'get',
  path: '/api/runs/{run}/posture',
  summary: 'Repositories × checks, a page at a time: outcome, reason, docs link and waiver per cell; archived and inactive repositories; coverage per org',
  request: {
    params: z.object({ run: RUN_PARAMETER }),
    query: z.object({
      ...PAGE_QUERY,
      org: z.string().max(100).optional().openapi({ param: { name: 'org', in: 'query' }, description: "only this org's repositories" }),
      archived: z.enum(['hide', 'only']).optional().openapi({ param: { name: 'archived', in: 'query' }, description: 'archived repositories left out (`hide`) or alone (`only`)' }),
      inactive: z.enum(['hide', 'only']).optional().openapi({ param: { name: 'inactive', in: 'query' }, description: 'inactive repositories left out (`hide`) or alone (`only`)' }),
      check: z.string().max(100).optional().openapi({ param: { name: 'check', in: 'query' }, description: 'with `outcome`: the check whose outcome the rows must have' }),
      outcome: z.string().max(40).optional().openapi({ param: { name: 'outcome', in: 'query' }, description: "with `check`: that check's outcome" }),
    }),
  },
  responses: { ...jsonResponse(PostureSchema, 'the posture matrix'), ...errorResponses(400, 404) },
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Backquoted code in the definitions' texts, as <code>. */
function inlineCode(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** The check table as one plain page (no script, no style: the CSP allows neither inline). */
function checkDocsPage(api: Api): string {
  const rows = api.views.checkDocumentation().map(
    (check) =>
      `<tr id="${escapeHtml(check.anchor)}"><th scope="row"><code>${escapeHtml(check.id)}</code></th><td>${inlineCode(check.title)}</td><td>${escapeHtml(check.risk)}</td><td>${inlineCode(check.why)}</td><td>${inlineCode(check.fix)}</td><td>${escapeHtml(check.needs.join(', '))}</td></tr>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>chainwatch: posture checks</title></head>
<body><main><h1>Posture checks</h1>
<p>What each check requires, why, and how to fix it (the check table of chainwatch's README, from the same definitions).</p>
<table><thead><tr><th scope="col">Check</th><th scope="col">Requirement</th><th scope="col">Risk</th><th scope="col">Why</th><th scope="col">Fix</th><th scope="col">Needs</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></main></body></html>
`;
}

export function registerPostureRoutes(app: OpenAPIHono, api: Api): void {
  app.openapi(posture, (c) => {
    const run = api.run(c.req.valid('param').run);
    const query = c.req.valid('query');
    return api.send(c, `posture\u0000${String(run)}\u0000${pageKey(query)}`, () => {
      if (run instanceof ApiFailure) return run;
      const prepared = api.memo(`posture\u0000${run}`, (history) => {
        const matrix = api.views.postureMatrix(history, run, (anchor) => `${CHECK_DOCS_PATH}#${anchor}`);
        return matrix === null ? null : { matrix, list: api.views.preparePostureList(matrix) };
      });
      if (prepared === null) return null;
      const { q, sort, offset, limit, ...filters } = query;
      return api.views.posturePage(prepared.matrix, prepared.list, filters, pageRequest({ q, sort, offset, limit }));
    }) as never;
  });
  const page = checkDocsPage(api);
  app.get(CHECK_DOCS_PATH, (c) => c.html(page));
}
