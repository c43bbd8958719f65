// Replicated writes and quorum point reads on a running node: the node's hybrid clock, the
// coordinator hook on its Store, the replica.apply, replica.read and replica.hint (fallback)
// handlers on its peer server, the read coordinator and hinted handoff, started and stopped together.

import { systemRuntime } from '../runtime.js';
import { HybridClock } from '../version/index.js';
import type { ClusterNode } from '../node/index.js';
import { checkRow, pkTypes } from '../../../storage/store.js';
import type { Store } from '../../../storage/store.js';
import { encodeKey } from '../../../storage/key-codec.js';
import { decodeRow } from '../../../storage/row-codec.js';
import { partitionOfKey } from '../../../storage/schema.js';
import type { RowKey, TableSchema } from '../../../storage/schema.js';
import type { Value } from '../../types/index.js';
import { EonError } from '../../errors/index.js';
import type { Database } from 'lmdb';
import { HintReplayer, HintStore } from '../handoff/index.js';
import type { HintKey } from '../handoff/index.js';
import type { RpcLogger } from '../rpc/index.js';
import { fallbackCandidates } from '../ring/index.js';
import { REPLICA_HINT_RPC_TYPE } from './hint-messages.js';
import { HintTaker } from './hint-taker.js';
import { REPLICA_APPLY_RPC_TYPE, parseApplyReply } from './messages.js';
import { REPLICA_READ_RPC_TYPE } from './read-messages.js';
import { ReadCoordinator, ReplicaReader } from './read-coordinator.js';
import type { ReplicaReadStore } from './read-coordinator.js';
import { ReplicaApplier } from './replica-apply.js';
import { ReplicationStats } from './stats.js';
import type { ReplicationStatsView } from './stats.js';
import { REPLICATION_TIMEOUT_MS, WriteReplicator } from './write-replicator.js';
import type { ReplicaPlacement } from './write-replicator.js';

export interface Replication {
  readonly stats: () => ReplicationStatsView;
  /** The node's hybrid clock: every version it writes or applies passes through it. */
  readonly clock: HybridClock;
  /** Writes kept for replicas that were down (hinted handoff). */
  readonly hints: HintStore;
  /** Partition p's decaying mean replication delay in ms (null: none of its writes replicated yet). */
  delayOf(partition: number): number | null;
  /** Primary-key reads at R replicas with read repair (the query engine's point reads). */
  readonly pointReads: PointReader;
  /** Whether a replica may lack a write this node coordinated to the partition (WriteReplicator.lagging). */
  lagging(table: string, partition: number, node: string): boolean;
  /** The store stops replicating (later writes are local only); requests in flight settle. */
  stop(): void;
}

/** Point reads by primary key through the key's replicas (query/execute/point-reads.ts's PointReads). */
export interface PointReader {
  /** Whether reads go to the replicas now: the node has peers and replication runs. */
  active(): boolean;
  /** Whether reads of `table` do: it is a table of this store (system tables are computed locally). */
  covers(table: TableSchema): boolean;
  /**
   * The newest row at key among R replicas (undefined: absent or deleted); quorum_unavailable below
   * R. `readQuorum`: the statement's own R (eon.read_quorum) in place of the table's.
   */
  read(table: TableSchema, key: RowKey, options?: { readonly readQuorum?: number }): Promise<Value[] | undefined>;
}

/**
 * Starts replicating the store's writes through the cluster, applying other nodes' writes, and
 * handing off hints (kept in `hintsDb`) to replicas that come back.
 */
