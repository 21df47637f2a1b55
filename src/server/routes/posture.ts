/** The posture matrix of a run, and the page its docs links open (every check's definition). */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiFailure, errorResponses, jsonResponse, RUN_PARAMETER, type Api } from '../api.js';
import { PostureSchema } from '../schemas.js';

/** Where a check's documentation is served: the README's check table, from the same definitions (posture/checks/). */
export const CHECK_DOCS_PATH = '/docs/checks';

const posture = createRoute({
  method: 'get',
  path: '/api/runs/{run}/posture',
  summary: 'Repositories × checks: outcome, reason, docs link and waiver per cell; archived and inactive repositories; coverage per org',
  request: { params: z.object({ run: RUN_PARAMETER }) },
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
    return api.send(c, `posture\u0000${String(run)}`, (history) => (run instanceof ApiFailure ? run : api.views.postureMatrix(history, run, (anchor) => `${CHECK_DOCS_PATH}#${anchor}`))) as never;
  });
  const page = checkDocsPage(api);
  app.get(CHECK_DOCS_PATH, (c) => c.html(page));
}
