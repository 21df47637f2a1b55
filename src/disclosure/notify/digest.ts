/**
 * One digest per run: the reminders or watch hits of that run, grouped under
 * headings, rendered as plain text (mail), Markdown (GitHub comments, Zulip,
 * Matrix) or Slack's mrkdwn. Every renderer stops adding items before the
 * message passes its channel's size limit and says how many were left out;
 * the items left out are not marked as sent, so the next run carries them.
 */

export interface DigestItem {
  /**
   * Deduplication keys: the first is the item's own (`remind:<advisory>:<clock>:<level>`,
   * `watch:<advisory>:<ecosystem>/<package>`); more when one thing has several
   * names (a vulnerability's aliases). Already sent if any of them was.
   */
  keys: string[];
  /** The advisory's id, shown first and linked to `url`. */
  id: string;
  url: string | null;
  /** One line after the id. */
  title: string;
  /** Plain-text lines under the title. */
  details: string[];
}

export interface DigestSection {
  /** `Overdue`, `Urgent`, `Due soon`, `New advisories affecting what we ship`. */
  heading: string;
  items: DigestItem[];
}

export interface Digest {
  kind: 'remind' | 'watch';
  /** The mail subject, and the message's first line. */
  subject: string;
  intro: string;
  sections: DigestSection[];
}

export type DigestFormat = 'text' | 'markdown' | 'slack' | 'zulip';

export interface RenderedDigest {
  format: DigestFormat;
  subject: string;
  body: string;
  /** The items in the body; the others did not fit and wait for the next run. */
  included: DigestItem[];
  omitted: number;
}

/** Characters allowed per message by channel; a little under each service's own limit. */
export const MESSAGE_LIMITS = {
  /** GitHub: 65,536 characters per comment. */
  githubComment: 60_000,
  /** Slack truncates `text` past 40,000 characters. */
  slack: 35_000,
  /** Zulip's default message limit is 10,000 characters. */
  zulip: 9_000,
  /** A Matrix event is at most 65,536 bytes, the HTML hookshot adds included. */
  matrix: 25_000,
  mail: 1_000_000,
} as const;

/** Every item of a digest, in order. */
export function digestItems(digest: Digest): DigestItem[] {
  return digest.sections.flatMap((section) => section.items);
}

/** Renders `digest` in `format`, keeping to `maxChars`. */
export function renderDigest(digest: Digest, format: DigestFormat, maxChars: number): RenderedDigest {
  const style = STYLES[format];
  const head = [style.title(digest.subject), '', style.text(digest.intro)].join('\n');
  const total = digestItems(digest).length;
  const parts: string[] = [head];
  let length = head.length;
  const included: DigestItem[] = [];
  // Room for the line saying how many were left out.
  const reserve = 200;
  let full = false;
  for (const section of digest.sections) {
    if (full || section.items.length === 0) continue;
    const heading = `\n${style.heading(`${section.heading} (${section.items.length})`)}\n`;
    const rendered: string[] = [];
    for (const item of section.items) {
      const block = style.item(item);
      if (length + heading.length + sum(rendered) + block.length + 1 + reserve > maxChars) {
        full = true;
        break;
      }
      rendered.push(block);
      included.push(item);
    }
    if (rendered.length > 0) {
      const text = heading + rendered.join('\n');
      parts.push(text);
      length += text.length + 1;
    }
  }
  const omitted = total - included.length;
  if (omitted > 0) parts.push('', style.text(`… and ${omitted} more, left out to keep this message short; they come in the next message.`));
  return { format, subject: digest.subject, body: parts.join('\n'), included, omitted };
}

function sum(blocks: readonly string[]): number {
  return blocks.reduce((total, block) => total + block.length + 1, 0);
}

interface Style {
  title(text: string): string;
  heading(text: string): string;
  text(text: string): string;
  item(item: DigestItem): string;
}

const plainStyle: Style = {
  title: (text) => text,
  heading: (text) => `${text}\n${'-'.repeat(Math.min(text.length, 60))}`,
  text: (text) => text,
  item: (item) => {
    const lines = [`* ${item.id}: ${item.title}`, ...item.details.map((line) => `    ${line}`)];
    if (item.url) lines.push(`    ${item.url}`);
    return lines.join('\n');
  },
};

function markdownStyle(escape: (text: string) => string): Style {
  return {
    title: (text) => `### ${escape(text)}`,
    heading: (text) => `#### ${escape(text)}`,
    text: escape,
    item: (item) => {
      const id = item.url ? `[${escape(item.id)}](${markdownUrl(item.url)})` : escape(item.id);
      return [`- ${id}: ${escape(item.title)}`, ...item.details.map((line) => `  ${escape(line)}`)].join('  \n');
    },
  };
}

/**
 * Markdown for GitHub and Matrix: text from advisories (summaries written by
 * reporters) cannot format, link or mention (`@team` would notify a team).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>#|~]/g, (character) => `\\${character}`)
    .replace(/@(?=[A-Za-z0-9])/g, '@\u200b')
    .replace(/\r?\n/g, ' ');
}

/**
 * Zulip's Slack-compatible endpoint reads Slack's `*bold*` and `_italic_`
 * and turns them into Zulip's; Markdown links pass untouched. Its rewriting
 * runs after any escaping, so asterisks and underscores that could pair are
 * replaced by look-alikes rather than escaped.
 */
export function escapeZulip(text: string): string {
  return escapeMarkdown(text.replace(/\*/g, '\u2217').replace(/(^|\W)_/g, '$1\uff3f'));
}

function markdownUrl(url: string): string {
  return url.replace(/[()\s<>]/g, (character) => encodeURIComponent(character));
}

/** Slack's mrkdwn: only `&`, `<` and `>` are escaped; links are `<url|text>`. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

const slackStyle: Style = {
  title: (text) => `*${escapeSlack(text)}*`,
  heading: (text) => `*${escapeSlack(text)}*`,
  text: escapeSlack,
  item: (item) => {
    const id = item.url ? `<${item.url.replace(/[|<>\s]/g, (character) => encodeURIComponent(character))}|${escapeSlack(item.id)}>` : escapeSlack(item.id);
    return [`• ${id}: ${escapeSlack(item.title)}`, ...item.details.map((line) => `    ${escapeSlack(line)}`)].join('\n');
  },
};

const STYLES: Record<DigestFormat, Style> = {
  text: plainStyle,
  markdown: markdownStyle(escapeMarkdown),
  zulip: markdownStyle(escapeZulip),
  slack: slackStyle,
};
