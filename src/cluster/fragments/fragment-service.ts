// Fragments on a running node: the fragment.run handler on its peer server, and the coordinator's
// RemoteEngines over its peer pool, ring placement and membership.

import type { MemberState } from '../membership/index.js';
import type { ClusterNode } from '../node/index.js';
import type { DataEnginePool, Store, TableSchema } from '../../../storage/index.js';
import { FRAGMENT_ARGS_RPC_TYPE, FRAGMENT_RUN_RPC_TYPE } from './messages.js';
import { FragmentServer, FragmentStats, heapPressure } from './fragment-server.js';
import { ClusterRemoteEngines } from './remote-engines.js';

export interface Fragments {
  readonly remote: ClusterRemoteEngines;
  readonly stats: FragmentStats;
}

/** A member's SWIM state as fragments see it: dead, left and unknown members are all down. */
function trust(state: MemberState | undefined): 'alive' | 'suspect' | 'down' {
  return state === 'alive' || state === 'suspect' ? state : 'down';
}

/** The node's own replicas as digest reads ask them (its anti-entropy). */
export interface LocalReplicas {
  roots(table: TableSchema, partitions: readonly number[]): string[];
  repairFrom(table: TableSchema, partition: number, peer: string): Promise<string>;
}

/** `lagging`: whether a replica may lack a write this node coordinated to a table's partition (replication's). */
export function startFragments(
  store: Store,
  pool: DataEnginePool,
  cluster: ClusterNode,
  lagging: (table: string, partition: number, node: string) => boolean,
  replicas: LocalReplicas,
): Fragments {
  const stats = new FragmentStats();
  const server = new FragmentServer(
    {
      partitions: store.partitions,
      getTable: (name) => store.getTable(name),
      serves: (table, partition) => store.servesPartition(table, partition),
      run: (task, signal) => pool.run(task, { signal }),
      memoryPressure: () => heapPressure(),
    },
    stats,
  );
  cluster.server.handle(FRAGMENT_RUN_RPC_TYPE, (body, ctx) => server.answer(body, ctx.attachment, ctx.signal));
  cluster.server.handle(FRAGMENT_ARGS_RPC_TYPE, async (body, ctx) => server.keep(body, ctx.attachment));
  const remote = new ClusterRemoteEngines({
    self: cluster.nodeId,
    partitions: store.partitions,
    hasPeers: () => cluster.swim.members().some((m) => m.id !== cluster.nodeId && m.state !== 'left'),
    replicasOf: (p, n) => cluster.placementOf(p, n).serving,
    stateOf: (node) => trust(cluster.swim.member(node)?.state),
    figuresOf: (node) => cluster.swim.member(node)?.stats,
    onStateChange: (listener) => cluster.swim.onChange((c) => listener(c.id, trust(c.to))),
    addressOf: (node) => cluster.addressOf(node),
    stored: (table) => store.getTable(table.name)?.id === table.id,
    lagging,
    roots: (table, partitions) => replicas.roots(table, partitions),
    repairFrom: (table, partition, peer) => replicas.repairFrom(table, partition, peer),
    request: (address, type, body, { timeoutMs, attachment, signal }) =>
      cluster.pool.request(address, type, body, { timeoutMs, ...(attachment === undefined ? {} : { attachment }), ...(signal === undefined ? {} : { signal }) }),
  });
  return { remote, stats };
}
