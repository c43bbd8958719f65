// Replicated writes on a running node: the node's hybrid clock, the coordinator hook on its Store,
// the replica.apply handler on its peer server and hinted handoff, started and stopped together.

import { systemRuntime } from '../runtime.js';
import { HybridClock } from '../version/index.js';
import type { ClusterNode } from '../node/index.js';
import type { Store } from '../../../storage/store.js';
import type { Database } from 'lmdb';
import { HintReplayer, HintStore } from '../handoff/index.js';
import type { HintKey } from '../handoff/index.js';
import type { RpcLogger } from '../rpc/index.js';
import { REPLICA_APPLY_RPC_TYPE, parseApplyReply } from './messages.js';
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
  /** The store stops replicating (later writes are local only); requests in flight settle. */
  stop(): void;
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
  const hints = new HintStore(hintsDb);
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
  const placement: ReplicaPlacement = {
    nodeId: cluster.nodeId,
    hasPeers: () => peers,
    replicasOf: (p) => cluster.replicasOf(p),
    isUp: (id) => cluster.isUp(id),
    addressOf: (id) => cluster.addressOf(id),
  };
  store.setReplication(new WriteReplicator({ placement, peers: cluster.pool, clock, stats, hints }));
  return {
    stats: () => stats.view(),
    clock,
    hints,
    delayOf: (partition) => stats.delayOf(partition),
    stop: () => {
      unsubscribe();
      replayer.stop();
      store.setReplication(null);
    },
  };
}
