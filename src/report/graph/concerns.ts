import { CONCERN_WEIGHTS, RUN_FACTORS, WEAKNESS_FACTORS, type ConcernReport, type ConcernRow, type WeaknessFactorName } from '../../graph/concerns.js';
import { escapeMarkdown, markdownCode, markdownTable } from '../markdown-text.js';
import { alignColumns } from './text.js';

/** Short column titles for the weakness factors, in WEAKNESS_FACTORS then RUN_FACTORS order. */
export const FACTOR_TITLES: Record<WeaknessFactorName, string> = {
  advisories: 'Advis.',
  stale: 'Stale',
  singleMaintainer: '1-maint',
  noProvenance: 'No-prov',
  provenanceDropped: 'Prov-lost',
  installScripts: 'Scripts',
  deprecatedOrYanked: 'Depr/yank',
  repositoryPosture: 'Repo-post',
};

/** Lines of the formula for the run's factors, when the rows have them. */
const RUN_FACTOR_FORMULA: Record<(typeof RUN_FACTORS)[number], string> = {
  repositoryPosture: "repositoryPosture = the share of the source repository's evaluated posture checks that do not pass (partial counts half); unknown when the repository was not in the posture run.",
};

const { reach } = CONCERN_WEIGHTS;
const FORMULA = [
  'score = reach × weakness × 100.',
  `reach = (${reach.roots}·roots reaching / roots + ${reach.paths}·log-scaled paths (capped at ${CONCERN_WEIGHTS.pathCap}) + ${reach.centrality}·PageRank / max PageRank) / ${reach.roots + reach.paths + reach.centrality}.`,
  'weakness = Σ weight·value / Σ weight over the KNOWN factors only; `?` = unknown, counted neither good nor bad; coverage = known factors / all.',
  'Weights: src/graph/concerns.ts CONCERN_WEIGHTS.',
];

function factorCell(row: ConcernRow, name: WeaknessFactorName): string {
  const factor = row.weakness.factors.find((entry) => entry.name === name);
  return factor === undefined || factor.value === null ? '?' : factor.value.toFixed(2).replace(/\.?0+$/, '') || '0';
}

/** The columns: every signal factor, then the run's factors the rows carry (none without the audit's context, so `concerns` stays as it was). */
function factorColumns(report: ConcernReport): WeaknessFactorName[] {
  const present = new Set(report.rows.flatMap((row) => row.weakness.factors.map((factor) => factor.name)));
  return [...WEAKNESS_FACTORS, ...RUN_FACTORS.filter((name) => present.has(name))];
}

function formula(columns: readonly WeaknessFactorName[]): string[] {
  return [...FORMULA, ...RUN_FACTORS.filter((name) => columns.includes(name)).map((name) => RUN_FACTOR_FORMULA[name])];
}

function scoreText(value: number | null): string {
  return value === null ? '?' : value.toFixed(2);
}

function rowCells(row: ConcernRow, columns: readonly WeaknessFactorName[]): string[] {
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
    ...columns.map((name) => factorCell(row, name)),
  ];
}

function concernHeader(columns: readonly WeaknessFactorName[]): string[] {
  return ['#', 'Score', 'Package', 'Version', 'Roots', 'Paths', 'Central', 'Reach', 'Weak', 'Known', ...columns.map((name) => FACTOR_TITLES[name])];
}

export function renderConcernTable(report: ConcernReport): string {
  if (report.rows.length === 0) return 'No packages to rank.\n';
  const columns = factorColumns(report);
  return `${alignColumns(concernHeader(columns), report.rows.map((row) => rowCells(row, columns)))}\n\n${report.rows.length} of ${report.ranked} packages shown, ${report.rootsTotal} roots.\n${formula(columns).join('\n')}\n`;
}

/** Every factor with its weight, value (null = unknown) and what the signal said. */
export function renderConcernJson(report: ConcernReport): string {
  return `${JSON.stringify({ rows: report.rows, ranked: report.ranked, rootsTotal: report.rootsTotal, weights: report.weights }, null, 2)}\n`;
}

export function renderConcernMarkdown(report: ConcernReport): string {
  const lines = ['# Packages of greatest concern', ''];
  if (report.rows.length === 0) return `${lines.join('\n')}No packages to rank.\n`;
  const columns = factorColumns(report);
  lines.push(markdownTable(concernHeader(columns).map(escapeMarkdown), report.rows.map((row) => rowCells(row, columns).map((cell, column) => (column === 2 || column === 3 ? markdownCode(cell) : escapeMarkdown(cell))))));
  lines.push('', `${report.rows.length} of ${report.ranked} packages shown, ${report.rootsTotal} roots.`, '', ...formula(columns).map((line) => `- ${escapeMarkdown(line)}`), '', '## Factors', '');
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
