// The key-value surface: causal contexts and siblings (pure) and the service over SQL tables.

export {
  EMPTY_ROW,
  KV_CONTEXT_CHARS_MAX,
  KV_STATE_VERSION,
  KV_WRITERS_MAX,
  KV_WRITER_CHARS_MAX,
  covers,
  decodeContext,
  decodeRow,
  encodeContext,
  encodeRow,
  joinRows,
  joinVectors,
  mergeRows,
  nextCounter,
  nextRow,
} from './siblings.js';
export type { MergedKey, Sibling, VersionVector, WriterRow, WriterValue } from './siblings.js';
export {
  KV_COMPANION_SUFFIX,
  KV_KEY_CHARS_MAX,
  KV_OWN_ROWS_CACHED_MAX,
  KV_TABLE_CHARS_MAX,
  KV_TIMEOUT_MS_DEFAULT,
  KV_TIMEOUT_MS_MAX,
  KvService,
  checkKvKey,
  checkKvTableName,
  isKvShape,
  kvRequestBounds,
  writeReadQuorum,
} from './kv-service.js';
export type { KvRead, KvRequestBounds, KvServiceOptions, KvWritten } from './kv-service.js';
