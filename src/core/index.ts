/**
 * The public entry of core/ for the front ends (src/cli, src/server): they
 * import this area only through this file (.dependency-cruiser.cjs checks it).
 * Areas import core's modules directly. Everything here is light: the CLI
 * loads it at start-up.
 */
export { fixedClock, systemClock, type Clock } from './clock.js';
export { compareText } from './compare.js';
export { ChainwatchError, fail, type Result } from './errors.js';
export { formatDuration, type ChainwatchEvent, type EventSink } from './events.js';
export { ECOSYSTEMS, parseEcosystem, type Ecosystem } from './package.js';
