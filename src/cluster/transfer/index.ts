// Ownership transfer on join and leave: the transition rules (who serves, who is still receiving),
// the `transfer.pull` protocol, the receiver's schedule and the running service.

export { completionKey, inboundTransfers, isReady, outstandingHandoffs, placementOf } from './transfer-plan.js';
export type { InboundPartition, OutstandingHandoff, PartitionPlacement, ReadinessOf, RingTransition } from './transfer-plan.js';
export {
  TRANSFER_BATCH_BYTES_MAX, TRANSFER_BATCH_ROWS_MAX, TRANSFER_PROTOCOL_VERSION, TRANSFER_PULL_RPC_TYPE, TRANSFER_TABLES_MAX,
  parsePullReply, parsePullRequest,
} from './transfer-messages.js';
export type { PullReply, PullRequest, RowsRequest, SourceTable, TablesRequest, TransferredRow } from './transfer-messages.js';
export { TRANSFER_BATCHES_IN_FLIGHT_MAX, TRANSFER_RETRY_MS, TransferQueue } from './transfer-queue.js';
export type { TransferCounts, TransferWork } from './transfer-queue.js';
export { TransferSource, UNVERSIONED_ROW_VERSION } from './transfer-source.js';
export type { TransferSourceStats, TransferSourceStore } from './transfer-source.js';
export {
  LEAVE_HANDOFF_TIMEOUT_MS, OwnershipTransfer, applyTransferredRows, RING_ADOPTION_WAIT_MS, TRANSFER_POLL_MS, TRANSFER_REQUEST_TIMEOUT_MS,
} from './ownership-transfer.js';
export type { HandoffOutcome, OwnershipTransferOptions, TransferProgress, TransferProgressStore, TransferStore } from './ownership-transfer.js';
