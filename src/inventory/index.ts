/**
 * The public entry of inventory/ for the front ends (src/cli, src/server):
 * they import this area only through this file (.dependency-cruiser.cjs
 * checks it). The scan itself goes through scan/.
 */
export { DEFAULT_SKIPPED_DIRECTORIES } from './walk.js';
