/**
 * Where build-fixture-image.sh put the real image: a machine-wide cache keyed
 * by the script's own hash, so a changed script means a new image. The tests
 * never build it (it needs the network and minutes): .ci/run does, before
 * `npm test`. Under CI a missing image fails the suite; elsewhere the suite
 * is skipped with the command that builds it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const BUILD_SCRIPT = join(import.meta.dirname, 'build-fixture-image.sh');

export function fixtureImageDirectory(): string {
  const hash = createHash('sha256').update(readFileSync(BUILD_SCRIPT)).digest('hex').slice(0, 16);
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'chainwatch-test-images', hash);
}

/** The built image's directory, or why there is none. */
export function findFixtureImage(): { directory: string } | { missing: string } {
  const directory = fixtureImageDirectory();
  if (existsSync(join(directory, 'done'))) return { directory };
  return { missing: `the real test image is not built (${directory}): run \`bash test/images/build-fixture-image.sh\` (root, network; .ci/run does it)` };
}
