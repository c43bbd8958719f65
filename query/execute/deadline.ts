// Statement deadlines (statement_timeout). The coordinator executes long synchronous stretches that
// no timer callback can interrupt, so besides aborting the signal when the timer fires, the
// deadline rides along with the signal and the executor compares the clock at its cancel checks.

import { EonError } from '../../src/errors/index.js';

const deadlines = new WeakMap<AbortSignal, number>();

/** A signal that aborts on `signal` or `timeoutMs` from now, whichever comes first. */
export function signalWithDeadline(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timer = AbortSignal.timeout(timeoutMs);
  const combined = signal === undefined ? timer : AbortSignal.any([signal, timer]);
  deadlines.set(combined, performance.now() + timeoutMs);
  return combined;
}

/** The `performance.now()` past which the statement must stop; Infinity without one. */
export function deadlineOf(signal: AbortSignal | undefined): number {
  return signal === undefined ? Infinity : (deadlines.get(signal) ?? Infinity);
}

export function statementTimeoutError(): EonError {
  return new EonError('query_canceled', 'canceling statement due to statement timeout');
}
