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

export { renderPostureJson, renderPostureMarkdown, renderPostureSarif, renderPostureTable };
export { toPostureJsonDocument } from './json.js';
export type { PostureJsonDocument, PostureJsonCheck } from './json.js';
export { buildPostureSarifLog } from './sarif.js';
export { OUTCOME_LABEL } from './check-metadata.js';
export { importanceFromGraph, importanceFromList, importanceFromPackages, mergeImportance, orderByImportance } from './importance.js';
export { orderPostureReport } from './ordering.js';
export { POSTURE_FORMATS } from './types.js';
export type { EcosystemToAdd, PostureFormat, PostureRenderOptions, RepoImportance, RepoRemediationHints, UnpinnedAction } from './types.js';
