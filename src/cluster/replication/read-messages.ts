// The replica.read request and its reply: one primary key of one table, answered with the version
// entry and encoded row the replica holds for it. Versioned, and validated on arrival.

import { EonError } from '../../errors/index.js';
import { KEY_BYTES_MAX } from '../../../storage/key-codec.js';
import { TABLE_ID_BYTES, TABLE_NAME_CHARS_MAX, TABLE_SHAPE_CHARS_MAX } from './messages.js';
import type { RefusalReason } from './messages.js';
import { decodeVersionEntry } from './version-entry.js';

/** The RPC request type a replica answers with what it holds for a key. */
export const REPLICA_READ_RPC_TYPE = 'replica.read';
export const REPLICA_READ_PROTOCOL_VERSION = 1;

export interface ReadRequest {
  readonly kind: 'read';
  readonly v: typeof REPLICA_READ_PROTOCOL_VERSION;
  readonly table: string;
  /** tableShape() on the coordinator: a replica answers only for a table of the same shape. */
  readonly shape: string;
  /** The stored key without its table id: [partition u16][primary key…]. */
  readonly key: Uint8Array;
}

/** What one replica holds for a key. */
export interface ReplicaHolding {
  /** Its version entry (null: none, version zero). */
  readonly entry: Uint8Array | null;
  /** Its encoded row (null: absent, or deleted). */
  readonly row: Uint8Array | null;
}

export interface ReadReply extends ReplicaHolding {
  readonly kind: 'held';
  readonly v: typeof REPLICA_READ_PROTOCOL_VERSION;
  /** Why the replica could not answer for the table (then entry and row are null). */
  readonly refused: RefusalReason | null;
}

function malformed(what: string): EonError {
  return new EonError('protocol_violation', `malformed ${REPLICA_READ_RPC_TYPE} message: ${what}`);
}

function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}

function record(x: unknown, what: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || isBytes(x)) throw malformed(`${what} is not a map`);
  return x as Record<string, unknown>;
}

function checkHeader(m: Record<string, unknown>, kind: 'read' | 'held'): void {
  if (m.kind !== kind) throw malformed(`kind ${String(m.kind)}, expected ${kind}`);
  if (m.v !== REPLICA_READ_PROTOCOL_VERSION) throw malformed(`protocol version ${String(m.v)}, this node speaks ${REPLICA_READ_PROTOCOL_VERSION}`);
}

function text(x: unknown, what: string, max: number): string {
  if (typeof x !== 'string' || x.length === 0 || x.length > max) throw malformed(`${what} is not a string of 1..${max} characters`);
  return x;
}

/** Validates a request body; throws protocol_violation. */
export function parseReadRequest(body: unknown): ReadRequest {
  const m = record(body, 'request');
  checkHeader(m, 'read');
  const table = text(m.table, 'table name', TABLE_NAME_CHARS_MAX);
  const shape = text(m.shape, 'table shape', TABLE_SHAPE_CHARS_MAX);
  const key = m.key;
  if (!isBytes(key) || key.length < 2 || key.length + TABLE_ID_BYTES > KEY_BYTES_MAX) throw malformed(`the key is not 2..${KEY_BYTES_MAX - TABLE_ID_BYTES} bytes`);
  return { kind: 'read', v: REPLICA_READ_PROTOCOL_VERSION, table, shape, key };
}

const REFUSAL_REASONS: ReadonlySet<string> = new Set<RefusalReason>(['unknown-table', 'different-shape']);

/**
 * Validates a reply body; throws protocol_violation. The entry must decode, and a tombstone
 * carries no row, so the coordinator can compare and ship what it was given.
 */
export function parseReadReply(body: unknown): ReadReply {
  const m = record(body, 'reply');
  checkHeader(m, 'held');
  const { entry, row, refused } = m;
  if (entry !== null && !isBytes(entry)) throw malformed('entry is neither bytes nor null');
  if (row !== null && !isBytes(row)) throw malformed('row is neither bytes nor null');
  if (refused !== null && (typeof refused !== 'string' || !REFUSAL_REASONS.has(refused))) throw malformed('refused has an unknown reason');
  if (refused !== null && (entry !== null || row !== null)) throw malformed('a refusal carries an entry or a row');
  if (entry !== null) {
    let tombstone: boolean;
    try {
      tombstone = decodeVersionEntry(entry).tombstone;
    } catch (e) {
      throw malformed(`entry: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (tombstone && row !== null) throw malformed('a tombstone carries a row');
  }
  return { kind: 'held', v: REPLICA_READ_PROTOCOL_VERSION, entry, row, refused: refused as RefusalReason | null };
}
