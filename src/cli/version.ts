import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (two levels above both src/cli and dist/cli). */
export const TOOL_VERSION: string = (() => {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return manifest.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
