// `eon names register|check NAME`: asks one node's /v1/names/{name} and maps the answer to an exit
// code (taken now / available: 0; already taken: EXIT_CODES.nameTaken; undecided: nameUndecided).

import { EXIT_CODES } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { nodeRequest } from './status.js';

export interface NamesAnswer {
  readonly exitCode: ExitCode;
  /** The node's JSON answer (printed on stdout), or its error message with the hint (stderr). */
  readonly text: string;
}

/** register: POST (201 → 0, 409 → nameTaken); check: GET (404 → 0 available, 200 → nameTaken). Throws StatusError when the node cannot be reached. */
export async function namesCommand(http: string, action: 'register' | 'check', name: string, password: string | undefined, idempotencyKey?: string): Promise<NamesAnswer> {
  const answer = await nodeRequest(
    http,
    `/v1/names/${encodeURIComponent(name)}`,
    { method: action === 'register' ? 'POST' : 'GET', ...(idempotencyKey === undefined ? {} : { headers: { 'idempotency-key': idempotencyKey } }) },
    password,
  );
  const text = answer.text.trim();
  let body: { taken?: unknown; error?: { message?: string; hint?: string; code?: string } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: reported below as it is
  }
  const decided = action === 'register' ? answer.status === 201 || answer.status === 409 : answer.status === 200 || answer.status === 404;
  if (decided && typeof body.taken === 'boolean') {
    const ok = action === 'register' ? body.taken : !body.taken;
    return { exitCode: ok ? EXIT_CODES.ok : EXIT_CODES.nameTaken, text };
  }
  const message = body.error?.message === undefined ? `answered ${answer.status}: ${text.slice(0, 500)}` : `${body.error.message}${body.error.code === undefined ? '' : ` (${body.error.code})`}${body.error.hint === undefined ? '' : `. ${body.error.hint}`}`;
  return { exitCode: EXIT_CODES.nameUndecided, text: `${http}: ${message}` };
}
