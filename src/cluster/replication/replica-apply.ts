// The replica's side of replicated writes: validates a replica.apply request, resolves its tables
// by name (ids may differ between nodes) and shape, and applies each change that is newer than
// the version it holds (THE RULE of src/cluster/version/row-version.ts), in one group commit: a
// request's changes are applied as one batch per table (applyBatch).

import { EonError } from '../../errors/index.js';
import { compareVersions, decodeRowVersion, resolve, valueDigest } from '../version/index.js';
import type { HybridClock, RowVersion } from '../version/index.js';
import { checkRow } from '../../../storage/store.js';
import type { ReplicaWriteTx, VersionStamp } from '../../../storage/store.js';
import { decodeRow } from '../../../storage/row-codec.js';
import type { TableSchema } from '../../../storage/schema.js';
import { REPLICA_PROTOCOL_VERSION, TABLE_ID_BYTES, parseApplyRequest } from './messages.js';
import type { ApplyReply, RefusalReason, TableChanges } from './messages.js';
import type { ReplicationStats } from './stats.js';
import { tableShape } from './table-quorum.js';
import { VERSION_ZERO, decodeVersionEntry, sameBytes, versionStamp } from './version-entry.js';

/** What the applier needs of the Store. */
export interface ReplicaStore {
  readonly partitions: number;
  getTable(name: string): TableSchema | undefined;
  applyReplicated<T>(fn: (tx: ReplicaWriteTx) => T): Promise<T>;
}

/** The outcome of one change against what the replica holds. */
export interface ChangeOutcome {
  /** The change was newer and is now stored. */
  readonly applied: boolean;
  /** The rule settled two writes that had not seen each other (counted, never silent). */
  readonly conflict: boolean;
}

const EMPTY = new Uint8Array(0);

/**
 * Applies one change (key already carrying the local table id) if its version is newer than the
 * stored one. `basis` is the entry the coordinator held before writing: equal to the stored entry
 * means the writer saw this replica's version, so replacing it is not a conflict.
 */
export function applyChange(
  tx: ReplicaWriteTx,
  table: TableSchema,
  key: Buffer,
  row: Uint8Array | null,
  basis: Uint8Array | null,
  version: RowVersion,
  stamp: VersionStamp,
): ChangeOutcome {
  return applyOver(tx, table, { key, row, basis, version, stamp }, tx.versionEntry(key));
}

/** As applyChange, against `storedEntry`, the entry the replica holds for the key (already read). */
function applyOver(tx: ReplicaWriteTx, table: TableSchema, change: IncomingChange, storedEntry: Uint8Array | undefined): ChangeOutcome {
  const { key, row, basis, version, stamp } = change;
  const stored = storedEntry === undefined ? null : decodeVersionEntry(storedEntry);
  const storedVersion = stored?.version ?? VERSION_ZERO;
  const order = compareVersions(version, storedVersion);
  // The same write delivered again: nothing to do, nothing to count.
  if (order === 0) return { applied: false, conflict: false };
  const saw = basis === null ? storedEntry === undefined : storedEntry !== undefined && sameBytes(basis, storedEntry);
  let conflict = false;
  if (!(order > 0 && saw)) {
    const storedRow = stored?.tombstone === true ? undefined : tx.storedRow(table, key);
    const incoming = { version, digest: valueDigest(row ?? EMPTY) };
    const held = { version: storedVersion, digest: valueDigest(storedRow ?? EMPTY) };
    conflict = resolve(incoming, held, { aSawB: saw }).concurrent;
  }
  if (order < 0) return { applied: false, conflict };
  tx.apply(table, key, row, row === null ? stamp.tombstone : stamp.live);
  return { applied: true, conflict };
}

/** One shipped change of a batch: the key carries the local table id. */
export interface IncomingChange {
  readonly key: Buffer;
  /** The encoded row; null deletes (a tombstone is kept). */
  readonly row: Uint8Array | null;
  /** The entry the writer held for the key before its write (null: none); see applyChange. */
  readonly basis: Uint8Array | null;
  readonly version: RowVersion;
  /** versionStamp(version): the entries stored with the change. */
  readonly stamp: VersionStamp;
}

/** What a batch did: changes stored, changes that were not newer (or lost to a newer one of the batch), conflicts settled. */
export interface BatchOutcome {
  applied: number;
  stale: number;
  conflicts: number;
}

/**
 * Applies a batch of changes to one table by the replication rule, as applyChange would one by
 * one, but with one version lookup per distinct key, all read before any write. Of several
 * changes to one key only the newest is applied; the others count as stale, as they would once it
 * is stored (equal versions are one write delivered twice: the first is kept). Changes are applied
 * in arrival order (a coordinator's are in key order per partition already; sorting them cost more
 * than it saved).
 */
