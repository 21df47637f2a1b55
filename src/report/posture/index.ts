import type { PostureReport } from '../../posture/types.js';
import { renderPostureJson } from './json.js';
import { renderPostureMarkdown } from './markdown.js';
import { renderPostureSarif } from './sarif.js';
import { renderPostureTable } from './table.js';
import type { PostureFormat, PostureRenderOptions } from './types.js';

/** Renders a posture report. Pure: the same report and options always give the same string. */
export function renderPosture(report: PostureReport, format: PostureFormat, options: PostureRenderOptions = {}): string {
  switch (format) {
    case 'table':
      return renderPostureTable(report, options);
    case 'json':
      return renderPostureJson(report, options);
    case 'sarif':
      return renderPostureSarif(report, options);
    case 'markdown':
      return renderPostureMarkdown(report, options);
  }
}

export type { PostureFormat, PostureRenderOptions } from './types.js';
