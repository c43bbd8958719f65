// The namestore: names unique across the cluster, checked and registered in one linearizable step
// (a compare-and-set per name in the consensus register, on the name's replica set).

export {
  IDEMPOTENCY_KEY_BYTES_MAX,
  NAME_BYTES_MAX,
  NAME_KEY_PREFIX,
  NAME_RECORD_FORMAT,
  TOKEN_BYTES,
  checkIdempotencyKey,
  checkName,
  decodeNameState,
  encodeNameRecord,
  nameKey,
} from './name-record.js';
export type { NameRecord, NameState } from './name-record.js';
export { NAME_CAS_ATTEMPTS_MAX, NameRegistrar, isNameFailure } from './name-registrar.js';
export type { CheckOutcome, NameFailureOutcome, NameRegister, NameRegistrarOptions, RegisterOutcome, ReleaseOutcome } from './name-registrar.js';
export { LATENCY_SAMPLES_MAX, NamestoreStats, RATE_BUCKETS, RATE_WINDOW_MS } from './namestore-stats.js';
export type { NameFailure, NameOperation, NamestoreStatsSnapshot } from './namestore-stats.js';
export { NAMESTORE_REPLICAS, Namestore, namePartition } from './namestore.js';
export type { CheckResult, NamestoreMembership, NamestoreOptions, RegisterResult } from './namestore.js';
