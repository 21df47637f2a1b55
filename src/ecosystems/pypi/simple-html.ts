import type { SimpleFile } from './schema.js';

/**
 * The HTML form of a Simple API project page (PEP 503), which mirrors that do
 * not speak PEP 691 JSON still serve. Read the way pip's link collector reads
 * it: every `<a href>` is a file, `<base href>` moves the base URL, the hash
 * rides in the URL fragment, and the PEP 503/592/658/714/740 `data-*`
 * attributes carry the rest. The result has the shape of PEP 691's JSON file
 * records so one conversion serves both forms.
 */

export interface SimpleHtmlPage {
  /** PEP 629 `<meta name="pypi:repository-version">`; null when the page has none (version 1.0). */
  apiVersion: string | null;
  files: SimpleFile[];
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** The character references an HTML serialiser writes (`&gt;=3.8`, `&#39;`, `&#x27;`); unknown names stay as written. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));?/g, (whole, decimal?: string, hex?: string, name?: string) => {
    if (decimal !== undefined || hex !== undefined) {
      const codePoint = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
      return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
    }
    return NAMED_ENTITIES[name!.toLowerCase()] ?? whole;
  });
}

/** A start tag's attributes, names lower-cased, values entity-decoded; a bare attribute has the value ''. */
function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const pattern = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`]+)))?/g;
  for (const match of text.matchAll(pattern)) {
    const name = match[1]!.toLowerCase();
    if (attributes.has(name)) continue; // HTML keeps the first of duplicate attributes
    attributes.set(name, decodeHtmlEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return attributes;
}

/** `data-core-metadata="sha256=…"` → the hashes; `"true"` (or any other value, as pip reads it) → true. */
function metadataFlag(value: string | undefined): SimpleFile['core-metadata'] {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed.toLowerCase() === 'false') return false;
  const separator = trimmed.indexOf('=');
  if (separator > 0 && separator < trimmed.length - 1) {
    return { [trimmed.slice(0, separator).toLowerCase()]: trimmed.slice(separator + 1) };
  }
  return true;
}

/** PEP 503: the fragment `#<hashname>=<hashvalue>` (pip also accepts several joined by `&`). */
function fragmentHashes(fragment: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const part of fragment.replace(/^#/, '').split('&')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    const name = part.slice(0, separator).toLowerCase();
    const value = part.slice(separator + 1);
    if (/^(?:sha1|sha224|sha256|sha384|sha512|md5|blake2b_256)$/.test(name) && /^[0-9a-fA-F]+$/.test(value)) hashes[name] = value;
  }
  return hashes;
}

function fileNameOf(url: URL, anchorText: string): string {
  const lastSegment = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  try {
    const decoded = decodeURIComponent(lastSegment);
    if (decoded !== '') return decoded;
  } catch {
    // A malformed %-escape: the anchor text is the next best name.
  }
  return anchorText.trim();
}

const TAG_PATTERN = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'textarea', 'title']);

interface OpenAnchor {
  attributes: Map<string, string>;
  textStart: number;
}

/** Reads the files of a PEP 503 page; anchors whose href is not a URL are skipped. Never throws. */
export function parseSimpleHtml(html: string, pageUrl: string): SimpleHtmlPage {
  let base = pageUrl;
  let apiVersion: string | null = null;
  const files: SimpleFile[] = [];
  let anchor: OpenAnchor | null = null;
  let lowerCaseHtml: string | null = null;

  const closeAnchor = (textEnd: number): void => {
    if (!anchor) return;
    const text = decodeHtmlEntities(html.slice(anchor.textStart, textEnd).replace(/<[^>]*>/g, ''));
    const file = anchorToFile(anchor.attributes, text, base);
    if (file) files.push(file);
    anchor = null;
  };

  TAG_PATTERN.lastIndex = 0;
  for (let match = TAG_PATTERN.exec(html); match; match = TAG_PATTERN.exec(html)) {
    if (match[2] === undefined) continue; // a comment
    const closing = match[1] === '/';
    const tag = match[2].toLowerCase();
    if (closing) {
      if (tag === 'a') closeAnchor(match.index);
      continue;
    }
    if (RAW_TEXT_ELEMENTS.has(tag)) {
      // Markup inside <script> or <title> is text, not links.
      lowerCaseHtml ??= html.toLowerCase();
      const end = lowerCaseHtml.indexOf(`</${tag}`, TAG_PATTERN.lastIndex);
      TAG_PATTERN.lastIndex = end === -1 ? html.length : end;
      continue;
    }
    const attributes = parseAttributes(match[3] ?? '');
    if (tag === 'a') {
      closeAnchor(match.index); // an unclosed <a> ends where the next one starts
      anchor = { attributes, textStart: TAG_PATTERN.lastIndex };
    } else if (tag === 'base') {
      const href = attributes.get('href');
      if (href !== undefined && URL.canParse(href, pageUrl)) base = new URL(href, pageUrl).href;
    } else if (tag === 'meta' && attributes.get('name')?.toLowerCase() === 'pypi:repository-version') {
      apiVersion = attributes.get('content')?.trim() || null;
    }
  }
  closeAnchor(html.length);
  return { apiVersion, files };
}

function anchorToFile(attributes: Map<string, string>, text: string, base: string): SimpleFile | null {
  const href = attributes.get('href');
  if (href === undefined || href.trim() === '' || !URL.canParse(href.trim(), base)) return null;
  const url = new URL(href.trim(), base);
  const hashes = fragmentHashes(url.hash);
  url.hash = '';
  const yankedReason = attributes.get('data-yanked');
  const provenance = attributes.get('data-provenance');
  return {
    filename: fileNameOf(url, text),
    url: url.href,
    hashes,
    'requires-python': attributes.get('data-requires-python')?.trim() || null,
    yanked: yankedReason === undefined ? false : yankedReason.trim() === '' ? true : yankedReason,
    'upload-time': null,
    size: null,
    'core-metadata': metadataFlag(attributes.get('data-core-metadata')),
    'dist-info-metadata': metadataFlag(attributes.get('data-dist-info-metadata')),
    // Absent attribute: the page does not say (undefined), which is not "no provenance" (null).
    provenance: provenance === undefined ? undefined : provenance.trim() !== '' && URL.canParse(provenance.trim(), base) ? new URL(provenance.trim(), base).href : null,
  };
}
