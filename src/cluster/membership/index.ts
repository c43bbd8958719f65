// SWIM membership: failure detection, incarnations, piggybacked gossip of members and stats, join and leave.

export {
  PROTOCOL_PERIOD_MS, PING_TIMEOUT_MS, INDIRECT_PROBES, SUSPICION_MULT, RETRANSMIT_MULT, PIGGYBACK_UPDATES_MAX,
  PIGGYBACK_STATS_MAX, JOIN_RETRY_BASE_MS, JOIN_RETRY_MAX_MS, JOIN_ATTEMPTS_MAX, LEAVE_GOSSIP_MS,
  DEAD_PROBE_EVERY_PERIODS, DEAD_RETAIN_MS, MEMBERS_MAX, PROBE_OVERRUN_FACTOR, DEFAULT_SWIM_CONFIG,
  swimConfig, suspicionTimeoutMs, retransmitLimit,
} from './config.js';
export type { SwimConfig } from './config.js';
export { MEMBER_STATES, EMPTY_STATS, overrides, statsNewer } from './member.js';
export type { Member, MemberMeta, MemberState, MemberUpdate, NodeStats, StatsEntry, Geolocation } from './member.js';
export {
  SWIM_PROTOCOL_VERSION, NODE_ID_CHARS_MAX, ADDRESS_CHARS_MAX, META_KEYS_MAX, META_KEY_CHARS_MAX,
  META_VALUE_CHARS_MAX, STATS_EXTRA_KEYS_MAX, MESSAGE_RECORDS_MAX, validateSwimMessage, validateNodeStats,
} from './messages.js';
export type { SwimMessage, SwimMessageKind, PingMessage, AckMessage, PingReqMessage, JoinMessage, JoinReplyMessage, SenderRecord } from './messages.js';
export { DisseminationQueue } from './dissemination.js';
export { SwimNode } from './swim.js';
export type { MemberChange, SwimEvent, SwimCounters, SwimNodeOptions } from './swim.js';
export { SimulatedSwimCluster, startCluster, nodeIds } from './simulated-cluster.js';
export type { ObservedChange } from './simulated-cluster.js';
export {
  measureFailureDetection, medianAndMax, FAILURE_DETECTION_NODES_DEFAULT, FAILURE_DETECTION_SETTLE_MS, FAILURE_DETECTION_LIMIT_MS,
} from './measure.js';
export type { FailureDetection, FailureDetectionOptions } from './measure.js';
