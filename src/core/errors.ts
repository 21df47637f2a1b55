/**
 * Errors carry a stable `code` and, where it helps, a location and a cause.
 * Only cli/ and server/ turn codes into sentences (after redacting secrets).
 * Three kinds of failure are kept apart (STYLE rule 7):
 *   - absent: functions return null / a result value, never throw;
 *   - the host failed: HostError (status, retryable), raised by the HTTP layer;
 *   - a bug: a plain thrown Error.
 */
export type ErrorCode =
  | 'invalid-version'
  | 'invalid-range'
  | 'invalid-requirement'
  | 'invalid-name'
  | 'parse-error'
  | 'unsupported-format'
  | 'unreadable-file'
  | 'input-too-large'
  | 'invalid-encoding'
  | 'include-loop'
  | 'include-too-deep'
  | 'not-scannable'
  | 'invalid-advisory'
  | 'invalid-config'
  | 'invalid-argument'
  | 'source-unreachable'
  | 'host-error'
  | 'store-error';

export interface ErrorLocation {
  path: string;
  line?: number;
  column?: number;
}

export class ChainwatchError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation | undefined;

  constructor(code: ErrorCode, message: string, options: { location?: ErrorLocation; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChainwatchError';
    this.code = code;
    this.location = options.location;
  }

  /** `path:line: message` — the form every report uses for a located error. */
  describe(): string {
    if (!this.location) return this.message;
    const where = this.location.line === undefined ? this.location.path : `${this.location.path}:${this.location.line}`;
    return `${where}: ${this.message}`;
  }
}

/** A host (registry, API, download) answered badly or not at all. */
export class HostError extends ChainwatchError {
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly source: string;

  constructor(source: string, message: string, options: { status?: number; retryable?: boolean; cause?: unknown } = {}) {
    super('host-error', message, { cause: options.cause });
    this.name = 'HostError';
    this.source = source;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

/** Parse results are values: a failure is never a silent 0 or 1 (STYLE rule 3). */
export type Result<T, E = ChainwatchError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<E = ChainwatchError>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
