// The handoff transfer's one request type, `transfer.pull`: a receiving node asks an old holder
// for the tables it has (kind `tables`), then for a partition's rows of one table in key order,
// one batch at a time after a cursor (kind `rows`). Versioned, and validated on arrival: a
// malformed request or reply is refused (protocol_violation), never trusted.

import { EonError } from '../../errors/index.js';
import { KEY_BYTES_MAX } from '../../../storage/key-codec.js';
import { TABLE_NAME_CHARS_MAX, TABLE_SHAPE_CHARS_MAX } from '../replication/messages.js';
import { FRAME_BYTES_MAX } from '../rpc/frame.js';

export const TRANSFER_PULL_RPC_TYPE = 'transfer.pull';
export const TRANSFER_PROTOCOL_VERSION = 1;
/** Most rows one batch carries (the receiver applies a batch in one group commit). */
export const TRANSFER_BATCH_ROWS_MAX = 2_000;
/** A batch stops growing once its keys and rows pass this many bytes (one row may go past it). */
export const TRANSFER_BATCH_BYTES_MAX = 1024 * 1024;
// A batch passes its byte bound by at most one row: well inside one frame.
if (TRANSFER_BATCH_BYTES_MAX * 4 > FRAME_BYTES_MAX) throw new Error('transfer batches must fit well inside one RPC frame');
/** Most tables a `tables` reply lists. */
export const TRANSFER_TABLES_MAX = 100_000;
/** Longest version entry accepted (flag byte, 8-byte HLC, length byte, node id). */
const VERSION_ENTRY_BYTES_MAX = 1 + 8 + 1 + 255;

export interface TablesRequest {
  readonly kind: 'tables';
  readonly v: typeof TRANSFER_PROTOCOL_VERSION;
}

export interface RowsRequest {
  readonly kind: 'rows';
  readonly v: typeof TRANSFER_PROTOCOL_VERSION;
  readonly partition: number;
  readonly table: string;
  /** tableShape() on the receiver: rows go only between tables of the same shape. */
  readonly shape: string;
  /** The last key (without table id) of the previous batch; null: from the partition's start. */
  readonly after: Uint8Array | null;
}

export type PullRequest = TablesRequest | RowsRequest;

/** A table the source has: its name, shape and replica count. */
export interface SourceTable {
  readonly name: string;
  readonly shape: string;
  readonly replicas: number;
}

/** One row as the source holds it: key without table id, version entry, encoded row (null: a tombstone). */
export interface TransferredRow {
  readonly k: Uint8Array;
  readonly e: Uint8Array;
  readonly r: Uint8Array | null;
}

export type PullReply =
  | { readonly kind: 'tables'; readonly v: typeof TRANSFER_PROTOCOL_VERSION; readonly tables: readonly SourceTable[] }
  | {
      readonly kind: 'rows';
      readonly v: typeof TRANSFER_PROTOCOL_VERSION;
      readonly rows: readonly TransferredRow[];
      /** The cursor for the next batch; null: the partition's rows of this table are all sent. */
      readonly next: Uint8Array | null;
    }
  | { readonly kind: 'refused'; readonly v: typeof TRANSFER_PROTOCOL_VERSION; readonly reason: 'unknown-table' | 'different-shape' };

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function malformed(what: string): EonError {
  return new EonError('protocol_violation', `malformed ${TRANSFER_PULL_RPC_TYPE} message: ${what}`);
}

function record(x: unknown, what: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || x instanceof Uint8Array) throw malformed(`${what} is not a map`);
  const r = x as Record<string, unknown>;
  if (r.v !== TRANSFER_PROTOCOL_VERSION) throw malformed(`${what} has protocol version ${String(r.v)}`);
  return r;
}

function text(x: unknown, max: number, what: string): string {
  if (typeof x !== 'string' || x.length === 0 || x.length > max) throw malformed(what);
  return x;
}

