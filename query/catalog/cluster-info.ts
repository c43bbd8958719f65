// The cluster as eon_nodes and eon_partitions show it. The cluster layer plugs its own provider
// in through createQueryEngine({ cluster }); until then a node describes itself alone.

import type { ClusterView } from '../../src/cluster/view/cluster-view.js';
import type { Store } from '../../storage/index.js';

/** One ring partition: its owner, the nodes holding replicas (owner first) and its health. */
export interface PartitionInfo {
  readonly partition: number;
  readonly owner: string;
  readonly replicas: readonly string[];
  /** Live rows, or null when counting them is not cheap. */
  readonly rows: number | null;
  /** Decaying mean time from a write's commit to every replica holding it; null: none replicated yet (or a node alone). */
  readonly replicationDelayMs: number | null;
  readonly hintsPending: number;
}

export interface ClusterInfoProvider {
  view(): ClusterView;
  partitions(): readonly PartitionInfo[];
}

/** The id a standalone node reports for itself. */
export const STANDALONE_NODE_ID = 'local';

/** A node that is the whole cluster: one live member owning every partition of its store. */
export function standaloneClusterInfo(store: Store, nodeId: string = STANDALONE_NODE_ID): ClusterInfoProvider {
  return {
    view() {
      return {
        self: nodeId,
        partitions: store.partitions,
        replicas: 1,
        ringVersion: 0,
        members: [
          {
            id: nodeId,
            peer: '',
            state: 'alive',
            incarnation: 0,
            pgPort: null,
            httpPort: null,
            partitionsOwned: store.partitions,
            partitionsHeld: store.partitions,
            stats: {},
          },
        ],
      };
    },
    partitions() {
      const out: PartitionInfo[] = [];
      for (let p = 0; p < store.partitions; p++) {
        out.push({ partition: p, owner: nodeId, replicas: [nodeId], rows: null, replicationDelayMs: null, hintsPending: 0 });
      }
      return out;
    },
  };
}
