// The tunables of SWIM membership and the timing they imply: probe period, timeouts, suspicion,
// gossip fan-out, join backoff, leave and retention. One SwimConfig value carries them into a node.
//
// Expected failure detection with the defaults (T = PROTOCOL_PERIOD_MS = 1 s):
//  - first suspicion: each of the n-1 live members probes one member per period, round-robin over
//    a shuffled list, so some member probes the crashed one on average within about one period;
//    it is suspected at the end of that probe's period: median ≈ 1.5–2 T; the worst case is
//    2(n-1)·T + T (probed first in one round and last in the next by every member — vanishingly rare).
//  - dead everywhere: first suspicion + suspicionTimeoutMs(n) (4 T for n ≤ 10, 4·log10(n)·T above)
//    + the spread of the `dead` update (about log2(n) gossip rounds, each a fraction of T):
//    median ≈ 6 s for 5–10 members.
// Measured (measureFailureDetection, 30 seeds each, reliable network): 5 nodes — first suspicion
// median 1.6 s / max 3.3 s, dead everywhere median 6.0 s / max 7.9 s; 10 nodes — 1.6 s / 3.4 s and
// 6.6 s / 8.7 s. Under LOSSY_NETWORK the same within a few hundred ms, and no false deaths.
// Under 5 % message loss a live member fails a whole probe (direct ping and all three indirect
// paths) with probability ≈ 0.1 · 0.19³ ≈ 6·10⁻⁴, and is then suspected, not dead: the suspicion
// reaches it by gossip within a couple of periods and it refutes long before 4 T pass.

/** How often a member probes another one (a SWIM protocol period). */
export const PROTOCOL_PERIOD_MS = 1000;
/** How long a direct ping waits for its ack before asking INDIRECT_PROBES members to try. */
export const PING_TIMEOUT_MS = 400;
/** k: how many members relay a ping-req when the direct ping went unanswered. */
export const INDIRECT_PROBES = 3;
/** Suspicion lasts SUSPICION_MULT · max(1, log10(n)) periods before the member is declared dead. */
export const SUSPICION_MULT = 4;
/** λ: each update is piggybacked about RETRANSMIT_MULT · ceil(log2(n + 1)) times. */
export const RETRANSMIT_MULT = 3;
/** At most this many membership updates ride on one message (bounded gossip per round). */
export const PIGGYBACK_UPDATES_MAX = 8;
/** At most this many other members' stats ride on one message, besides the sender's own. */
export const PIGGYBACK_STATS_MAX = 4;
/** First join retry delay; doubled on each attempt up to JOIN_RETRY_MAX_MS. */
export const JOIN_RETRY_BASE_MS = 500;
export const JOIN_RETRY_MAX_MS = 8000;
/** After this many unanswered join attempts the owner hears 'seeds-unreachable' and retries stop. */
export const JOIN_ATTEMPTS_MAX = 6;
/** A leaving member keeps gossiping `left` (and answering) this long before it goes silent. */
export const LEAVE_GOSSIP_MS = 3000;
/** Every this many periods a member also pings one dead member, so a healed partition or a
 *  member wrongly declared dead learns it and refutes (dead members stay reachable in principle). */
export const DEAD_PROBE_EVERY_PERIODS = 3;
/** Dead and left records are kept (and dead ones probed) this long, then forgotten. */
export const DEAD_RETAIN_MS = 3_600_000;
/** The member table's size bound; join-reply carries at most this many records. */
export const MEMBERS_MAX = 1024;
/** A probe whose period overran by this factor proves nothing: the prober was descheduled (SIGSTOP, GC). */
export const PROBE_OVERRUN_FACTOR = 2;

export interface SwimConfig {
  readonly protocolPeriodMs: number;
  readonly pingTimeoutMs: number;
  readonly indirectProbes: number;
  readonly suspicionMult: number;
  readonly retransmitMult: number;
  readonly piggybackUpdatesMax: number;
  readonly piggybackStatsMax: number;
  readonly joinRetryBaseMs: number;
  readonly joinRetryMaxMs: number;
  readonly joinAttemptsMax: number;
  readonly leaveGossipMs: number;
  readonly deadProbeEveryPeriods: number;
  readonly deadRetainMs: number;
  readonly membersMax: number;
}

