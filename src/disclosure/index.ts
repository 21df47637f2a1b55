/**
 * The public entry of disclosure/ for the front ends (src/cli, src/server):
 * they import this area only through this file (.dependency-cruiser.cjs
 * checks it). Importing it is cheap (types, the default policy); the
 * pipeline, the GitHub client (octokit), the notifiers (nodemailer, undici)
 * and the pypa checkout reader load on the first call of their loader.
 */
export type { AdvisoryGithub } from './collect/github.js';
export type { PypaDatabase } from './pypa-db.js';
export { DEFAULT_DESK_POLICY } from './policy.js';
export type { ChannelDelivery } from './notify/deliver.js';
export type { DeskRun } from './run.js';
export type { DisclosureStore } from './store.js';
export { ADVISORY_STATES, type AdvisoryState, type DeskPolicy } from './types.js';

/** `advisories list` and every subcommand that reads advisories (run.ts). */
export async function loadDeskPipeline() {
  const { runDesk } = await import('./run.js');
  return { runDesk };
}

/** Reading advisories from GitHub, re-reading and patching one, commenting on an issue. */
export async function loadDeskGithub() {
  const { createAdvisoryGithub, TOKEN_NEEDS } = await import('./collect/github.js');
  return { createAdvisoryGithub, TOKEN_NEEDS };
}

/** `advisories add` and `ack`: a manual record from the command's options. */
export async function loadManualRecords() {
  const { manualAdvisoryFromOptions } = await import('./collect/manual.js');
  return { manualAdvisoryFromOptions };
}

/** A pypa/advisory-database checkout (`--pypa`). */
export async function loadPypaDatabaseReader() {
  const { loadPypaDatabase } = await import('./pypa-db.js');
  return { loadPypaDatabase };
}

/** `advisories export --pypa`: OSV records for what the checkout lacks. */
export async function loadPypaExport() {
  const { exportToPypa } = await import('./export-pypa.js');
  return { exportToPypa };
}

/** `enforce`, `remind` and `watch`, and the notifiers they send through. */
export async function loadDeskActions() {
  const [{ planEnforcement, applyPlan }, { remind }, { watch, modifiedSnapshot, changedRecords }, { createNotifiers }] = await Promise.all([
    import('./enforce.js'),
    import('./remind.js'),
    import('./watch.js'),
    import('./notify/notifier.js'),
  ]);
  return { planEnforcement, applyPlan, remind, watch, modifiedSnapshot, changedRecords, createNotifiers };
}
