// Replicated writes on a running node: the node's hybrid clock, the coordinator hook on its Store
// and the replica.apply handler on its peer server, started and stopped together.

import { systemRuntime } from '../runtime.js';
import { HybridClock } from '../version/index.js';
import type { ClusterNode } from '../node/index.js';
import type { Store } from '../../../storage/store.js';
import { REPLICA_APPLY_RPC_TYPE } from './messages.js';
import { ReplicaApplier } from './replica-apply.js';
import { ReplicationStats } from './stats.js';
import type { ReplicationStatsView } from './stats.js';
import { WriteReplicator } from './write-replicator.js';
import type { ReplicaPlacement } from './write-replicator.js';

export interface Replication {
  readonly stats: () => ReplicationStatsView;
  /** The store stops replicating (later writes are local only); requests in flight settle. */
  stop(): void;
}

/** Starts replicating the store's writes through the cluster, and applying other nodes' writes. */
export function startReplication(store: Store, cluster: ClusterNode): Replication {
  const clock = new HybridClock(systemRuntime.clock);
  const stats = new ReplicationStats();
  const applier = new ReplicaApplier(store, clock, stats);
  cluster.server.handle(REPLICA_APPLY_RPC_TYPE, (body) => applier.apply(body));
  // Kept current from membership changes: the write path asks once per group commit.
  let peers = false;
  const refresh = (): void => {
    peers = cluster.swim.members().some((m) => m.id !== cluster.nodeId && m.state !== 'left');
  };
  refresh();
  const unsubscribe = cluster.swim.onChange(refresh);
  const placement: ReplicaPlacement = {
    nodeId: cluster.nodeId,
    hasPeers: () => peers,
    replicasOf: (p) => cluster.replicasOf(p),
    isUp: (id) => cluster.isUp(id),
    addressOf: (id) => cluster.addressOf(id),
  };
  store.setReplication(new WriteReplicator({ placement, peers: cluster.pool, clock, stats }));
  return {
    stats: () => stats.view(),
    stop: () => {
      unsubscribe();
      store.setReplication(null);
    },
  };
}
