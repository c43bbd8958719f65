// Quorum point reads: the coordinator asks a key's replicas (the table's N, first of the
// preference list) what they hold, answers once R have (counting itself where it is a replica)
// with the newest version, and afterwards writes that version back to the replicas that answered
// with an older one (read repair) through replica.apply, so a repair is just a replicated write
// delivered again. The replica's side, answering replica.read from its store, is here too.

import { EonError } from '../../errors/index.js';
import type { NodeId } from '../runtime.js';
import type { TableSchema } from '../../../storage/schema.js';
import { REPLICA_APPLY_RPC_TYPE, TABLE_ID_BYTES, encodeApplyRequest, parseApplyReply } from './messages.js';
import type { ApplyRequestBody, RefusalReason } from './messages.js';
import { REPLICA_READ_PROTOCOL_VERSION, REPLICA_READ_RPC_TYPE, parseReadReply, parseReadRequest } from './read-messages.js';
import type { ReadReply, ReadRequest, ReplicaHolding } from './read-messages.js';
import { ReadQuorum } from './read-quorum.js';
import type { ReplicationStats } from './stats.js';
import { tableQuorum, tableShape } from './table-quorum.js';
import { decodeVersionEntry, entryVersionBytes } from './version-entry.js';
import type { ReplicaPlacement, ReplicaRequester } from './write-replicator.js';

/**
 * How long a read waits for R answers before it fails with quorum_unavailable; also each
 * replica.read and repair request's own timeout. A point read is one key: a replica that has not
 * answered in this long is not going to help this statement.
 */
export const READ_TIMEOUT_MS = 3_000;

/** What a node reads of its own store to answer for a key (the Store in a node). */
export interface ReplicaReadStore {
  readonly partitions: number;
  getTable(name: string): TableSchema | undefined;
  /** The version entry stored at an encoded key (undefined: none, version zero). */
  versionEntryAt(key: Buffer): Uint8Array | undefined;
  /** The encoded row stored at an encoded key (undefined: none). */
  encodedRowAt(table: TableSchema, key: Buffer): Uint8Array | undefined;
}

/** What the store holds for an encoded key: a tombstone's row is null whatever the store has. */
export function holdingAt(store: ReplicaReadStore, table: TableSchema, key: Buffer): ReplicaHolding {
  const entry = store.versionEntryAt(key) ?? null;
  if (entry !== null && decodeVersionEntry(entry).tombstone) return { entry, row: null };
  return { entry, row: store.encodedRowAt(table, key) ?? null };
}

/** The replica's side: answers replica.read from its own store. */
export class ReplicaReader {
  constructor(
    private readonly store: ReplicaReadStore,
    private readonly stats: ReplicationStats,
  ) {}

  /** Handles one replica.read body. Malformed requests are counted and refused (protocol_violation). */
  answer(body: unknown): ReadReply {
    let request: ReadRequest;
    try {
      request = parseReadRequest(body);
    } catch (e) {
      this.stats.malformed++;
      throw e;
    }
    const table = this.store.getTable(request.table);
    const refused: RefusalReason | null = table === undefined ? 'unknown-table' : tableShape(table) !== request.shape ? 'different-shape' : null;
    if (refused !== null || table === undefined) return { kind: 'held', v: REPLICA_READ_PROTOCOL_VERSION, entry: null, row: null, refused: refused ?? 'unknown-table' };
    const key = Buffer.allocUnsafe(TABLE_ID_BYTES + request.key.length);
    key.writeUInt32BE(table.id >>> 0, 0);
    key.set(request.key, TABLE_ID_BYTES);
    const partition = key.readUInt16BE(TABLE_ID_BYTES);
    if (partition >= this.store.partitions) {
      this.stats.malformed++;
      throw new EonError('protocol_violation', `malformed ${REPLICA_READ_RPC_TYPE} message: the key names partition ${partition} of ${this.store.partitions}`);
    }
    this.stats.readsAnswered++;
    return { kind: 'held', v: REPLICA_READ_PROTOCOL_VERSION, ...holdingAt(this.store, table, key), refused: null };
  }
}

export interface ReadCoordinatorOptions {
  readonly placement: ReplicaPlacement;
  readonly peers: ReplicaRequester;
  readonly store: ReplicaReadStore;
  /** Applies a repair to this node's own store: the replica.apply handler (ReplicaApplier.apply). */
  readonly applyLocal: (request: ApplyRequestBody) => Promise<unknown>;
  readonly stats: ReplicationStats;
  readonly timeoutMs?: number;
}

export class ReadCoordinator {
  private readonly timeoutMs: number;
  /** Reads whose replicas have not all answered yet, or whose repairs are under way. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: ReadCoordinatorOptions) {
    this.timeoutMs = options.timeoutMs ?? READ_TIMEOUT_MS;
  }

  /** Whether reads go to the replicas now (the node has peers); otherwise the local read is the read. */
  active(): boolean {
    return this.options.placement.hasPeers();
  }

