/**
 * Paths inside layers. A tar entry's name is untrusted: `./usr/bin`, `/etc`,
 * `usr//lib/`, `a/../b` and `../../etc/passwd` all occur in hostile or
 * sloppy archives. Every name becomes an absolute, normalised path inside the
 * image root, or null when it would leave the root; nothing here touches the
 * machine's filesystem.
 */

/**
 * `/a/b` for `./a//b/`, `a/./b`, `/a/c/../b`; null for a name that climbs
 * out of the root, unless `clamp`: then `..` at the root stays at the root,
 * as a runtime resolves a symlink inside the container's root.
 */
export function imagePath(name: string, clamp = false): string | null {
  const parts: string[] = [];
  for (const segment of name.replaceAll('\\', '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) {
        if (clamp) continue;
        return null;
      }
      parts.pop();
      continue;
    }
    if (segment.includes('\0')) return null;
    parts.push(segment);
  }
  return `/${parts.join('/')}`;
}

export function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether `path` is `directory` or inside it. */
export function isWithin(path: string, directory: string): boolean {
  return directory === '/' || path === directory || path.startsWith(`${directory}/`);
}

/** The OCI whiteout prefix: `.wh.name` deletes `name` from the layers below. */
export const WHITEOUT_PREFIX = '.wh.';
/** `.wh..wh..opq` in a directory: the layers below contribute nothing to it. */
export const OPAQUE_MARKER = '.wh..wh..opq';

/** A symlink's target resolved against the link's directory, inside the image root (`..` stops at the root, as in the container). */
export function resolveLink(linkPath: string, target: string): string | null {
  return target.startsWith('/') ? imagePath(target, true) : imagePath(`${parentOf(linkPath)}/${target}`, true);
}
