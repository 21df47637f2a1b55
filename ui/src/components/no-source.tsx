import type { ComponentChildren } from 'preact';

/**
 * A view whose run did not save the part it reads (`available: false`): it
 * says it has no data source and why, instead of an empty list that would
 * read as "nothing there".
 */
export function NoSource(props: { what: string; reason: string | null | undefined; children?: ComponentChildren; testid?: string }) {
  return (
    <div class="no-source" role="note" data-testid={props.testid ?? 'no-source'}>
      <h2>No data source</h2>
      <p>This run has no {props.what}, so there is nothing to show (this is not an empty list).</p>
      <p>
        <strong>Why:</strong> {props.reason ?? 'the run did not save this part.'}
      </p>
      {props.children}
    </div>
  );
}
