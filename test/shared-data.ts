/**
 * The shared test data beside the checkout (`../shared/data`): real lockfiles,
 * OSV records, version vectors and the shared repositories. CI has it; a
 * checkout alone may not, so every suite that reads it is declared with
 * `describeWithSharedData`, which says so in the suite's name and, when the
 * folder is absent, skips the suite with the reason instead of failing.
 * `CHAINWATCH_SHARED_DATA` points elsewhere (`/nonexistent` shows what skips).
 * Test-only: the product never reads it.
 */
import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { describe, it } from 'vitest';

/** Absolute path of the shared data folder (`../shared/data` unless `CHAINWATCH_SHARED_DATA` says otherwise). */
export const sharedData = resolve(process.env.CHAINWATCH_SHARED_DATA || resolve(import.meta.dirname, '../../shared/data'));

/** Whether the shared data is there to read. */
export const hasSharedData = existsSync(sharedData);

/** The shared repositories (`<org>/<repo>/` under `projects/`), with a trailing separator. */
export const SHARED_PROJECTS = resolve(sharedData, 'projects') + sep;

/** A path under the shared data folder, e.g. `sharedDataPath('osv', 'ghsa')`. */
export function sharedDataPath(...parts: string[]): string {
  return resolve(sharedData, ...parts);
}

/** The suffix every suite reading the shared data carries in its name. */
export const READS_SHARED_DATA = '(reads ../shared/data)';

/**
 * A suite that reads the shared data. When the folder is absent the suite is
 * not collected at all (its body may read the folder while collecting) and one
 * skipped test says why.
 */
export function describeWithSharedData(name: string, suite: () => void): void {
  if (hasSharedData) {
    describe(`${name} ${READS_SHARED_DATA}`, suite);
    return;
  }
  describe(`${name} ${READS_SHARED_DATA}`, () => {
    it.skip(SKIP_REASON, () => {});
  });
}

/**
 * One test that reads the shared data in a suite that otherwise does not (a
 * fuzz suite whose last test damages real files): said in its name, skipped
 * with the reason when the folder is absent.
 */
export function itWithSharedData(name: string, test: () => void | Promise<void>): void {
  if (hasSharedData) it(`${name} ${READS_SHARED_DATA}`, test);
  else it.skip(`${name} ${READS_SHARED_DATA}: ${SKIP_REASON}`, test);
}

const SKIP_REASON = `skipped: ${sharedData} is absent (check out ../shared, or set CHAINWATCH_SHARED_DATA)`;
