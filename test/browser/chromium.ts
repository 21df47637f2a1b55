/**
 * Debian's Chromium, launched through playwright-core as the browser tests
 * and the serve bench use it (no vitest here: the bench imports it too).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The flags Chromium needs on this closed network: without the background
 * networking ones it tries Google's hosts at start-up. No --user-data-dir:
 * playwright's launch gives every browser a fresh temporary profile of its
 * own (and removes it on close); it refuses the flag in `args`.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export const hasChromium = existsSync(CHROMIUM_PATH);

export async function launchChromium(): Promise<Browser> {
  if (!hasChromium) throw new Error(`Chromium is not installed at ${CHROMIUM_PATH} (CI=${String(process.env.CI)}); .ci/run installs it with apt-get`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
