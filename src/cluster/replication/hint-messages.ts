// The replica.hint request and its reply (sloppy quorum): a coordinator asks a fallback, a node
// past a partition's replica set, to keep one replica.apply request for a down replica it stands in
// for. The fallback keeps it durably in its hint store before it answers, and hands it to the
// replica when that one is back. Versioned, and validated on arrival before anything trusts them.

import { EonError } from '../../errors/index.js';
import { isValidNodeId, NODE_ID_CHARS_MAX } from '../ring/index.js';
import type { NodeId } from '../runtime.js';
import { parseApplyRequest } from './messages.js';
import type { ApplyRequest, ApplyRequestBody } from './messages.js';

/** The RPC request type a fallback answers. */
export const REPLICA_HINT_RPC_TYPE = 'replica.hint';
export const REPLICA_HINT_PROTOCOL_VERSION = 1;

export interface HintRequest {
  readonly kind: 'hint';
  readonly v: typeof REPLICA_HINT_PROTOCOL_VERSION;
  /** The down replica the write is for: the fallback hands the request to it when it is back. */
  readonly standsInFor: NodeId;
  /** The replica.apply request the replica would have been sent, as it travels (kept and replayed as such). */
  readonly request: ApplyRequestBody;
}

/** A replica.hint request as a fallback reads it: the apply request decoded, and as it came. */
export interface ReceivedHint {
  readonly standsInFor: NodeId;
  readonly request: ApplyRequest;
  /** The apply request's wire body, validated: what a hint keeps and hands to the replica. */
  readonly body: unknown;
}

export interface HintReply {
  readonly kind: 'hinted';
  readonly v: typeof REPLICA_HINT_PROTOCOL_VERSION;
  /**
   * Whether the fallback holds the write durably (a hint, or applied when it was itself the
   * replica named): only then does it count toward the write quorum.
   */
  readonly stored: boolean;
}

function malformed(what: string): EonError {
  return new EonError('protocol_violation', `malformed ${REPLICA_HINT_RPC_TYPE} message: ${what}`);
}

function record(x: unknown, what: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || x instanceof Uint8Array) throw malformed(`${what} is not a map`);
  return x as Record<string, unknown>;
}

function checkHeader(m: Record<string, unknown>, kind: 'hint' | 'hinted'): void {
  if (m.kind !== kind) throw malformed(`kind ${String(m.kind)}, expected ${kind}`);
  if (m.v !== REPLICA_HINT_PROTOCOL_VERSION) throw malformed(`protocol version ${String(m.v)}, this node speaks ${REPLICA_HINT_PROTOCOL_VERSION}`);
}

export function hintRequest(standsInFor: NodeId, request: ApplyRequestBody): HintRequest {
  return { kind: 'hint', v: REPLICA_HINT_PROTOCOL_VERSION, standsInFor, request };
}

/** Validates a request body, the apply request inside included; throws protocol_violation. */
export function parseHintRequest(body: unknown): ReceivedHint {
  const m = record(body, 'request');
  checkHeader(m, 'hint');
  if (!isValidNodeId(m.standsInFor)) throw malformed(`standsInFor is not a node id of 1..${NODE_ID_CHARS_MAX} characters`);
  let request: ApplyRequest;
  try {
    request = parseApplyRequest(m.request);
  } catch (e) {
    throw malformed(`its apply request: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { standsInFor: m.standsInFor, request, body: m.request };
}

/** Validates a reply body; throws protocol_violation. */
export function parseHintReply(body: unknown): HintReply {
  const m = record(body, 'reply');
  checkHeader(m, 'hinted');
  if (typeof m.stored !== 'boolean') throw malformed('stored is not a boolean');
  return { kind: 'hinted', v: REPLICA_HINT_PROTOCOL_VERSION, stored: m.stored };
}
