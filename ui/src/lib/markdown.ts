import DOMPurify, { type Config } from 'dompurify';
import { Marked } from 'marked';

/**
 * Advisory text is Markdown written by outsiders (a reporter, a GitHub
 * advisory): marked turns it into HTML, then DOMPurify keeps only plain
 * formatting. Nothing else in the UI sets HTML; this is the one place, and it
 * never returns unsanitised HTML.
 *
 * Two layers. marked is told to write raw HTML in the Markdown as text (it is
 * shown, escaped, never parsed as markup), images as links, and links only
 * when safeHref accepts them; so what reaches DOMPurify has no handler or
 * style attribute at all (Chromium reports a CSP violation for such an
 * attribute even in DOMPurify's inert document). DOMPurify then applies the
 * allowlist below to whatever marked wrote.
 *
 * Strict on purpose: no style (the CSP would block it and it can hide text),
 * no images (a remote image tells a third party who reads the advisory and
 * when; a data: image is a payload carrier), no forms, no SVG or MathML, no
 * event handlers, and links only to http, https and mailto, opening in a new
 * tab without a referrer or an opener.
 */

const ALLOWED_TAGS = [
  'a', 'p', 'br', 'hr', 'em', 'strong', 'del', 's', 'code', 'pre', 'kbd', 'sup', 'sub', 'blockquote',
  'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary',
];
const ALLOWED_ATTR = ['href', 'title', 'colspan', 'rowspan', 'start'];

export const SANITIZE_CONFIG: Config = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
  FORBID_TAGS: ['style', 'script', 'img', 'svg', 'math', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'link', 'meta', 'base'],
  FORBID_ATTR: ['style', 'srcset', 'src', 'action', 'formaction', 'xlink:href'],
  KEEP_CONTENT: true,
  RETURN_TRUSTED_TYPE: false,
};

/**
 * The link target kept, or null: http, https and mailto only, judged after
 * removing what browsers ignore in a URL (whitespace and control characters
 * anywhere, so `java\tscript:` is `javascript:`).
 */
export function safeHref(href: string): string | null {
  // eslint-disable-next-line no-control-regex
  const compact = href.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  return /^(?:https?:\/\/|mailto:)/i.test(compact) ? href.trim() : null;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

const marked = new Marked({ gfm: true, breaks: false, async: false });
marked.use({
  renderer: {
    // Raw HTML in the Markdown is shown as the text it is.
    html({ text, block }) {
      return block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text);
    },
    // An image becomes a link to it (the reader decides to load it).
    image({ href, text }) {
      const safe = safeHref(href);
      const label = `${text || 'image'} (image)`;
      return safe === null ? escapeHtml(label) : `<a href="${escapeHtml(safe)}">${escapeHtml(label)}</a>`;
    },
    link({ href, title, tokens }) {
      const inner = this.parser.parseInline(tokens);
      const safe = safeHref(href);
      if (safe === null) return inner;
      return `<a href="${escapeHtml(safe)}"${title ? ` title="${escapeHtml(title)}"` : ''}>${inner}</a>`;
    },
  },
});

/**
 * The first layer alone: Markdown → HTML with raw HTML escaped, images as
 * links and unsafe links as plain text. Not for the page by itself (the page
 * gets markdownToSafeHtml); pure, so it is tested without a DOM.
 */
export function markdownToHtml(markdown: string): string {
  return marked.parse(markdown, { async: false });
}

let purifier: ReturnType<typeof DOMPurify> | null = null;

function getPurifier(): ReturnType<typeof DOMPurify> | null {
  if (purifier !== null) return purifier;
  if (typeof window === 'undefined' || !DOMPurify.isSupported) return null;
  purifier = DOMPurify(window);
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName !== 'A') return;
    const href = node.getAttribute('href');
    const safe = href === null ? null : safeHref(href);
    if (safe === null) node.removeAttribute('href');
    else {
      node.setAttribute('href', safe);
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
  return purifier;
}

/**
 * Markdown → sanitised HTML, or null when there is no DOM to sanitise with
 * (the caller then shows the text as text). The HTML goes into the page with
 * `dangerouslySetInnerHTML` only through components/markdown.tsx.
 */
export function markdownToSafeHtml(markdown: string): string | null {
  const purify = getPurifier();
  if (purify === null) return null;
  const html = markdownToHtml(markdown);
  // target and rel are set by the hook after the attributes were filtered, so the input cannot set them.
  return purify.sanitize(html, SANITIZE_CONFIG);
}