  /**
   * The newest encoded row at `key` (the stored key: table id, partition, primary key) among R of
   * its replicas; null when it is absent or deleted there. Fails with quorum_unavailable when
   * fewer than R answered within the timeout. `readQuorum` is a statement's own R
   * (eon.read_quorum, checked by the caller to be at most the table's N) in place of the table's.
   */
  read(table: TableSchema, key: Buffer, readQuorum?: number): Promise<Uint8Array | null> {
    const { placement, stats, store } = this.options;
    const self = placement.nodeId;
    const partition = key.readUInt16BE(TABLE_ID_BYTES);
    const settings = tableQuorum(table);
    const replicas = placement.replicasOf(partition, settings.replicas).slice(0, settings.replicas);
    if (replicas.length === 0) throw new Error(`read coordinator: partition ${partition} has no replicas`);
    const quorum = new ReadQuorum(replicas, Math.min(readQuorum ?? settings.readQuorum, replicas.length));
    stats.pointReads++;
    if (replicas.includes(self)) quorum.answered(self, holdingAt(store, table, key));
    // R met here alone (R = 1): the table (or the statement) asked for speed, so nobody else is asked (and nothing repaired).
    if (quorum.satisfied) return Promise.resolve(quorum.row());
    const request: ReadRequest = { kind: 'read', v: REPLICA_READ_PROTOCOL_VERSION, table: table.name, shape: tableShape(table), key: key.subarray(TABLE_ID_BYTES) };
    const asked: { node: NodeId; address: string }[] = [];
    for (const node of replicas) {
      if (node === self) continue;
      const address = placement.isUp(node) ? placement.addressOf(node) : undefined;
      if (address === undefined) quorum.failed(node, placement.isUp(node) ? 'no address known' : 'down');
      else asked.push({ node, address });
    }
    return new Promise<Uint8Array | null>((resolve, reject) => {
      let answered = false;
      const decide = (timeout: string | null): void => {
        if (answered) return;
        if (quorum.satisfied) {
          answered = true;
          clearTimeout(timer);
          resolve(quorum.row());
        } else if (quorum.settled || timeout !== null) {
          answered = true;
          clearTimeout(timer);
          stats.readsIncomplete++;
          reject(quorum.error(table.name, partition, timeout));
        }
      };
      const timer = setTimeout(() => decide(`no answer within ${this.timeoutMs} ms`), this.timeoutMs);
      timer.unref();
      const replies = asked.map(({ node, address }) =>
        this.options.peers.request(address, REPLICA_READ_RPC_TYPE, request, { timeoutMs: this.timeoutMs }).then(
          ({ body }) => {
            const reply = parseReadReply(body);
            if (reply.refused !== null) quorum.failed(node, `refused "${table.name}" (${reply.refused === 'unknown-table' ? 'unknown there' : 'of another shape there'})`);
            else quorum.answered(node, reply);
            decide(null);
          },
        ).catch((e: unknown) => {
          quorum.failed(node, e instanceof Error ? e.message : String(e));
          decide(null);
        }),
      );
      decide(null);
      // Once every replica asked has answered or failed: the newest of all goes to those behind it.
      const tail = Promise.all(replies)
        .then(() => this.repair(table, key, quorum))
        .catch(() => {
          stats.readRepairsFailed++;
        });
      this.inFlight.add(tail);
      void tail.finally(() => this.inFlight.delete(tail));
    });
  }

  /** Resolves once every read started so far has heard from all its replicas and finished its repairs. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Writes the newest answer back to each replica that answered with an older version. */
  private async repair(table: TableSchema, key: Buffer, quorum: ReadQuorum): Promise<void> {
    const stale = quorum.stale();
    const newest = quorum.newest();
    if (stale.length === 0 || newest === null || newest.holding.entry === null) return;
    const { placement, stats } = this.options;
    const version = entryVersionBytes(newest.holding.entry);
    const shape = tableShape(table);
    const suffix = key.subarray(TABLE_ID_BYTES);
    await Promise.all(
      stale.map(async ({ node, entry }) => {
        // The basis is what the replica said it holds: a repair is not a new write, so the
        // replica counts no conflict for it unless it changed meanwhile (as anti-entropy does).
        const request = encodeApplyRequest(version, [{ name: table.name, shape, keys: [suffix], rows: [newest.tombstone ? null : newest.holding.row], bases: [entry] }]);
        try {
          if (node === placement.nodeId) await this.options.applyLocal(request);
          else {
            const address = placement.addressOf(node);
            if (address === undefined) throw new EonError('peer_unavailable', `no address known for ${node}`);
            const { body } = await this.options.peers.request(address, REPLICA_APPLY_RPC_TYPE, request, { timeoutMs: this.timeoutMs });
            if (parseApplyReply(body).refused.length > 0) throw new EonError('protocol_violation', `${node} refused the repair of "${table.name}"`);
          }
          stats.readRepairs++;
        } catch {
          // Anti-entropy repairs what a lost repair leaves behind.
          stats.readRepairsFailed++;
        }
      }),
    );
  }
}