export function applyBatch(tx: ReplicaWriteTx, table: TableSchema, changes: readonly IncomingChange[]): BatchOutcome {
  const outcome: BatchOutcome = { applied: 0, stale: 0, conflicts: 0 };
  if (changes.length === 0) return outcome;
  // Index of the newest change per key (by the key's bytes as latin1).
  const newest = new Map<string, number>();
  const winners: number[] = [];
  for (let i = 0; i < changes.length; i++) {
    const ks = changes[i]!.key.toString('latin1');
    const at = newest.get(ks);
    if (at === undefined) {
      newest.set(ks, winners.length);
      winners.push(i);
      continue;
    }
    outcome.stale++;
    if (compareVersions(changes[i]!.version, changes[winners[at]!]!.version) > 0) winners[at] = i;
  }
  const stored = tx.versionEntries(winners.map((i) => changes[i]!.key));
  for (let w = 0; w < winners.length; w++) {
    const result = applyOver(tx, table, changes[winners[w]!]!, stored[w]);
    if (result.applied) outcome.applied++;
    else outcome.stale++;
    if (result.conflict) outcome.conflicts++;
  }
  return outcome;
}

/** A table's changes once resolved and checked. */
interface AcceptedTable {
  readonly table: TableSchema;
  readonly changes: TableChanges;
  readonly keys: Buffer[];
}

export class ReplicaApplier {
  constructor(
    private readonly store: ReplicaStore,
    private readonly clock: HybridClock,
    private readonly stats: ReplicationStats,
  ) {}

  /** Handles one replica.apply body. Malformed requests are counted and refused (protocol_violation). */
  async apply(body: unknown): Promise<ApplyReply> {
    let version: RowVersion;
    const accepted: AcceptedTable[] = [];
    const refused: { table: string; reason: RefusalReason }[] = [];
    try {
      const request = parseApplyRequest(body);
      version = decodeRowVersion(request.version);
      for (const changes of request.tables) {
        const table = this.store.getTable(changes.name);
        const reason: RefusalReason | null = table === undefined ? 'unknown-table' : tableShape(table) !== changes.shape ? 'different-shape' : null;
        if (reason !== null || table === undefined) {
          refused.push({ table: changes.name, reason: reason ?? 'unknown-table' });
          this.stats.refused += changes.keys.length;
          continue;
        }
        accepted.push({ table, changes, keys: this.checkChanges(table, changes) });
      }
    } catch (e) {
      this.stats.malformed++;
      if (e instanceof EonError && e.code === 'protocol_violation') throw e;
      throw new EonError('protocol_violation', `malformed replica.apply message: ${e instanceof Error ? e.message : String(e)}`);
    }
    // A version from a clock too far ahead is refused whole (clock_drift_exceeded), before any write.
    this.clock.observe(version.hlc);
    const stamp = versionStamp(version);
    const counts = await this.store.applyReplicated((tx) => {
      const total: BatchOutcome = { applied: 0, stale: 0, conflicts: 0 };
      for (const { table, changes, keys } of accepted) {
        // Dropped (or dropped and created again) since the request was checked: its keys would be stray.
        if (this.store.getTable(table.name) !== table) {
          refused.push({ table: table.name, reason: 'unknown-table' });
          this.stats.refused += keys.length;
          continue;
        }
        const batch = new Array<IncomingChange>(keys.length);
        for (let i = 0; i < keys.length; i++) batch[i] = { key: keys[i]!, row: changes.rows[i]!, basis: changes.bases[i]!, version, stamp };
        const outcome = applyBatch(tx, table, batch);
        total.applied += outcome.applied;
        total.stale += outcome.stale;
        total.conflicts += outcome.conflicts;
      }
      return total;
    });
    this.stats.applied += counts.applied;
    this.stats.stale += counts.stale;
    this.stats.conflicts += counts.conflicts;
    return { kind: 'applied', v: REPLICA_PROTOCOL_VERSION, ...counts, refused };
  }

  /** Local keys for a table's changes; every row decodes and fits the table, every partition exists. */
  private checkChanges(table: TableSchema, changes: TableChanges): Buffer[] {
    const keys: Buffer[] = new Array<Buffer>(changes.keys.length);
    for (let i = 0; i < keys.length; i++) {
      const k = changes.keys[i]!;
      const key = Buffer.allocUnsafe(TABLE_ID_BYTES + k.length);
      key.writeUInt32BE(table.id >>> 0, 0);
      key.set(k, TABLE_ID_BYTES);
      if (key.readUInt16BE(TABLE_ID_BYTES) >= this.store.partitions) {
        throw new EonError('protocol_violation', `a key of "${table.name}" names partition ${key.readUInt16BE(TABLE_ID_BYTES)} of ${this.store.partitions}`);
      }
      const row = changes.rows[i];
      if (row !== null && row !== undefined) checkRow(table, decodeRow(row));
      keys[i] = key;
    }
    return keys;
  }
}
