// The replica.apply request and its reply: the row changes of one coordinator write for one
// replica, grouped by table. Versioned, and validated on arrival before anything trusts them.
//
// On the wire (version 2) a table's changes are one byte string, not three lists of byte strings:
// msgpack then copies one buffer instead of encoding three items per row (a 1,000-row INSERT's
// request packed about five times faster). Per change, in order:
//   [key length u16][key][row length u32, ROW_NULL_LENGTH: a delete][row][basis length u16, BASIS_NULL_LENGTH: none][basis]
// Version 1 requests (the three lists) are still taken: hints an older build kept replay.

import { EonError } from '../../errors/index.js';
import { KEY_BYTES_MAX } from '../../../storage/key-codec.js';

/** The RPC request type a replica answers. */
export const REPLICA_APPLY_RPC_TYPE = 'replica.apply';
export const REPLICA_PROTOCOL_VERSION = 2;
/** The previous request format (TableChanges' three lists as they are), still accepted. */
export const REPLICA_LISTS_PROTOCOL_VERSION = 1;
/** A row length that marks a delete (no row bytes follow). */
export const ROW_NULL_LENGTH = 0xffff_ffff;
/** A basis length that marks no basis (no bytes follow). */
export const BASIS_NULL_LENGTH = 0xffff;
/** Table id bytes at the front of a stored key: not shipped (ids may differ between nodes). */
export const TABLE_ID_BYTES = 4;
/** Longest table name a request may name (PostgreSQL identifiers are at most 63 bytes). */
export const TABLE_NAME_CHARS_MAX = 255;
/** Longest table shape string accepted (a 1,600-column table's shape fits). */
export const TABLE_SHAPE_CHARS_MAX = 256 * 1024;

/** The changes of one table: parallel arrays, one entry per row. */
export interface TableChanges {
  readonly name: string;
  /** tableShape() on the coordinator: a replica applies only to a table of the same shape. */
  readonly shape: string;
  /** Stored keys without their table id: [partition u16][primary key…]. */
  readonly keys: Uint8Array[];
  /** Encoded rows (row-codec); null deletes. */
  readonly rows: (Uint8Array | null)[];
  /** The version entry the coordinator held for the key before the write (null: none). */
  readonly bases: (Uint8Array | null)[];
}

/** A request as parsed (whatever version it came in). */
export interface ApplyRequest {
  readonly kind: 'apply';
  readonly v: typeof REPLICA_PROTOCOL_VERSION | typeof REPLICA_LISTS_PROTOCOL_VERSION;
  /** The write's RowVersion (encodeRowVersion): every change of one write shares it. */
  readonly version: Uint8Array;
  readonly tables: TableChanges[];
}

/** A table's changes as a version 2 request carries them. */
export interface PackedTableChanges {
  readonly name: string;
  readonly shape: string;
  /** The changes, packed as the header of this file says. */
  readonly changes: Uint8Array;
}

/** A request as it is sent (and kept as a hint). */
export interface ApplyRequestBody {
  readonly kind: 'apply';
  readonly v: typeof REPLICA_PROTOCOL_VERSION;
  readonly version: Uint8Array;
  readonly tables: PackedTableChanges[];
}

/** Packs one table's changes (the header of this file); keys, rows and bases are parallel. */
export function packChanges(changes: TableChanges): Uint8Array {
  const { keys, rows, bases } = changes;
  let bytes = 0;
  for (let i = 0; i < keys.length; i++) bytes += 8 + keys[i]!.length + (rows[i]?.length ?? 0) + (bases[i]?.length ?? 0);
  const out = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key.length >= BASIS_NULL_LENGTH) throw new EonError('internal_error', `a replicated key of ${key.length} bytes`);
    at = out.writeUInt16BE(key.length, at);
    out.set(key, at);
    at += key.length;
    const row = rows[i];
    if (row === null || row === undefined) at = out.writeUInt32BE(ROW_NULL_LENGTH, at);
    else {
      at = out.writeUInt32BE(row.length, at);
      out.set(row, at);
      at += row.length;
    }
    const basis = bases[i];
    if (basis === null || basis === undefined) at = out.writeUInt16BE(BASIS_NULL_LENGTH, at);
    else {
      at = out.writeUInt16BE(basis.length, at);
      out.set(basis, at);
      at += basis.length;
    }
  }
  return out;
}

/** The body of a request carrying `tables`' changes at `version` (RowVersion bytes). */
export function encodeApplyRequest(version: Uint8Array, tables: readonly TableChanges[]): ApplyRequestBody {
  return { kind: 'apply', v: REPLICA_PROTOCOL_VERSION, version, tables: tables.map((t) => ({ name: t.name, shape: t.shape, changes: packChanges(t) })) };
}

/** Why a replica would not take a table's changes. */
export type RefusalReason = 'unknown-table' | 'different-shape';

export interface ApplyReply {
  readonly kind: 'applied';
  readonly v: typeof REPLICA_PROTOCOL_VERSION;
  readonly applied: number;
  readonly stale: number;
  readonly conflicts: number;
  /** Tables whose changes were not applied: they do not count toward the write quorum. */
  readonly refused: { readonly table: string; readonly reason: RefusalReason }[];
}

function malformed(what: string): EonError {
  return new EonError('protocol_violation', `malformed ${REPLICA_APPLY_RPC_TYPE} message: ${what}`);
}

function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}

function record(x: unknown, what: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || isBytes(x)) throw malformed(`${what} is not a map`);
  return x as Record<string, unknown>;
}