export const DEFAULT_SWIM_CONFIG: SwimConfig = {
  protocolPeriodMs: PROTOCOL_PERIOD_MS,
  pingTimeoutMs: PING_TIMEOUT_MS,
  indirectProbes: INDIRECT_PROBES,
  suspicionMult: SUSPICION_MULT,
  retransmitMult: RETRANSMIT_MULT,
  piggybackUpdatesMax: PIGGYBACK_UPDATES_MAX,
  piggybackStatsMax: PIGGYBACK_STATS_MAX,
  joinRetryBaseMs: JOIN_RETRY_BASE_MS,
  joinRetryMaxMs: JOIN_RETRY_MAX_MS,
  joinAttemptsMax: JOIN_ATTEMPTS_MAX,
  leaveGossipMs: LEAVE_GOSSIP_MS,
  deadProbeEveryPeriods: DEAD_PROBE_EVERY_PERIODS,
  deadRetainMs: DEAD_RETAIN_MS,
  membersMax: MEMBERS_MAX,
};

/** The defaults with the given overrides, checked: the indirect probes need time inside the period. */
export function swimConfig(overrides: Partial<SwimConfig> = {}): SwimConfig {
  const c: SwimConfig = { ...DEFAULT_SWIM_CONFIG, ...overrides };
  if (!(c.protocolPeriodMs > 0)) throw new Error('swim: protocolPeriodMs must be > 0');
  // A relayed probe needs two more round trips after the direct ping gave up.
  if (!(c.pingTimeoutMs > 0 && c.pingTimeoutMs * 2 <= c.protocolPeriodMs)) throw new Error('swim: pingTimeoutMs must be in (0, protocolPeriodMs / 2]');
  if (!(Number.isInteger(c.indirectProbes) && c.indirectProbes >= 0)) throw new Error('swim: indirectProbes must be an integer ≥ 0');
  if (!(c.suspicionMult >= 1)) throw new Error('swim: suspicionMult must be ≥ 1');
  if (!(c.retransmitMult >= 1)) throw new Error('swim: retransmitMult must be ≥ 1');
  if (!(c.piggybackUpdatesMax >= 1 && c.piggybackUpdatesMax <= c.membersMax)) throw new Error('swim: piggybackUpdatesMax must be in [1, membersMax]');
  if (!(c.piggybackStatsMax >= 0 && c.piggybackStatsMax <= c.membersMax)) throw new Error('swim: piggybackStatsMax must be in [0, membersMax]');
  if (!(c.joinRetryBaseMs > 0 && c.joinRetryMaxMs >= c.joinRetryBaseMs)) throw new Error('swim: join retry delays must be 0 < base ≤ max');
  if (!(Number.isInteger(c.joinAttemptsMax) && c.joinAttemptsMax >= 1)) throw new Error('swim: joinAttemptsMax must be an integer ≥ 1');
  if (!(c.leaveGossipMs >= 0)) throw new Error('swim: leaveGossipMs must be ≥ 0');
  if (!(Number.isInteger(c.deadProbeEveryPeriods) && c.deadProbeEveryPeriods >= 1)) throw new Error('swim: deadProbeEveryPeriods must be an integer ≥ 1');
  if (!(c.deadRetainMs > 0)) throw new Error('swim: deadRetainMs must be > 0');
  if (!(Number.isInteger(c.membersMax) && c.membersMax >= 2)) throw new Error('swim: membersMax must be an integer ≥ 2');
  return c;
}

/** How long a suspect member has to refute before it is declared dead, for n live members (memberlist's scaling). */
export function suspicionTimeoutMs(config: SwimConfig, members: number): number {
  return Math.round(config.suspicionMult * Math.max(1, Math.log10(Math.max(1, members))) * config.protocolPeriodMs);
}

/** How many times one update is piggybacked before it is dropped from the gossip queue. */
export function retransmitLimit(config: SwimConfig, members: number): number {
  return config.retransmitMult * Math.max(1, Math.ceil(Math.log2(Math.max(1, members) + 1)));
}
