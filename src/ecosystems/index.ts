/**
 * The public entry of ecosystems/ for the front ends (src/cli, src/server):
 * they import this area only through this file (.dependency-cruiser.cjs
 * checks it). Areas import the modules they need directly (the version
 * schemes' typed map is schemes.ts). Importing it is cheap; each loader
 * imports its modules on first call, so `chainwatch --help` pays for none.
 */

/** `versions sort`: the ecosystems' version orderings. */
export async function loadVersionSorting() {
  const { sortVersions } = await import('./sort.js');
  return { sortVersions };
}

/** Where each ecosystem's registry is, read as its own tools read their configuration. */
export async function loadRegistryConfiguration() {
  const [{ systemConfigSources }, { loadRegistryConfig }] = await Promise.all([import('./config-sources.js'), import('./registry-config.js')]);
  return { systemConfigSources, loadRegistryConfig };
}
