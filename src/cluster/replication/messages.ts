// The replica.apply request and its reply: the row changes of one coordinator write for one
// replica, grouped by table. Versioned, and validated on arrival before anything trusts them.

import { EonError } from '../../errors/index.js';
import { KEY_BYTES_MAX } from '../../../storage/key-codec.js';

/** The RPC request type a replica answers. */
export const REPLICA_APPLY_RPC_TYPE = 'replica.apply';
export const REPLICA_PROTOCOL_VERSION = 1;
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

export interface ApplyRequest {
  readonly kind: 'apply';
  readonly v: typeof REPLICA_PROTOCOL_VERSION;
  /** The write's RowVersion (encodeRowVersion): every change of one write shares it. */
  readonly version: Uint8Array;
  readonly tables: TableChanges[];
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

/** Validates a request body; throws protocol_violation. Row bytes are checked by the applier. */
export function parseApplyRequest(body: unknown): ApplyRequest {
  const m = record(body, 'request');
  checkHeader(m, 'apply');
  if (!isBytes(m.version)) throw malformed('version is not bytes');
  if (!Array.isArray(m.tables)) throw malformed('tables is not a list');
  const tables = m.tables.map((t, i): TableChanges => {
    const r = record(t, `table ${i}`);
    const name = text(r.name, 'table name', TABLE_NAME_CHARS_MAX);
    const shape = text(r.shape, 'table shape', TABLE_SHAPE_CHARS_MAX);
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
  return { kind: 'apply', v: REPLICA_PROTOCOL_VERSION, version: m.version, tables };
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
