// `eon names register|check NAME`: asks one node's /v1/names/{name} and maps the answer to an exit
// code (taken now / available: 0; already taken: EXIT_CODES.nameTaken; undecided: nameUndecided).

import { EXIT_CODES } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { STATUS_TIMEOUT_MS, StatusError } from './status.js';

export interface NamesAnswer {
  readonly exitCode: ExitCode;
  /** The node's JSON answer (printed on stdout), or its error message with the hint (stderr). */
  readonly text: string;
}

/** register: POST (201 → 0, 409 → nameTaken); check: GET (404 → 0 available, 200 → nameTaken). Throws StatusError when the node cannot be reached. */
export async function namesCommand(http: string, action: 'register' | 'check', name: string, password: string | undefined, idempotencyKey?: string): Promise<NamesAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (password !== undefined) headers.authorization = `Basic ${Buffer.from(`eon:${password}`).toString('base64')}`;
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
  let response: Response;
  try {
    response = await fetch(`http://${http}/v1/names/${encodeURIComponent(name)}`, {
      method: action === 'register' ? 'POST' : 'GET',
      headers,
      signal: AbortSignal.timeout(STATUS_TIMEOUT_MS),
    });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    throw new StatusError(`cannot reach ${http}: ${cause}`);
  }
  const text = (await response.text()).trim();
  let body: { taken?: unknown; error?: { message?: string; hint?: string; code?: string } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: reported below as it is
  }
  const decided = action === 'register' ? response.status === 201 || response.status === 409 : response.status === 200 || response.status === 404;
  if (decided && typeof body.taken === 'boolean') {
    const ok = action === 'register' ? body.taken : !body.taken;
    return { exitCode: ok ? EXIT_CODES.ok : EXIT_CODES.nameTaken, text };
  }
  const message = body.error?.message === undefined ? `answered ${response.status}: ${text.slice(0, 500)}` : `${body.error.message}${body.error.code === undefined ? '' : ` (${body.error.code})`}${body.error.hint === undefined ? '' : `. ${body.error.hint}`}`;
  return { exitCode: EXIT_CODES.nameUndecided, text: `${http}: ${message}` };
}
