// Versions of replicated data: the hybrid logical clock, the row version and its conflict rule
// for SQL rows, the digests anti-entropy compares, and dotted version vector sets for key-value.

export {
  CLOCK_DRIFT_MAX_MS,
  decodeHlc,
  encodeHlc,
  formatHlc,
  HLC_BYTES,
  HLC_LOGICAL_BITS,
  HLC_LOGICAL_MAX,
  HLC_PHYSICAL_BITS,
  HLC_PHYSICAL_MAX_MS,
  HLC_ZERO,
  hlcLogical,
  hlcOf,
  hlcPhysicalMs,
  HybridClock,
  isHlc,
  readHlc,
  writeHlc,
} from './hlc.js';
export type { Hlc, HybridClockOptions } from './hlc.js';
export {
  compareNodeIds,
  compareVersions,
  decodeRowVersion,
  encodeRowVersion,
  NODE_ID_BYTES_MAX,
  readRowVersion,
  resolve,
  rowVersionBytes,
  sawVersion,
  valueDigest,
  versionDigest,
  versionsEqual,
} from './row-version.js';
export type { Resolution, RowState, RowVersion, WriterKnowledge } from './row-version.js';
export {
  digest64,
  DIGEST_SEED_HIGH,
  DIGEST_SEED_LOW,
  fmix32,
  highLane,
  joinLanes,
  lowLane,
  murmur3x32,
  murmur3x32Pair,
  pairLanes,
} from './digest.js';
// The DVV operations have generic names (update, sync, values), so they live under a namespace:
// `dvv.update(set, ctx, node, value)`.
export * as dvv from './dotted-version-vector.js';
export { CONTEXT_CHARS_MAX, CONTEXT_FORMAT_VERSION } from './dotted-version-vector.js';
export type { DvvEntry, DvvSet, DvvSetPlain, VersionVector } from './dotted-version-vector.js';
