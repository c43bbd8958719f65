// Maps any failure of a REST request to an HTTP status and the JSON error body
// {"error":{"code": SQLSTATE, "message", "position"?, "detail"?, "hint"?}}.

import { ERROR_CODES, EonError, toEonError } from '../../src/errors/index.js';

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly position?: number;
    readonly detail?: string;
    readonly hint?: string;
  };
}

export interface HttpFailure {
  readonly status: number;
  readonly body: ErrorBody;
  /** True for failures a user should not be able to cause (worth an error log line). */
  readonly internal: boolean;
}

export function errorBody(e: EonError): ErrorBody {
  return {
    error: {
      code: e.sqlstate,
      message: e.message,
      ...(e.position === undefined ? {} : { position: e.position }),
      ...(e.detail === undefined ? {} : { detail: e.detail }),
      ...(e.hint === undefined ? {} : { hint: e.hint }),
    },
  };
}

/**
 * Request-level faults from fastify (malformed JSON, schema violations, wrong media type) are
 * reported as 08P01 protocol_violation: the request broke the REST protocol before any SQL ran.
 * An oversized body is 54000 program_limit_exceeded with status 413.
 */
export function httpFailure(e: unknown): HttpFailure {
  if (e instanceof EonError) return { status: e.httpStatus, body: errorBody(e), internal: e.code === 'internal_error' };
  const status = fastifyStatus(e);
  if (status !== undefined && status >= 400 && status < 500) {
    const message = e instanceof Error ? e.message : String(e);
    if (status === 415) {
      const body = errorBody(new EonError('protocol_violation', 'unsupported content type: send application/json'));
      return { status, body, internal: false };
    }
    if (status === 413) {
      return { status, body: errorBody(new EonError('program_limit_exceeded', message)), internal: false };
    }
    return { status, body: errorBody(new EonError('protocol_violation', message)), internal: false };
  }
  const wrapped = toEonError(e);
  return { status: ERROR_CODES[wrapped.code].http, body: errorBody(wrapped), internal: wrapped.code === 'internal_error' };
}

function fastifyStatus(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  if ('validation' in e && e.validation !== undefined) return 400;
  if ('statusCode' in e && typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}
