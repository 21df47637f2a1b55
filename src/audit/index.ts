/**
 * The public entry of audit/ for the front ends (src/cli, src/server): they
 * import this area only through this file (.dependency-cruiser.cjs checks it).
 * Importing it is cheap (types); the orchestrator and the findings matcher
 * load on the first loadAuditPipeline().
 */
export type { AuditRun, AuditSource, AuditSteps, StepOutcome } from './run.js';
export type { GraphFindings } from './findings.js';
export type { AuditReportModel } from './report-types.js';

/**
 * `audit`: the run of every step (run.ts), its exit code, the graph's packages matched against the advisory database (findings.ts), and the concerns
 * ranking (graph/concerns.ts) the last step runs over them with the run's findings and posture (concern-context.ts).
 */
export async function loadAuditPipeline() {
  const [{ auditExitCode, runAudit }, { matchGraphPackages }, { rankConcerns }, { concernContext }] = await Promise.all([
    import('./run.js'),
    import('./findings.js'),
    import('../graph/concerns.js'),
    import('./concern-context.js'),
  ]);
  return { auditExitCode, concernContext, matchGraphPackages, rankConcerns, runAudit };
}

/** `report`: the council's report of a saved run (report-model.ts), built from the runs history. */
export async function loadAuditReport() {
  const { buildAuditReport } = await import('./report-model.js');
  return { buildAuditReport };
}

/** `serve`: the dashboard's views of saved runs (views.ts), and the report model its report and diff routes render. */
export async function loadAuditViews() {
  const [views, { buildAuditReport }] = await Promise.all([import('./views.js'), import('./report-model.js')]);
  const { checkDocumentation, concernRows, concernsPage, deskRows, findingsByAdvisory, graphView, latestAuditRun, listProfiles, listRunSummaries, packageDetail, postureMatrix, posturePage, prepareConcernList, preparePostureList } = views;
  return {
    buildAuditReport,
    checkDocumentation,
    concernRows,
    concernsPage,
    deskRows,
    findingsByAdvisory,
    graphView,
    latestAuditRun,
    listProfiles,
    listRunSummaries,
    packageDetail,
    postureMatrix,
    posturePage,
    prepareConcernList,
    preparePostureList,
  };
}
