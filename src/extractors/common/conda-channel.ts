/** Platform subdirectories of a conda channel (`linux-64`, `osx-arm64`, `noarch`...). */
export const CONDA_SUBDIR = /^(noarch|(linux|osx|win|zos|emscripten|wasi|freebsd)-[a-z0-9_]+)$/;

/**
 * The channel's name from a channel URL: the URL path without the platform subdir and
 * without an access token (`/t/<token>/`), which must never reach a report.
 * Shared by the conda-meta and conda-environment extractors.
 */
export function channelFromUrl(channel: string, subdir?: string): string {
  let segments: string[];
  if (channel.includes('://')) {
    try {
      segments = new URL(channel).pathname.split('/');
    } catch {
      return '';
    }
  } else {
    segments = channel.split('/');
  }
  segments = segments.filter((segment) => segment !== '');
  if (segments[0] === 't' && segments.length > 1) segments = segments.slice(2);
  const last = segments.at(-1);
  if (last !== undefined && (last === subdir || CONDA_SUBDIR.test(last))) segments = segments.slice(0, -1);
  return segments.join('/');
}
