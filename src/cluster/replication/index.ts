// Replicated SQL writes: row versions stored with every change, the coordinator shipping each
// write to its partitions' replicas and waiting for W, and replicas applying newer versions only;
// and quorum point reads at R replicas with read repair.

export { REPLICATION_TIMEOUT_MS, REPLICA_REQUEST_BYTES_MAX, WriteReplicator } from './write-replicator.js';
export type { ReplicaPlacement, ReplicaRequester, WriteHints, WriteReplicatorOptions } from './write-replicator.js';
export { ReplicaApplier, applyBatch, applyChange } from './replica-apply.js';
export type { BatchOutcome, ChangeOutcome, IncomingChange, ReplicaStore } from './replica-apply.js';
export {
  REPLICA_APPLY_RPC_TYPE,
  REPLICA_LISTS_PROTOCOL_VERSION,
  REPLICA_PROTOCOL_VERSION,
  TABLE_ID_BYTES,
  encodeApplyRequest,
  packChanges,
  parseApplyReply,
  parseApplyRequest,
  unpackChanges,
} from './messages.js';
export type { ApplyReply, ApplyRequest, ApplyRequestBody, PackedTableChanges, RefusalReason, TableChanges } from './messages.js';
export { REPLICA_HINT_PROTOCOL_VERSION, REPLICA_HINT_RPC_TYPE, hintRequest, parseHintReply, parseHintRequest } from './hint-messages.js';
export type { HintReply, HintRequest } from './hint-messages.js';
export { HintTaker } from './hint-taker.js';
export type { DurableHints, HintTakerOptions } from './hint-taker.js';
export { WriteQuorum } from './write-quorum.js';
export { READ_TIMEOUT_MS, ReadCoordinator, ReplicaReader, holdingAt } from './read-coordinator.js';
export type { ReadCoordinatorOptions, ReplicaReadStore } from './read-coordinator.js';
export { ReadQuorum } from './read-quorum.js';
export type { ReadAnswer, StaleReplica } from './read-quorum.js';
export { REPLICA_READ_PROTOCOL_VERSION, REPLICA_READ_RPC_TYPE, parseReadReply, parseReadRequest } from './read-messages.js';
export type { ReadReply, ReadRequest, ReplicaHolding } from './read-messages.js';
export type { QuorumSlot } from './write-quorum.js';
export {
  READ_QUORUM_DEFAULT,
  TABLE_OPTIONS,
  TABLE_REPLICAS_DEFAULT,
  TABLE_REPLICAS_MAX,
  WRITE_QUORUM_DEFAULT,
  checkQuorum,
  checkQuorumOverride,
  majorityOf,
  reloptionsOf,
  tableQuorum,
  tableShape,
} from './table-quorum.js';
export type { TableOptionName, TableQuorum, TableQuorumSettings } from './table-quorum.js';
export {
  VERSION_ENTRY_TOMBSTONE,
  VERSION_ZERO,
  decodeVersionEntry,
  encodeVersionEntry,
  versionStamp,
} from './version-entry.js';
export type { VersionEntry } from './version-entry.js';
export { ReplicationStats } from './stats.js';
export type { ReplicationStatsView } from './stats.js';
export { startReplication } from './replication-service.js';
export type { PointReader, Replication } from './replication-service.js';
