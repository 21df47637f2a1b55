import { CONCERN_WEIGHTS, WEAKNESS_FACTORS, type ConcernReport, type ConcernRow, type WeaknessFactorName } from '../../graph/concerns.js';
import { escapeMarkdown, markdownCode, markdownTable } from '../markdown-text.js';
import { alignColumns } from './text.js';

/** Short column titles for the weakness factors, in WEAKNESS_FACTORS order. */
export const FACTOR_TITLES: Record<WeaknessFactorName, string> = {
  advisories: 'Advis.',
  stale: 'Stale',
  singleMaintainer: '1-maint',
  noProvenance: 'No-prov',
  provenanceDropped: 'Prov-lost',
  installScripts: 'Scripts',
  deprecatedOrYanked: 'Depr/yank',
};

const { reach } = CONCERN_WEIGHTS;
const FORMULA = [
  'score = reach × weakness × 100.',
  `reach = (${reach.roots}·roots reaching / roots + ${reach.paths}·log-scaled paths (capped at ${CONCERN_WEIGHTS.pathCap}) + ${reach.centrality}·PageRank / max PageRank) / ${reach.roots + reach.paths + reach.centrality}.`,
  'weakness = Σ weight·value / Σ weight over the KNOWN factors only; `?` = unknown, counted neither good nor bad; coverage = known factors / all.',
  'Weights: src/graph/concerns.ts CONCERN_WEIGHTS.',
];

function factorCell(row: ConcernRow, name: WeaknessFactorName): string {
  const factor = row.weakness.factors.find((entry) => entry.name === name)!;
  return factor.value === null ? '?' : factor.value.toFixed(2).replace(/\.?0+$/, '') || '0';
}

function scoreText(value: number | null): string {
  return value === null ? '?' : value.toFixed(2);
}

function rowCells(row: ConcernRow): string[] {
  return [
    String(row.rank),
    scoreText(row.score),
    `${row.ecosystem}:${row.name}`,
    row.version,
    `${row.reach.rootsReaching}/${row.reach.rootsTotal}`,
    String(row.reach.paths),
    row.reach.centrality.toFixed(3),
    (row.reach.score * 100).toFixed(1),
    row.weakness.score === null ? '?' : (row.weakness.score * 100).toFixed(1),
    `${row.weakness.known}/${row.weakness.total}`,
    ...WEAKNESS_FACTORS.map((name) => factorCell(row, name)),
  ];
}

export const CONCERN_HEADER = ['#', 'Score', 'Package', 'Version', 'Roots', 'Paths', 'Central', 'Reach', 'Weak', 'Known', ...WEAKNESS_FACTORS.map((name) => FACTOR_TITLES[name])];

export function renderConcernTable(report: ConcernReport): string {
  if (report.rows.length === 0) return 'No packages to rank.\n';
  return `${alignColumns(CONCERN_HEADER, report.rows.map(rowCells))}\n\n${report.rows.length} of ${report.ranked} packages shown, ${report.rootsTotal} roots.\n${FORMULA.join('\n')}\n`;
}

/** Every factor with its weight, value (null = unknown) and what the signal said. */
export function renderConcernJson(report: ConcernReport): string {
  return `${JSON.stringify({ rows: report.rows, ranked: report.ranked, rootsTotal: report.rootsTotal, weights: report.weights }, null, 2)}\n`;
}

export function renderConcernMarkdown(report: ConcernReport): string {
  const lines = ['# Packages of greatest concern', ''];
  if (report.rows.length === 0) return `${lines.join('\n')}No packages to rank.\n`;
  lines.push(markdownTable(CONCERN_HEADER.map(escapeMarkdown), report.rows.map((row) => rowCells(row).map((cell, column) => (column === 2 || column === 3 ? markdownCode(cell) : escapeMarkdown(cell))))));
  lines.push('', `${report.rows.length} of ${report.ranked} packages shown, ${report.rootsTotal} roots.`, '', ...FORMULA.map((line) => `- ${escapeMarkdown(line)}`), '', '## Factors', '');
  for (const row of report.rows) {
    lines.push(`### ${row.rank}. ${markdownCode(`${row.name}@${row.version}`)} (${escapeMarkdown(row.ecosystem)})`, '');
    lines.push(
      markdownTable(
        ['Factor', 'Weight', 'Value', 'Detail'],
        row.weakness.factors.map((factor) => [escapeMarkdown(factor.name), String(factor.weight), factor.value === null ? 'unknown' : String(factor.value), escapeMarkdown(factor.detail)]),
      ),
      '',
    );
  }
  return `${lines.join('\n')}`;
}
