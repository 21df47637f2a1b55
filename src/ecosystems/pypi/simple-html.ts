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

const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'textarea', 'title']);

interface OpenAnchor {
  attributes: Map<string, string>;
  textStart: number;
}

interface Tag {
  closing: boolean;
  /** Lower-cased. */
  name: string;
  /** Names lower-cased, values entity-decoded; a bare attribute has the value ''. HTML keeps the first of duplicates. */
  attributes: Map<string, string>;
  start: number;
  /** The index just past the tag's `>`. */
  end: number;
}

const isSpace = (character: string | undefined): boolean => character === ' ' || character === '\n' || character === '\t' || character === '\r' || character === '\f';
const isLetter = (character: string | undefined): boolean => character !== undefined && /^[a-zA-Z]$/.test(character);

/**
 * The tags of a page, in order, read the way an HTML tokenizer reads them:
 * forward only, so the work is linear in the page's size whatever it holds.
 * (A regular expression with alternatives for quoted values went back over
 * the rest of the page from every `<` of an unclosed quote: 80 KB of `<a "`
 * took seconds.) Comments are skipped; a tag cut off by the end of the page
 * is dropped, as browsers drop it.
 */
function* tags(html: string): Generator<Tag, void, number | undefined> {
  let index = 0;
  while (index < html.length) {
    const open = html.indexOf('<', index);
    if (open === -1) return;
    if (html.startsWith('<!--', open)) {
      const close = html.indexOf('-->', open + 4);
      if (close === -1) return;
      index = close + 3;
      continue;
    }
    const closing = html[open + 1] === '/';
    let cursor = open + (closing ? 2 : 1);
    if (!isLetter(html[cursor])) {
      index = open + 1;
      continue;
    }
    const nameStart = cursor;
    while (cursor < html.length && /[a-zA-Z0-9-]/.test(html[cursor]!)) cursor += 1;
    const name = html.slice(nameStart, cursor).toLowerCase();
    const attributes = new Map<string, string>();
    let ended = false;
    while (cursor < html.length) {
      const character = html[cursor];
      if (character === '>') {
        cursor += 1;
        ended = true;
        break;
      }
      if (isSpace(character) || character === '/') {
        cursor += 1;
        continue;
      }
      const attributeStart = cursor;
      cursor += 1; // the first character belongs to the name whatever it is (HTML allows `=` there)
      while (cursor < html.length && !isSpace(html[cursor]) && html[cursor] !== '/' && html[cursor] !== '>' && html[cursor] !== '=') cursor += 1;
      const attributeName = html.slice(attributeStart, cursor).toLowerCase();
      let after = cursor;
      while (isSpace(html[after])) after += 1;
      let value = '';
      if (html[after] === '=') {
        after += 1;
        while (isSpace(html[after])) after += 1;
        const quote = html[after];
        if (quote === '"' || quote === "'") {
          const close = html.indexOf(quote, after + 1);
          if (close === -1) return; // a value cut off by the end of the page: the tag is dropped
          value = html.slice(after + 1, close);
          cursor = close + 1;
        } else {
          const valueStart = after;
          while (after < html.length && !isSpace(html[after]) && html[after] !== '>') after += 1;
          value = html.slice(valueStart, after);
          cursor = after;
        }
      }
      if (!attributes.has(attributeName)) attributes.set(attributeName, decodeHtmlEntities(value));
    }
    if (!ended) return;
    // The caller may move the reading position (past a <script>'s text).
    const resume = yield { closing, name, attributes, start: open, end: cursor };
    index = resume ?? cursor;
  }
}

/** Text with `<…>` runs removed, in one forward pass (a `<` with no `>` after it keeps the rest). */
function withoutTags(text: string): string {
  let out = '';
  let index = 0;
  for (;;) {
    const open = text.indexOf('<', index);
    if (open === -1) return out + text.slice(index);
    const close = text.indexOf('>', open + 1);
    if (close === -1) return out + text.slice(index);
    out += text.slice(index, open);
    index = close + 1;
  }
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
    const text = decodeHtmlEntities(withoutTags(html.slice(anchor.textStart, textEnd)));
    const file = anchorToFile(anchor.attributes, text, base);
    if (file) files.push(file);
    anchor = null;
  };

  const reader = tags(html);
  let resume: number | undefined;
  for (let step = reader.next(); !step.done; step = reader.next(resume)) {
    const tag = step.value;
    resume = undefined;
    if (tag.closing) {
      if (tag.name === 'a') closeAnchor(tag.start);
      continue;
    }
    if (RAW_TEXT_ELEMENTS.has(tag.name)) {
      // Markup inside <script> or <title> is text, not links.
      lowerCaseHtml ??= html.toLowerCase();
      const end = lowerCaseHtml.indexOf(`</${tag.name}`, tag.end);
      resume = end === -1 ? html.length : end;
      continue;
    }
    if (tag.name === 'a') {
      closeAnchor(tag.start); // an unclosed <a> ends where the next one starts
      anchor = { attributes: tag.attributes, textStart: tag.end };
    } else if (tag.name === 'base') {
      const href = tag.attributes.get('href');
      if (href !== undefined && URL.canParse(href, pageUrl)) base = new URL(href, pageUrl).href;
    } else if (tag.name === 'meta' && tag.attributes.get('name')?.toLowerCase() === 'pypi:repository-version') {
      apiVersion = tag.attributes.get('content')?.trim() || null;
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
