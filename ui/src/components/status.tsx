import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, setToken } from '../api.js';
import type { Loadable } from '../use-api.js';

/** Loading, error and empty states: each says what is happening or why there is nothing. */
export function Loading(props: { what: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      Loading {props.what}…
    </p>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

export function ErrorMessage(props: { error: unknown; what: string }) {
  const error = props.error;
  const status = error instanceof ApiError ? error.status : 0;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div class="error-message" role="alert">
      <p>
        <strong>Could not load {props.what}.</strong> {message}
        {error instanceof ApiError && error.code !== `http-${status}` && <span class="error-code"> ({error.code})</span>}
      </p>
      {status === 401 && <TokenForm />}
    </div>
  );
}

function TokenForm() {
  const [value, setValue] = useState('');
  return (
    <form
      class="token-form"
      onSubmit={(event) => {
        event.preventDefault();
        setToken(value.trim());
        window.location.reload();
      }}
    >
      <label>
        Access token (the server's <code>CHAINWATCH_SERVE_TOKEN</code>)
        <input type="password" autocomplete="off" value={value} onInput={(event) => setValue(event.currentTarget.value)} required />
      </label>
      <button type="submit">Use token</button>
    </form>
  );
}

/** Renders a loadable value: the loading line, the error, or the children with the data. */
export function Await<T>(props: { state: Loadable<T>; what: string; children: (data: T) => ComponentChildren }) {
  const { state } = props;
  if (state.status === 'loading') return <Loading what={props.what} />;
  if (state.status === 'error') return <ErrorMessage error={state.error} what={props.what} />;
  return <>{props.children(state.data)}</>;
}
