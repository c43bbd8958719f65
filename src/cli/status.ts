// `eon status`: asks one node for GET /v1/cluster and prints the members as a table.

import { formatClusterView, parseClusterView } from '../cluster/view/cluster-view.js';
import type { ClusterView } from '../cluster/view/cluster-view.js';

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

export interface NodeAnswer {
  readonly status: number;
  readonly text: string;
}

/**
 * One request to a node's REST API (`http` is HOST:PORT) with EON_PASSWORD's HTTP Basic
 * credentials when given; a node that cannot be reached within STATUS_TIMEOUT_MS is a StatusError.
 */
export async function nodeRequest(
  http: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; timeoutMs?: number },
  password: string | undefined,
): Promise<NodeAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (password !== undefined) headers.authorization = `Basic ${Buffer.from(`eon:${password}`).toString('base64')}`;
  let response: Response;
  try {
    response = await fetch(`http://${http}${path}`, { method: options.method ?? 'GET', headers, signal: AbortSignal.timeout(options.timeoutMs ?? STATUS_TIMEOUT_MS) });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    throw new StatusError(`cannot reach ${http}: ${cause}`);
  }
  return { status: response.status, text: await response.text() };
}

/** The message (and hint) of an eon error body, or the start of the text when it is not one. */
export function errorMessageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: string; hint?: string } };
    if (body.error?.message !== undefined) return body.error.message + (body.error.hint === undefined ? '' : ` (${body.error.hint})`);
  } catch {
    // not JSON: show the text
  }
  return text.slice(0, 500);
}

/** POSTs to a node's cluster endpoint (leave, remove/{node}); returns its JSON answer as text. */
export async function clusterCommand(http: string, what: string, password: string | undefined): Promise<string> {
  const answer = await nodeRequest(http, `/v1/cluster/${what}`, { method: 'POST' }, password);
  if (answer.status >= 300) throw new StatusError(`${http}: ${errorMessageOf(answer.text)}`, true);
  return answer.text;
}

/** The cluster view of the node at http (HOST:PORT); a StatusError when it is unreachable or answers no view. */
export async function readClusterView(http: string, password: string | undefined, timeoutMs: number = STATUS_TIMEOUT_MS): Promise<ClusterView> {
  const answer = await nodeRequest(http, '/v1/cluster', { timeoutMs }, password);
  if (answer.status !== 200) throw new StatusError(`${http} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new StatusError(`${http} did not answer with JSON`);
  }
  const view = parseClusterView(body);
  if (view === null) throw new StatusError(`${http} answered something that is not a cluster view`);
  return view;
}

/** Fetches and formats the cluster view of the node at http (HOST:PORT). */
export async function clusterStatus(http: string, password: string | undefined): Promise<string> {
  return formatClusterView(await readClusterView(http, password));
}
