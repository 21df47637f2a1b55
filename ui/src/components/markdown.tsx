import { markdownToSafeHtml } from '../lib/markdown.js';

/**
 * Advisory text (Markdown from outside) as sanitised HTML. This component is
 * the only place the UI sets HTML, and only what lib/markdown.ts returns
 * after DOMPurify; without a DOM to sanitise with, the text is shown as text.
 */
export function Markdown(props: { text: string | null | undefined; class?: string }) {
  if (props.text === null || props.text === undefined || props.text.trim() === '') return <p class="muted">No description.</p>;
  const html = markdownToSafeHtml(props.text);
  if (html === null) return <p class={`markdown plain ${props.class ?? ''}`}>{props.text}</p>;
  return <div class={`markdown ${props.class ?? ''}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
