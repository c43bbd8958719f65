// storage: one LMDB environment per node — catalog, per-partition row deltas, immutable Arrow
// segments with zone maps, compaction, columnar scans and the data-engine worker pool.

export type { CheckConstraint, ColumnSchema, IndexSchema, SequenceOptions, TableSchema, RowKey } from './schema.js';
export { SEQUENCE_LOG_VALUES, SequenceStore, type SequenceInfo } from './sequences.js';
export { keyOf, partitionOfRow, partitionOfKey, hasHiddenRowId, replicationSettings, ROWID_SEQUENCE_BITS } from './schema.js';
export { Store, DELTA_ROWS_COMPACT, BULK_SEGMENT_ROWS_MIN, IDLE_COMPACT_DELAY_MS, IDLE_COMPACT_ROWS_MIN, SEGMENT_MERGE_ROWS_MAX, PARTITIONS_DEFAULT, PARTITIONS_MAX } from './store.js';
export type { WriteTx, TableDefinition, WriteOptions, ReplicateOptions } from './store.js';
export type { ViewColumn, ViewDefinition, ViewSchema } from './view-schema.js';
export { StorageReader, storedTypes } from './reader.js';
export type { SegmentMeta } from './environment.js';
export { scanPartition } from './scan.js';
export { TableStatisticsStore, statisticsMatch, type ColumnStatistics, type TableStatistics } from './table-statistics.js';
export { SEGMENT_ROWS_MAX } from './segment.js';
export type { ColumnVector, ColumnBatch, ZoneMap, ZonePredicate } from './column-vector.js';
export { physicalOf, valueAt, isValid, numericToText, SCALED_NUMERIC_PRECISION_MAX } from './column-vector.js';
export { DataEnginePool } from './data-engine-pool.js';
export { BatchCollector, rowsFromBatch, vectorsFromBatch } from './batch-collector.js';
export { TOP_KEYS_MAX } from './top-keys.js';
export { packPartial, unpackPartial } from './partial-batch.js';
export type { PackedPartial, PartialArrays, PartialColumnKind, PartialLayout } from './partial-batch.js';
export type { FragmentTask } from './data-engine-task.js';
export { encodeRow, decodeRow } from './row-codec.js';
export { encodeKey } from './key-codec.js';
export * from './security.js';