function key(x: unknown, partitions: number, partition: number, what: string): Uint8Array {
  if (!(x instanceof Uint8Array) || x.length < 2 || x.length > KEY_BYTES_MAX) throw malformed(what);
  const p = (x[0]! << 8) | x[1]!;
  if (p >= partitions || p !== partition) throw malformed(`${what} names partition ${p}, not ${partition}`);
  return x;
}

/** Validates a pull request against a ring of `partitions` partitions. */
export function parsePullRequest(body: unknown, partitions: number): PullRequest {
  const r = record(body, 'request');
  if (r.kind === 'tables') return { kind: 'tables', v: TRANSFER_PROTOCOL_VERSION };
  if (r.kind !== 'rows') throw malformed(`request kind ${String(r.kind)}`);
  const partition = r.partition;
  if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0 || partition >= partitions) throw malformed('partition');
  return {
    kind: 'rows',
    v: TRANSFER_PROTOCOL_VERSION,
    partition,
    table: text(r.table, TABLE_NAME_CHARS_MAX, 'table'),
    shape: text(r.shape, TABLE_SHAPE_CHARS_MAX, 'shape'),
    after: r.after === null ? null : key(r.after, partitions, partition, 'cursor'),
  };
}

/** Validates the reply to `request` (rows must lie in the asked partition, after the cursor). */
export function parsePullReply(body: unknown, request: PullRequest, partitions: number): PullReply {
  const r = record(body, 'reply');
  switch (r.kind) {
    case 'refused':
      if (r.reason !== 'unknown-table' && r.reason !== 'different-shape') throw malformed('refusal reason');
      return { kind: 'refused', v: TRANSFER_PROTOCOL_VERSION, reason: r.reason };
    case 'tables': {
      if (request.kind !== 'tables' || !Array.isArray(r.tables) || r.tables.length > TRANSFER_TABLES_MAX) throw malformed('tables');
      const tables = (r.tables as unknown[]).map((t): SourceTable => {
        if (typeof t !== 'object' || t === null) throw malformed('table');
        const x = t as Record<string, unknown>;
        if (typeof x.replicas !== 'number' || !Number.isInteger(x.replicas) || x.replicas < 1) throw malformed('table replicas');
        return { name: text(x.name, TABLE_NAME_CHARS_MAX, 'table name'), shape: text(x.shape, TABLE_SHAPE_CHARS_MAX, 'table shape'), replicas: x.replicas };
      });
      return { kind: 'tables', v: TRANSFER_PROTOCOL_VERSION, tables };
    }
    case 'rows': {
      if (request.kind !== 'rows' || !Array.isArray(r.rows) || r.rows.length > TRANSFER_BATCH_ROWS_MAX) throw malformed('rows');
      let last = request.after;
      const rows = (r.rows as unknown[]).map((raw): TransferredRow => {
        if (typeof raw !== 'object' || raw === null) throw malformed('row');
        const x = raw as Record<string, unknown>;
        const k = key(x.k, partitions, request.partition, 'row key');
        // Strictly ascending after the cursor: a source cannot make the receiver loop or go back.
        if (last !== null && compareBytes(k, last) <= 0) {
          throw malformed('rows out of key order');
        }
        last = k;
        if (!(x.e instanceof Uint8Array) || x.e.length < 2 || x.e.length > VERSION_ENTRY_BYTES_MAX) throw malformed('version entry');
        if (!(x.r === null || x.r instanceof Uint8Array)) throw malformed('row bytes');
        return { k, e: x.e, r: x.r };
      });
      const next = r.next === null ? null : key(r.next, partitions, request.partition, 'next cursor');
      // The cursor only moves forward, so a transfer always ends.
      if (next !== null && request.after !== null && compareBytes(next, request.after) <= 0) throw malformed('a cursor that does not move on');
      if (next !== null && last !== null && compareBytes(next, last) < 0) throw malformed('a cursor before the last row');
      return { kind: 'rows', v: TRANSFER_PROTOCOL_VERSION, rows, next };
    }
    default:
      throw malformed(`reply kind ${String(r.kind)}`);
  }
}
