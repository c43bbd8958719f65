// Anti-entropy between partition replicas: the per-replica Merkle tree and the top-down
// exchange that finds the leaf segments two replicas disagree on.

export {
  diffTrees,
  levelWidth,
  MERKLE_DEPTH,
  MERKLE_FANOUT,
  MERKLE_FORMAT_VERSION,
  MERKLE_SEGMENTS,
  MERKLE_SERIALIZED_BYTES,
  MerkleTree,
  MerkleWalk,
  segmentOf,
} from './merkle-tree.js';
export type { LevelRequest } from './merkle-tree.js';
export { AntiEntropy, ANTI_ENTROPY_INTERVAL_MS, ANTI_ENTROPY_INTERVAL_MS_MAX, ANTI_ENTROPY_INTERVAL_MS_MIN, ANTI_ENTROPY_ENTRIES_MAX, ANTI_ENTROPY_REQUEST_TIMEOUT_MS, ANTI_ENTROPY_PROTOCOL_VERSION, AE_RPC } from './anti-entropy.js';
export type { AntiEntropyOptions, AntiEntropyPeers, AntiEntropyStats, ReplicaEntry } from './anti-entropy.js';
