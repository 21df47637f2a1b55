/**
 * The public entry of config/ for the front ends (src/cli, src/server): they
 * import this area only through this file (.dependency-cruiser.cjs checks it).
 * Importing it is cheap; the readers (YAML, zod) load on the first
 * loadConfigReaders().
 */

/** chainwatch.yaml and the shipped presets, read into one configuration. */
export async function loadConfigReaders() {
  const { loadConfigFile, loadPreset } = await import('./config.js');
  return { loadConfigFile, loadPreset };
}
