// The old holder's side of a handoff transfer: answers `transfer.pull` from its own store — the
// tables it has, and a partition's rows of one table in key order after a cursor, each with its
// version entry (tombstones included, so a delete is handed off too). A row written while its node
// was alone has no entry; it travels at the lowest real version (the same from every source, so a
// copy from a second source is not applied again), and any write supersedes it.

import type { TableSchema } from '../../../storage/schema.js';
import { partitionEnd, partitionPrefix } from '../../../storage/key-codec.js';
import { TABLE_ID_BYTES, decodeVersionEntry, encodeVersionEntry, tableQuorum, tableShape } from '../replication/index.js';
import { TRANSFER_BATCH_BYTES_MAX, TRANSFER_BATCH_ROWS_MAX, TRANSFER_PROTOCOL_VERSION, parsePullRequest } from './transfer-messages.js';
import type { PullReply, TransferredRow } from './transfer-messages.js';

/** What the source reads of its store. */
export interface TransferSourceStore {
  readonly partitions: number;
  getTable(name: string): TableSchema | undefined;
  listTables(): TableSchema[];
  /** Stored keys in [start, end), ascending, at most `limit`: of rows (live) and of version entries (tombstones too). */
  keysIn(start: Buffer, end: Buffer, limit: number): Buffer[];
  versionEntryAt(key: Buffer): Uint8Array | undefined;
  encodedRowAt(table: TableSchema, key: Buffer): Uint8Array | undefined;
}

/** The version an unversioned row travels at: below every real write (whose HLC is wall-clock time). */
export const UNVERSIONED_ROW_VERSION = { hlc: 1n, node: 'unversioned' } as const;

export interface TransferSourceStats {
  batchesServed: number;
  rowsServed: number;
  malformed: number;
}

/** The smallest key after `key` (cursors are exclusive). */
function successor(key: Buffer): Buffer {
  return Buffer.concat([key, Buffer.from([0])]);
}

export class TransferSource {
  readonly stats: TransferSourceStats = { batchesServed: 0, rowsServed: 0, malformed: 0 };
  /** The entry unversioned rows travel with. */
  private readonly unversioned = encodeVersionEntry({ version: UNVERSIONED_ROW_VERSION, tombstone: false });

  constructor(private readonly store: TransferSourceStore) {}

  /** Answers one `transfer.pull` body; a malformed one is counted and refused (protocol_violation). */
  answer(body: unknown): PullReply {
    let request;
    try {
      request = parsePullRequest(body, this.store.partitions);
    } catch (e) {
      this.stats.malformed++;
      throw e;
    }
    if (request.kind === 'tables') {
      const tables = this.store.listTables().map((t) => ({ name: t.name, shape: tableShape(t), replicas: tableQuorum(t).replicas }));
      return { kind: 'tables', v: TRANSFER_PROTOCOL_VERSION, tables };
    }
    const table = this.store.getTable(request.table);
    if (table === undefined) return { kind: 'refused', v: TRANSFER_PROTOCOL_VERSION, reason: 'unknown-table' };
    if (tableShape(table) !== request.shape) return { kind: 'refused', v: TRANSFER_PROTOCOL_VERSION, reason: 'different-shape' };
    const prefix = partitionPrefix(table.id, request.partition);
    const start = request.after === null ? prefix : successor(Buffer.concat([prefix.subarray(0, TABLE_ID_BYTES), request.after]));
    const keys = this.store.keysIn(start, partitionEnd(table.id, request.partition), TRANSFER_BATCH_ROWS_MAX);
    const rows: TransferredRow[] = [];
    let bytes = 0;
    let last: Buffer | null = null;
    for (const key of keys) {
      if (bytes >= TRANSFER_BATCH_BYTES_MAX) break;
      last = key;
      const entry = this.store.versionEntryAt(key);
      const tombstone = entry !== undefined && decodeVersionEntry(entry).tombstone;
      const row = tombstone ? null : (this.store.encodedRowAt(table, key) ?? null);
      // A live entry whose row is gone cannot be handed off consistently (as anti-entropy skips it).
      if (!tombstone && row === null) continue;
      const k = Uint8Array.from(key.subarray(TABLE_ID_BYTES));
      rows.push({ k, e: entry === undefined ? this.unversioned : Uint8Array.from(entry), r: row === null ? null : Uint8Array.from(row) });
      bytes += k.length + (row?.length ?? 0) + (entry?.length ?? 0);
    }
    this.stats.batchesServed++;
    this.stats.rowsServed += rows.length;
    const more = last !== null && (keys.length === TRANSFER_BATCH_ROWS_MAX || last !== keys[keys.length - 1]);
    const next = more && last !== null ? Uint8Array.from(last.subarray(TABLE_ID_BYTES)) : null;
    return { kind: 'rows', v: TRANSFER_PROTOCOL_VERSION, rows, next };
  }
}
