// A node's place in the cluster: identity, peer RPC, membership and the ring it derives.

export { ClusterNode, SWIM_RPC_TYPE, STATS_REFRESH_MS, JOIN_RETRY_ROUND_MS } from './cluster-node.js';
export type { ClusterNodeOptions } from './cluster-node.js';
export { RingKeeper, RING_KEY, RING_SYNC_MS, RING_REFRESH_MS, RING_ADOPT_RPC, RING_ACCEPTORS_MAX } from './ring-keeper.js';
export type { AdoptedRingStore, RingMembership } from './ring-keeper.js';
export { loadOrCreateIdentity, saveIdentity, identityPath, newNodeId, IDENTITY_FILE_NAME, REMEMBERED_PEERS_MAX } from './identity.js';
export type { NodeIdentity } from './identity.js';
