// Hinted handoff: writes a down replica missed, kept by their coordinator and replayed when it returns.

export { HintStore, HINTS_PER_NODE_MAX } from './hint-store.js';
export type { HintKey, HintStoreStats, StoredHint } from './hint-store.js';
export { HintReplayer, HINT_REPLAY_INTERVAL_MS, HINT_REPLAY_BATCH } from './hint-replayer.js';
export type { HintReplayerOptions } from './hint-replayer.js';
