import { escapeMarkdown } from '../markdown-text.js';

/**
 * Links in the desk's public outputs (the hall of fame, the feed). Their
 * text comes from advisories and manual records, so a link is only ever an
 * http(s) URL: a `javascript:` or `data:` URL in a manual record must not
 * become a link on a docs page.
 */

/** GitHub's login syntax: 1–39 letters, digits or single inner hyphens. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** `https://github.com/<login>` for a valid GitHub login, else null (a manual record may name a person instead). */
export function githubProfileUrl(login: string): string | null {
  return GITHUB_LOGIN.test(login) ? `https://github.com/${login}` : null;
}

/** The URL in its serialised form when it is an absolute http(s) URL, else null. */
export function safeHttpUrl(text: string): string | null {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * `[text](url)` with the text escaped, or the escaped text alone when the URL
 * is not http(s). The destination has parentheses and `|` percent-encoded
 * (they would end the link, or the table cell, early); the URL parser has
 * already encoded spaces, quotes and angle brackets.
 */
export function markdownLink(text: string, url: string | null): string {
  const safe = url === null ? null : safeHttpUrl(url);
  const label = escapeMarkdown(text);
  if (safe === null) return label;
  const destination = safe.replace(/[()|]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[${label}](${destination})`;
}
