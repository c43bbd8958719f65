// `eon status`: asks one node for GET /v1/cluster and prints the members as a table.

import { formatClusterView, parseClusterView } from '../cluster/view/cluster-view.js';

/** A node that does not answer within this long is reported as unreachable. */
export const STATUS_TIMEOUT_MS = 5_000;

export class StatusError extends Error {
  /** True when the node answered but refused (an error response), false when it was not reached. */
  readonly refused: boolean;

  constructor(message: string, refused = false) {
    super(message);
    this.name = 'StatusError';
    this.refused = refused;
  }
}

/** POSTs to a node's cluster endpoint (leave, remove/{node}); returns its JSON answer as text. */
export async function clusterCommand(http: string, what: string, password: string | undefined): Promise<string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (password !== undefined) headers.authorization = `Basic ${Buffer.from(`eon:${password}`).toString('base64')}`;
  let response: Response;
  try {
    response = await fetch(`http://${http}/v1/cluster/${what}`, { method: 'POST', headers, signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    throw new StatusError(`cannot reach ${http}: ${cause}`);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 500);
    try {
      const body = JSON.parse(text) as { error?: { message?: string; hint?: string } };
      if (body.error?.message !== undefined) message = body.error.message + (body.error.hint === undefined ? '' : ` (${body.error.hint})`);
    } catch {
      // not JSON: show the text
    }
    throw new StatusError(`${http}: ${message}`, true);
  }
  return text;
}

/** Fetches and formats the cluster view of the node at http (HOST:PORT); EON_PASSWORD is sent as HTTP Basic credentials. */
export async function clusterStatus(http: string, password: string | undefined): Promise<string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (password !== undefined) headers.authorization = `Basic ${Buffer.from(`eon:${password}`).toString('base64')}`;
  let response: Response;
  try {
    response = await fetch(`http://${http}/v1/cluster`, { headers, signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    throw new StatusError(`cannot reach ${http}: ${cause}`);
  }
  const text = await response.text();
  if (!response.ok) throw new StatusError(`${http} answered ${response.status}: ${text.slice(0, 500)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new StatusError(`${http} did not answer with JSON`);
  }
  const view = parseClusterView(body);
  if (view === null) throw new StatusError(`${http} answered something that is not a cluster view`);
  return formatClusterView(view);
}
