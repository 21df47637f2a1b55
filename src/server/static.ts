/**
 * The built UI (dist/ui, `vite build` at `npm run build`) served by the same
 * process: files with their content types, hashed assets cached for a year,
 * index.html for every other path without an extension (the UI's client
 * routes). Never a file outside the UI's directory: `..` and encoded
 * separators are refused and symbolic links are resolved before the check.
 * Without a built UI, one plain page says how to build it.
 */
import { realpathSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** Vite names built assets `name-<hash>.ext` under assets/: their content never changes under that name. */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** Where `npm run build` writes the UI: dist/ui beside dist/cli (two levels above both src/server and dist/cli, as cli/version.ts finds package.json). */
export function defaultUiDirectory(): string {
  return fileURLToPath(new URL('../../dist/ui/', import.meta.url));
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chainwatch: the dashboard is not built</title></head>
<body><h1>The dashboard is not built</h1>
<p>This chainwatch has no built UI (dist/ui). Run <code>npm run build</code> (or <code>npm ci</code>, which runs it) in chainwatch's folder, then start <code>chainwatch serve</code> again.</p>
<p>The JSON API works without it: <a href="/api/openapi.json">/api/openapi.json</a> lists its routes.</p>
</body></html>
`;

export interface UiFiles {
  /** Whether the UI is built (its index.html exists). */
  built: boolean;
  /** The response to a GET or HEAD outside /api/. */
  serve(c: Context): Promise<Response>;
}

export function uiFiles(directory: string): UiFiles {
  let root: string | null = null;
  try {
    root = realpathSync(directory);
    // A directory without index.html is a build that did not finish.
    realpathSync(path.join(root, 'index.html'));
  } catch {
    root = null;
  }
  const built = root !== null;
  return {
    built,
    async serve(c) {
      if (root === null) return c.html(NOT_BUILT, 503);
      let decoded: string;
      try {
        decoded = decodeURIComponent(c.req.path);
      } catch {
        return c.text('Bad request\n', 400);
      }
      if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').some((segment) => segment === '..')) return c.text('Not found\n', 404);
      const file = await fileInside(root, decoded);
      if (file !== null) return sendFile(c, file, HASHED_ASSET.test(decoded) ? 'public, max-age=31536000, immutable' : 'no-cache');
      // A missing file of a kind the UI is built of is a 404; any other path is one of the UI's own routes (which may end in a version: `…@6.4.1`).
      if (decoded.startsWith('/assets/') || CONTENT_TYPES[path.posix.extname(decoded).toLowerCase()] !== undefined) return c.text('Not found\n', 404);
      return sendFile(c, path.join(root, 'index.html'), 'no-cache');
    },
  };
}

/** The regular file `requested` names under `root`, after resolving links; null when there is none or it lies outside. */
async function fileInside(root: string, requested: string): Promise<string | null> {
  const candidate = path.resolve(root, `.${requested}`);
  if (candidate !== root && !candidate.startsWith(`${root}${path.sep}`)) return null;
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(`${root}${path.sep}`)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

async function sendFile(c: Context, file: string, cacheControl: string): Promise<Response> {
  const body = await readFile(file);
  return c.body(body, 200, { 'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'Cache-Control': cacheControl });
}
