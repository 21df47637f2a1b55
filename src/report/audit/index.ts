/**
 * The council's report (issue 10): one audit run's AuditReportModel
 * (src/audit/report-types.ts) as Markdown, self-contained HTML or JSON.
 * Loaded through src/report/index.ts loadAuditRenderers().
 */
export { renderAuditHtml } from './html.js';
export { auditReportDocument, renderAuditJson } from './json.js';
export { renderAuditMarkdown } from './markdown.js';
