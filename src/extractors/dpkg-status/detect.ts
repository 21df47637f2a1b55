import type { ExtractorDetection } from '../types.js';

function pathParts(path: string): string[] {
  return path.replace(/\\/g, '/').split('/').filter((part) => part !== '');
}

function detect(path: string): boolean {
  const parts = pathParts(path);
  const base = parts.at(-1);
  const parent = parts.at(-2);
  if (base === 'status' && parent === 'dpkg') return true;
  // Distroless images keep one file per package in status.d/, beside `<name>.md5sums` lists.
  return parent === 'status.d' && parts.at(-3) === 'dpkg' && base !== undefined && !base.endsWith('.md5sums') && !base.startsWith('.');
}

/** What the registry knows before the parser is loaded (../index.ts). */
export const detection: ExtractorDetection = { id: 'dpkg-status', ecosystems: ['Debian'], detect };