export function startReplication(store: Store, cluster: ClusterNode, hintsDb: Database<unknown, HintKey>, log: RpcLogger): Replication {
  const clock = new HybridClock(systemRuntime.clock);
  const stats = new ReplicationStats();
  const applier = new ReplicaApplier(store, clock, stats);
  cluster.server.handle(REPLICA_APPLY_RPC_TYPE, (body) => applier.apply(body));
  const readStore: ReplicaReadStore = {
    partitions: store.partitions,
    getTable: (name) => store.getTable(name),
    versionEntryAt: (key) => store.reader.env.versions.getBinary(key),
    encodedRowAt: (table, key) => store.encodedRowAt(table, key),
  };
  const reader = new ReplicaReader(readStore, stats);
  cluster.server.handle(REPLICA_READ_RPC_TYPE, async (body) => reader.answer(body));
  const hints = new HintStore(hintsDb);
  // As a fallback (sloppy quorum): writes for a down replica kept durably, handed over by the replayer below.
  const taker = new HintTaker({
    self: cluster.nodeId,
    hints,
    isMember: (id) => cluster.swim.member(id) !== undefined,
    applyLocal: (request) => applier.apply(request),
    stats,
  });
  cluster.server.handle(REPLICA_HINT_RPC_TYPE, (body) => taker.take(body));
  const replayer = new HintReplayer({
    hints,
    isUp: (id) => cluster.isUp(id),
    deliver: async (target, body) => {
      const address = cluster.addressOf(target);
      if (address === undefined) throw new Error(`no address for ${target}`);
      const reply = await cluster.pool.request(address, REPLICA_APPLY_RPC_TYPE, body, { timeoutMs: REPLICATION_TIMEOUT_MS });
      // A table the target refuses (dropped there, or another shape) would be refused forever: the hint is done.
      for (const r of parseApplyReply(reply.body).refused) log('warn', 'hint refused by its replica', { target, table: r.table, reason: r.reason });
    },
    log,
  });
  replayer.start();
  // Kept current from membership changes: the write path asks once per group commit.
  let peers = false;
  const refresh = (): void => {
    peers = cluster.swim.members().some((m) => m.id !== cluster.nodeId && m.state !== 'left');
  };
  refresh();
  const unsubscribe = cluster.swim.onChange((c) => {
    refresh();
    // A member back from the dead gets its hints now, not at the next round.
    if (c.to === 'alive' && hints.pending(c.id) > 0) void replayer.replay();
    // One removed for good will never take them.
    if (c.to === 'left') hints.forget(c.id);
  });
  // While ownership moves (src/cluster/transfer), reads and W count among the replicas that hold
  // the partition now, and new holders still receiving it are written to as well.
  const placement: ReplicaPlacement = {
    nodeId: cluster.nodeId,
    hasPeers: () => peers,
    replicasOf: (p, n) => cluster.placementOf(p, n).serving,
    pendingOf: (p, n) => cluster.placementOf(p, n).pending,
    // Fallbacks are the next nodes of the ring in use past the partition's replicas (Dynamo's preference list).
    fallbacksOf: (p, n) => fallbackCandidates(cluster.ring.ring(), p, n ?? cluster.ring.replicaCount()),
    isUp: (id) => cluster.isUp(id),
    addressOf: (id) => cluster.addressOf(id),
  };
  const replicator = new WriteReplicator({ placement, peers: cluster.pool, clock, stats, hints });
  store.setReplication(replicator);
  const reads = new ReadCoordinator({ placement, peers: cluster.pool, store: readStore, applyLocal: (request) => applier.apply(request), stats });
  let stopped = false;
  const pointReads: PointReader = {
    active: () => !stopped && reads.active(),
    covers: (table) => store.getTable(table.name)?.id === table.id,
    read: async (table, key, options) => {
      const partition = partitionOfKey(table, key, store.partitions);
      const encoded = await reads.read(table, encodeKey(table.id, partition, pkTypes(table), key), options?.readQuorum);
      if (encoded === null) return undefined;
      try {
        const row = decodeRow(encoded);
        checkRow(table, row);
        return row;
      } catch (e) {
        throw new EonError('protocol_violation', `a replica's row of "${table.name}" does not fit the table: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
  return {
    stats: () => stats.view(),
    clock,
    hints,
    delayOf: (partition) => stats.delayOf(partition),
    pointReads,
    lagging: (table, partition, node) => replicator.lagging(table, partition, node),
    stop: () => {
      stopped = true;
      unsubscribe();
      replayer.stop();
      store.setReplication(null);
    },
  };
}