function checkHeader(m: Record<string, unknown>, kind: 'apply' | 'applied'): void {
  if (m.kind !== kind) throw malformed(`kind ${String(m.kind)}, expected ${kind}`);
  if (m.v !== REPLICA_PROTOCOL_VERSION) throw malformed(`protocol version ${String(m.v)}, this node speaks ${REPLICA_PROTOCOL_VERSION}`);
}

function text(x: unknown, what: string, max: number): string {
  if (typeof x !== 'string' || x.length === 0 || x.length > max) throw malformed(`${what} is not a string of 1..${max} characters`);
  return x;
}

/** Splits a packed table's changes into views of `bytes` (each key's length checked); throws protocol_violation. */
export function unpackChanges(name: string, shape: string, bytes: Uint8Array): TableChanges {
  const keys: Uint8Array[] = [];
  const rows: (Uint8Array | null)[] = [];
  const bases: (Uint8Array | null)[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (at: number, n: number): void => {
    if (at + n > bytes.length) throw malformed(`table ${name}: changes end inside a change`);
  };
  let at = 0;
  while (at < bytes.length) {
    need(at, 2);
    const keyLength = view.getUint16(at);
    at += 2;
    if (keyLength < 2 || keyLength + TABLE_ID_BYTES > KEY_BYTES_MAX) throw malformed(`table ${name}: a key is not 2..${KEY_BYTES_MAX - TABLE_ID_BYTES} bytes`);
    need(at, keyLength + 4);
    keys.push(bytes.subarray(at, at + keyLength));
    at += keyLength;
    const rowLength = view.getUint32(at);
    at += 4;
    if (rowLength === ROW_NULL_LENGTH) rows.push(null);
    else {
      need(at, rowLength);
      rows.push(bytes.subarray(at, at + rowLength));
      at += rowLength;
    }
    need(at, 2);
    const basisLength = view.getUint16(at);
    at += 2;
    if (basisLength === BASIS_NULL_LENGTH) bases.push(null);
    else {
      need(at, basisLength);
      bases.push(bytes.subarray(at, at + basisLength));
      at += basisLength;
    }
  }
  return { name, shape, keys, rows, bases };
}

/** Validates a request body (version 2, or 1); throws protocol_violation. Row bytes are checked by the applier. */
export function parseApplyRequest(body: unknown): ApplyRequest {
  const m = record(body, 'request');
  if (m.kind !== 'apply') throw malformed(`kind ${String(m.kind)}, expected apply`);
  if (m.v !== REPLICA_PROTOCOL_VERSION && m.v !== REPLICA_LISTS_PROTOCOL_VERSION) {
    throw malformed(`protocol version ${String(m.v)}, this node speaks ${REPLICA_PROTOCOL_VERSION} (and takes ${REPLICA_LISTS_PROTOCOL_VERSION})`);
  }
  const packed = m.v === REPLICA_PROTOCOL_VERSION;
  if (!isBytes(m.version)) throw malformed('version is not bytes');
  if (!Array.isArray(m.tables)) throw malformed('tables is not a list');
  const tables = m.tables.map((t, i): TableChanges => {
    const r = record(t, `table ${i}`);
    const name = text(r.name, 'table name', TABLE_NAME_CHARS_MAX);
    const shape = text(r.shape, 'table shape', TABLE_SHAPE_CHARS_MAX);
    if (packed) {
      if (!isBytes(r.changes)) throw malformed(`table ${name}: changes is not bytes`);
      return unpackChanges(name, shape, r.changes);
    }
    const { keys, rows, bases } = r;
    if (!Array.isArray(keys) || !Array.isArray(rows) || !Array.isArray(bases)) throw malformed(`table ${name}: keys, rows or bases is not a list`);
    if (rows.length !== keys.length || bases.length !== keys.length) throw malformed(`table ${name}: keys, rows and bases differ in length`);
    for (const k of keys) {
      if (!isBytes(k) || k.length < 2 || k.length + TABLE_ID_BYTES > KEY_BYTES_MAX) throw malformed(`table ${name}: a key is not 2..${KEY_BYTES_MAX - TABLE_ID_BYTES} bytes`);
    }
    for (const x of rows) if (x !== null && !isBytes(x)) throw malformed(`table ${name}: a row is neither bytes nor null`);
    for (const x of bases) if (x !== null && !isBytes(x)) throw malformed(`table ${name}: a basis is neither bytes nor null`);
    return { name, shape, keys: keys as Uint8Array[], rows: rows as (Uint8Array | null)[], bases: bases as (Uint8Array | null)[] };
  });
  return { kind: 'apply', v: packed ? REPLICA_PROTOCOL_VERSION : REPLICA_LISTS_PROTOCOL_VERSION, version: m.version, tables };
}

const REFUSAL_REASONS: ReadonlySet<string> = new Set<RefusalReason>(['unknown-table', 'different-shape']);

function count(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) throw malformed(`${what} is not a count`);
  return x;
}

/** Validates a reply body; throws protocol_violation. */
export function parseApplyReply(body: unknown): ApplyReply {
  const m = record(body, 'reply');
  checkHeader(m, 'applied');
  if (!Array.isArray(m.refused)) throw malformed('refused is not a list');
  const refused = m.refused.map((x, i) => {
    const r = record(x, `refusal ${i}`);
    const table = text(r.table, 'refused table', TABLE_NAME_CHARS_MAX);
    if (typeof r.reason !== 'string' || !REFUSAL_REASONS.has(r.reason)) throw malformed(`refusal ${i} has an unknown reason`);
    return { table, reason: r.reason as RefusalReason };
  });
  return {
    kind: 'applied',
    v: REPLICA_PROTOCOL_VERSION,
    applied: count(m.applied, 'applied'),
    stale: count(m.stale, 'stale'),
    conflicts: count(m.conflicts, 'conflicts'),
    refused,
  };
}
