import type { AuditReportModel } from '../audit/index.js';
import { loadAuditRenderers } from '../report/index.js';

/** The formats of the council's report (`chainwatch report`, and `audit` when it renders one). */
export const REPORT_FORMAT_CHOICES = ['markdown', 'html', 'json'] as const;
export type AuditReportFormat = (typeof REPORT_FORMAT_CHOICES)[number];

/** The report of a model in one of its formats (the renderer of that format only is loaded). */
export async function renderAuditReport(model: AuditReportModel, format: AuditReportFormat): Promise<string> {
  const { renderAuditHtml, renderAuditJson, renderAuditMarkdown } = await loadAuditRenderers();
  if (format === 'html') return renderAuditHtml(model);
  if (format === 'json') return renderAuditJson(model);
  return renderAuditMarkdown(model);
}
