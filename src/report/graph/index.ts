import type { ConcernReport } from '../../graph/concerns.js';
import type { GraphDiff } from '../../graph/diff.js';
import type { DependencyGraph } from '../../graph/types.js';
import { renderConcernJson, renderConcernMarkdown, renderConcernTable } from './concerns.js';
import type { GraphCycloneDxOptions } from './cyclonedx.js';
import { renderDiffJson, renderDiffMarkdown, renderDiffText, type DiffHeader } from './diff.js';
import { renderDot } from './dot.js';
import { renderGraphJson } from './graph-json.js';
import { renderGraphml } from './graphml.js';
import { renderGraphTable } from './graph-table.js';

export const GRAPH_FORMATS = ['table', 'json', 'dot', 'graphml', 'cyclonedx'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export const CONCERN_FORMATS = ['table', 'json', 'markdown'] as const;
export type ConcernFormat = (typeof CONCERN_FORMATS)[number];

export const DIFF_FORMATS = ['table', 'json', 'markdown'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** Async because the CycloneDX library (0.17 s of module loading) is imported only when that format is asked for. */
export async function renderGraph(graph: DependencyGraph, format: GraphFormat, options: GraphCycloneDxOptions = {}): Promise<string> {
  switch (format) {
    case 'table':
      return renderGraphTable(graph);
    case 'json':
      return renderGraphJson(graph);
    case 'dot':
      return renderDot(graph);
    case 'graphml':
      return renderGraphml(graph);
    case 'cyclonedx':
      return (await import('./cyclonedx.js')).renderGraphCycloneDx(graph, options);
  }
}

export function renderConcerns(report: ConcernReport, format: ConcernFormat): string {
  switch (format) {
    case 'table':
      return renderConcernTable(report);
    case 'json':
      return renderConcernJson(report);
    case 'markdown':
      return renderConcernMarkdown(report);
  }
}

export function renderDiff(diff: GraphDiff, header: DiffHeader, format: DiffFormat): string {
  switch (format) {
    case 'table':
      return renderDiffText(diff, header);
    case 'json':
      return renderDiffJson(diff, header);
    case 'markdown':
      return renderDiffMarkdown(diff, header);
  }
}

export { groupProblems } from './text.js';
export type { DiffHeader, GraphCycloneDxOptions };
