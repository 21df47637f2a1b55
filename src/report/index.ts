/**
 * The public entry of report/ for the front ends (src/cli, src/server): they
 * import this area only through this file (.dependency-cruiser.cjs checks it).
 * Importing it is cheap: renderReport loads only the chosen format's module,
 * and the graph and posture renderers (the CycloneDX library, YAML) load on
 * the first call of their loader.
 */
export type { GraphFormat } from './graph/index.js';
export type { PostureFormat } from './posture/types.js';
export { renderReport } from './render.js';
export { REPORT_FORMATS, type ReportFormat } from './types.js';

/** The graph, concerns and diff renderers, and the grouping of a run's problems for stderr. */
export async function loadGraphRenderers() {
  const { groupProblems, renderConcerns, renderDiff, renderGraph } = await import('./graph/index.js');
  return { groupProblems, renderConcerns, renderDiff, renderGraph };
}

/** `chainwatch runs list|show|prune`: tables and JSON. */
export async function loadRunRenderers() {
  const { renderPrune, renderRun, renderRuns } = await import('./runs.js');
  return { renderPrune, renderRun, renderRuns };
}

/** The posture report's renderers. */
export async function loadPostureRenderers() {
  const { renderPosture } = await import('./posture/index.js');
  return { renderPosture };
}

/** The issue `fix --issue` keeps per repository and check. */
export async function loadIssueText() {
  const { issueText } = await import('./posture/issue-text.js');
  return { issueText };
}

/** The disclosure desk's renderers: the advisory list, the hall of fame, the feeds. */
export async function loadDeskRenderers() {
  const [{ deskDocument, renderDesk }, { renderCredits }, { renderAdvisoryFeed }] = await Promise.all([import('./disclosure/list.js'), import('./disclosure/credits.js'), import('./disclosure/feed.js')]);
  return { deskDocument, renderDesk, renderCredits, renderAdvisoryFeed };
}

/** The scan report's JSON document as a value (what `--format json` prints), for a front end that embeds its findings. */
export async function loadScanJsonDocument() {
  const { toScanJsonDocument } = await import('./json.js');
  return { toScanJsonDocument };
}

/** The council's report of a saved audit run (`chainwatch report`, the end of `audit`): Markdown, one self-contained HTML file, `chainwatch.report/1` JSON. */
export async function loadAuditRenderers() {
  const { auditReportDocument, renderAuditHtml, renderAuditJson, renderAuditMarkdown } = await import('./audit/index.js');
  return { auditReportDocument, renderAuditMarkdown, renderAuditHtml, renderAuditJson };
}

/** `chainwatch diff --image`: what changed between two images. */
export async function loadImageDiffRenderer() {
  const { renderImageDiff } = await import('./image-diff.js');
  return { renderImageDiff };
}
