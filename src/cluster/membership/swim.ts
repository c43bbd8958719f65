// One node's SWIM membership (Das et al., with memberlist/Lifeguard refinements): round-robin
// probes with indirect ping-req, suspicion before death, incarnation refutation, piggybacked
// gossip of membership and stats, join through seeds, graceful leave. A synchronous state machine
// over Runtime and Transport, so it runs alike in the deterministic Simulation and over TCP.
//
// Dead members come back: every DEAD_PROBE_EVERY_PERIODS periods a node pings one dead member, and
// any message to a member we hold suspect or dead carries that report first (Lifeguard's "buddy
// system"), so a member wrongly declared dead — a healed partition, a resumed SIGSTOP — hears it on
// the first contact, refutes with a higher incarnation, and the `alive` spreads by gossip.

import type { NodeId, Runtime, Timer, Transport } from '../runtime.js';
import { retransmitLimit, suspicionTimeoutMs, swimConfig, PROBE_OVERRUN_FACTOR } from './config.js';
import type { SwimConfig } from './config.js';
import { DisseminationQueue } from './dissemination.js';
import { EMPTY_STATS, overrides, statsNewer } from './member.js';
import type { Member, MemberMeta, MemberState, MemberUpdate, NodeStats, StatsEntry } from './member.js';
import { SWIM_PROTOCOL_VERSION, validateNodeStats, validateSwimMessage } from './messages.js';
import type { SenderRecord, SwimMessage } from './messages.js';

/**
 * A member's state transition as this node saw it; from is null for a member it just learned of.
 * from === to ('alive' → 'alive') means the member's incarnation rose: it restarted or refuted.
 */
export interface MemberChange {
  readonly id: NodeId;
  readonly from: MemberState | null;
  readonly to: MemberState;
  readonly incarnation: number;
}

/** Things the owner of a node must hear about. */
export type SwimEvent =
  | { readonly kind: 'joined'; readonly via: NodeId | null }
  /** JOIN_ATTEMPTS_MAX attempts went unanswered; retries stopped (call join() again to keep trying). */
  | { readonly kind: 'seeds-unreachable'; readonly attempts: number; readonly seeds: readonly NodeId[] }
  /** The node raised its own incarnation (to refute); the owner persists it for the next start. */
  | { readonly kind: 'incarnation'; readonly incarnation: number }
  /** leave() finished: the node is silent now. */
  | { readonly kind: 'left' };

/** Protocol counters of this node. */
export interface SwimCounters {
  received: number;
  /** Messages dropped on arrival: invalid, wrong version, or a sender record that is not the sender. */
  malformed: number;
  pingsSent: number;
  pingReqsSent: number;
  acksSent: number;
  acksRelayed: number;
  /** Probes that failed here and made this node suspect a member. */
  suspicionsRaised: number;
  /** Suspicions that ran out here and made this node declare a member dead. */
  deathsDeclared: number;
  /** Times this node raised its incarnation because it heard itself suspected, dead or left. */
  refutations: number;
  joinAttempts: number;
  /** New members ignored because the table held membersMax. */
  membersRejected: number;
}

export interface SwimNodeOptions {
  readonly id: NodeId;
  /** host:peerPort, opaque to membership, gossiped so others can reach this node. */
  readonly address: string;
  readonly meta?: MemberMeta;
  /** The incarnation to start with: the owner passes one above any it persisted before (see 'incarnation' events). */
  readonly incarnation?: number;
  readonly config?: Partial<SwimConfig>;
  readonly runtime: Runtime;
  readonly transport: Transport<SwimMessage>;
}

type LocalStats = Omit<NodeStats, 'heartbeat'>;

interface MemberEntry {
  readonly id: NodeId;
  address: string;
  incarnation: number;
  state: MemberState;
  meta: MemberMeta;
  stats: NodeStats;
  statsIncarnation: number;
  /** Clock time of the last state change (dead/left records are forgotten deadRetainMs after). */
  changedAt: number;
  /** It spoke with a lower incarnation than we hold (a restart that lost its own): tell it ours. */
  behind: boolean;
}

interface Probe {
  readonly target: NodeId;
  readonly seq: number;
  readonly startedAt: number;
  acked: boolean;
  indirectTimer: Timer | null;
}

interface Relay {
  readonly origin: NodeId;
  readonly originSeq: number;
  readonly timer: Timer;
}

interface Joining {
  readonly seeds: readonly NodeId[];
  attempts: number;
  timer: Timer | null;
}

type Phase = 'idle' | 'running' | 'leaving' | 'stopped';

export class SwimNode {
  readonly id: NodeId;
  readonly address: string;
  readonly meta: MemberMeta;
  readonly config: SwimConfig;
  readonly stats: SwimCounters = {
    received: 0, malformed: 0, pingsSent: 0, pingReqsSent: 0, acksSent: 0, acksRelayed: 0,
    suspicionsRaised: 0, deathsDeclared: 0, refutations: 0, joinAttempts: 0, membersRejected: 0,
  };

  private readonly runtime: Runtime;
  private readonly transport: Transport<SwimMessage>;
  private phase: Phase = 'idle';
  private ownIncarnation: number;
  private heartbeat = 0;
  private localStats: LocalStats = EMPTY_STATS;
  private readonly table = new Map<NodeId, MemberEntry>();
  private readonly queue = new DisseminationQueue();
  private readonly suspicionTimers = new Map<NodeId, Timer>();
  private readonly relays = new Map<number, Relay>();
  private readonly changeListeners: ((change: MemberChange) => void)[] = [];
  private readonly eventListeners: ((event: SwimEvent) => void)[] = [];
  private probeOrder: NodeId[] = [];
  private probeIndex = 0;
  private probe: Probe | null = null;
  private tickTimer: Timer | null = null;
  private leaveTimer: Timer | null = null;
  private joining: Joining | null = null;
  private nextSeq = 1;
  private periods = 0;
  private statsOrder: NodeId[] = [];
  private statsOrderStale = true;
  private statsCursor = 0;

  constructor(options: SwimNodeOptions) {
    if (options.id.length === 0) throw new Error('swim: empty node id');
    const incarnation = options.incarnation ?? 0;
    if (!Number.isSafeInteger(incarnation) || incarnation < 0) throw new Error('swim: incarnation must be a safe integer ≥ 0');
    this.id = options.id;
    this.address = options.address;
    this.meta = { ...(options.meta ?? {}) };
    this.ownIncarnation = incarnation;
    this.config = swimConfig(options.config);
    this.runtime = options.runtime;
    this.transport = options.transport;
    // Peers validate what this node says about itself; refuse here what they would drop as malformed.
    const hello: SwimMessage = { v: SWIM_PROTOCOL_VERSION, kind: 'join', sender: this.selfMember(), updates: [], stats: [] };
    if (validateSwimMessage(hello) === null) throw new Error(`swim: node ${options.id}: id, address or meta outside the wire bounds`);
  }

  /** The incarnation this node speaks with now; persist it (or the 'incarnation' events) across restarts. */
  get incarnation(): number {
    return this.ownIncarnation;
  }

  get running(): boolean {
    return this.phase === 'running' || this.phase === 'leaving';
  }

  onChange(listener: (change: MemberChange) => void): () => void {
    this.changeListeners.push(listener);
    return () => removeItem(this.changeListeners, listener);
  }

  onEvent(listener: (event: SwimEvent) => void): () => void {
    this.eventListeners.push(listener);
    return () => removeItem(this.eventListeners, listener);
  }

  /** Starts probing and answering (alone until join() or someone else's message introduces others). */
  start(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'running';
    this.queue.enqueue(this.selfUpdate());
    // A random first offset keeps members' periods apart, so probes do not arrive in bursts.
    this.tickTimer = this.runtime.scheduler.after(this.runtime.random.int(this.config.protocolPeriodMs), () => this.tick());
  }

  /** Asks the seeds for the member table, retrying with backoff; starts the node if needed. */
  join(seeds: readonly NodeId[]): void {
    if (this.phase === 'idle') this.start();
    if (this.phase !== 'running') return;
    const others = [...new Set(seeds)].filter((s) => s !== this.id).slice(0, this.config.membersMax);
    this.joining?.timer?.cancel();
    this.joining = null;
    if (others.length === 0) {
      this.emit({ kind: 'joined', via: null });
      return;
    }
    this.joining = { seeds: others, attempts: 0, timer: null };
    this.attemptJoin();
  }

  /** Gossips `left`, keeps answering for leaveGossipMs so it spreads, then goes silent ('left' event). */
  leave(): void {
    if (this.phase !== 'running') return;
    this.phase = 'leaving';
    this.joining?.timer?.cancel();
    this.joining = null;
    this.queue.enqueue(this.selfUpdate());
    // Tell a few members at once rather than wait for the next probe.
    for (const id of this.pickRandom(this.liveIds(), Math.max(1, this.config.indirectProbes))) this.send(id, this.ping(this.nextSeq++, id));
    this.leaveTimer = this.runtime.scheduler.after(this.config.leaveGossipMs, () => {
      this.stop();
      this.emit({ kind: 'left' });
    });
  }

  /**
   * Declares a dead member gone for good (`left`), as `eon node remove` does; its partitions leave
   * the ring. Refused (false) unless this node holds it dead: a live member leaves by itself. If
   * it ever returns, its higher incarnation makes it alive again.
   */
  remove(id: NodeId): boolean {
    const m = this.table.get(id);
    if (m === undefined || m.state !== 'dead' || !this.running) return false;
    this.apply({ id, address: m.address, incarnation: m.incarnation, state: 'left', meta: m.meta }, true);
    return true;
  }

  /** Goes silent at once: no timers, no answers (a leave without the gossip, or shutdown). */
  stop(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    this.tickTimer?.cancel();
    this.leaveTimer?.cancel();
    this.probe?.indirectTimer?.cancel();
    this.probe = null;
    this.joining?.timer?.cancel();
    this.joining = null;
    for (const t of this.suspicionTimers.values()) t.cancel();
    this.suspicionTimers.clear();
    for (const r of this.relays.values()) r.timer.cancel();
    this.relays.clear();
  }

  /** Merges the owner's measurements into this node's gossiped stats (the heartbeat is SWIM's). */
  setLocalStats(partial: Partial<LocalStats>): void {
    const merged = { ...this.localStats, ...partial, heartbeat: this.heartbeat };
    const checked = validateNodeStats(merged);
    if (checked === null) throw new Error('swim: invalid local stats');
    const { heartbeat: _heartbeat, ...rest } = checked;
    this.localStats = rest;
  }

  /** A snapshot of the table, this node included, sorted by id. */
  members(): Member[] {
    const out: Member[] = [this.selfMember()];
    for (const m of this.table.values()) out.push(snapshot(m));
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  member(id: NodeId): Member | undefined {
    if (id === this.id) return this.selfMember();
    const m = this.table.get(id);
    return m === undefined ? undefined : snapshot(m);
  }

  /** The transport's handler: validates, merges the gossip, answers. Never throws on bad input. */
  receive(from: NodeId, raw: unknown): void {
    if (!this.running) return;
    this.stats.received++;
    const message = validateSwimMessage(raw);
    if (message === null || message.sender.id !== from || from === this.id) {
      this.stats.malformed++;
      return;
    }
    const isJoinReply = message.kind === 'join-reply';
    this.applySender(message.sender);
    // A join-reply's table is already known to the seed, which gossips it; re-gossiping it all would crowd out news.
    for (const u of message.updates) this.apply(u, !isJoinReply);
    for (const s of message.stats) this.applyStats(s);
    switch (message.kind) {
      case 'ping':
        this.stats.acksSent++;
        this.send(from, this.ack(message.seq, from));
        break;
      case 'ack':
        this.onAck(message.seq);
        break;
      case 'ping-req':
        this.onPingReq(from, message.seq, message.target);
        break;
      case 'join':
        this.send(from, this.joinReply(from));
        break;
      case 'join-reply':
        if (this.joining !== null) {
          this.joining.timer?.cancel();
          this.joining = null;
          this.emit({ kind: 'joined', via: from });
        }
        break;
      default: {
        const never: never = message;
        throw new Error(`swim: unknown message ${String(never)}`);
      }
    }
  }

  // ---- the protocol period ----

  private tick(): void {
    if (!this.running) return;
    const period = this.config.protocolPeriodMs;
    this.tickTimer = this.runtime.scheduler.after(period, () => this.tick());
    const now = this.runtime.clock.now();
    this.heartbeat++;
    this.periods++;
    const previous = this.probe;
    this.probe = null;
    if (previous !== null && !previous.acked) {
      previous.indirectTimer?.cancel();
      // An overrun period means this node was stopped, not that the target was silent.
      if (now - previous.startedAt <= period * PROBE_OVERRUN_FACTOR && this.phase === 'running') this.suspect(previous.target);
    }
    this.reap(now);
    if (this.periods % this.config.deadProbeEveryPeriods === 0) this.probeOneDead();
    const target = this.nextProbeTarget();
    if (target !== null) this.startProbe(target, now);
  }

  private startProbe(target: NodeId, now: number): void {
    const seq = this.nextSeq++;
    const probe: Probe = { target, seq, startedAt: now, acked: false, indirectTimer: null };
    this.probe = probe;
    probe.indirectTimer = this.runtime.scheduler.after(this.config.pingTimeoutMs, () => this.probeIndirectly(probe));
    this.stats.pingsSent++;
    this.send(target, this.ping(seq, target));
  }

  private probeIndirectly(probe: Probe): void {
    probe.indirectTimer = null;
    if (this.probe !== probe || probe.acked || !this.running) return;
    const relays = this.pickRandom(this.liveIds().filter((id) => id !== probe.target), this.config.indirectProbes);
    for (const relay of relays) {
      this.stats.pingReqsSent++;
      this.send(relay, { ...this.gossip(relay), kind: 'ping-req', seq: probe.seq, target: probe.target });
    }
  }

  private onAck(seq: number): void {
    const probe = this.probe;
    if (probe !== null && probe.seq === seq) {
      probe.acked = true;
      probe.indirectTimer?.cancel();
      probe.indirectTimer = null;
      return;
    }
    const relay = this.relays.get(seq);
    if (relay === undefined) return; // late, duplicate, or a dead-member probe's answer (its gossip was merged already)
    relay.timer.cancel();
    this.relays.delete(seq);
    this.stats.acksRelayed++;
    this.send(relay.origin, this.ack(relay.originSeq, relay.origin));
  }

  private onPingReq(origin: NodeId, originSeq: number, target: NodeId): void {
    if (target === this.id) {
      this.stats.acksSent++;
      this.send(origin, this.ack(originSeq, origin));
      return;
    }
    if (this.relays.size >= this.config.membersMax) return;
    const seq = this.nextSeq++;
    const timer = this.runtime.scheduler.after(this.config.protocolPeriodMs, () => this.relays.delete(seq));
    this.relays.set(seq, { origin, originSeq, timer });
    this.stats.pingsSent++;
    this.send(target, this.ping(seq, target));
  }

  /** Round-robin over a shuffled list of live members; a new round reshuffles (SWIM's bounded detection time). */
  private nextProbeTarget(): NodeId | null {
    for (let pass = 0; pass < 2; pass++) {
      while (this.probeIndex < this.probeOrder.length) {
        const id = this.probeOrder[this.probeIndex++]!;
        const m = this.table.get(id);
        if (m !== undefined && (m.state === 'alive' || m.state === 'suspect')) return id;
      }
      this.probeOrder = this.shuffle(this.liveIds());
      this.probeIndex = 0;
    }
    return null;
  }

  private probeOneDead(): void {
    const dead: NodeId[] = [];
    for (const m of this.table.values()) if (m.state === 'dead') dead.push(m.id);
    if (dead.length === 0) return;
    const id = dead[this.runtime.random.int(dead.length)]!;
    this.stats.pingsSent++;
    this.send(id, this.ping(this.nextSeq++, id));
  }

  private suspect(id: NodeId): void {
    const m = this.table.get(id);
    if (m === undefined || m.state !== 'alive') return;
    this.stats.suspicionsRaised++;
    this.apply({ id, address: m.address, incarnation: m.incarnation, state: 'suspect', meta: m.meta }, true);
  }

  private startSuspicion(id: NodeId, incarnation: number): void {
    this.suspicionTimers.get(id)?.cancel();
    const timeout = suspicionTimeoutMs(this.config, this.liveCount());
    this.suspicionTimers.set(id, this.runtime.scheduler.after(timeout, () => {
      this.suspicionTimers.delete(id);
      const m = this.table.get(id);
      if (m === undefined || m.state !== 'suspect' || m.incarnation !== incarnation || !this.running) return;
      this.stats.deathsDeclared++;
      this.apply({ id, address: m.address, incarnation, state: 'dead', meta: m.meta }, true);
    }));
  }

  private reap(now: number): void {
    for (const m of this.table.values()) {
      if ((m.state === 'dead' || m.state === 'left') && now - m.changedAt > this.config.deadRetainMs) {
        this.table.delete(m.id);
        this.queue.forget(m.id);
        this.statsOrderStale = true;
      }
    }
  }

  // ---- merging what others say ----

  private applySender(sender: SenderRecord): void {
    const { stats, ...update } = sender;
    const current = this.table.get(sender.id);
    if (current !== undefined) current.behind = sender.incarnation < current.incarnation;
    this.apply(update, true);
    this.applyStats({ id: sender.id, incarnation: sender.incarnation, stats });
  }

  /** Merges one report by SWIM precedence; news is queued for gossip when `gossip`. */
  private apply(update: MemberUpdate, gossip: boolean): void {
    if (update.id === this.id) {
      this.applyAboutSelf(update);
      return;
    }
    const now = this.runtime.clock.now();
    const current = this.table.get(update.id);
    if (current === undefined) {
      if (this.table.size + 1 >= this.config.membersMax) {
        this.stats.membersRejected++;
        return;
      }
      const entry: MemberEntry = {
        id: update.id, address: update.address, incarnation: update.incarnation, state: update.state,
        meta: update.meta, stats: EMPTY_STATS, statsIncarnation: 0, changedAt: now, behind: false,
      };
      this.table.set(update.id, entry);
      this.statsOrderStale = true;
      if (update.state === 'alive' || update.state === 'suspect') this.addToProbeOrder(update.id);
      if (update.state === 'suspect') this.startSuspicion(update.id, update.incarnation);
      if (gossip) this.queue.enqueue(update);
      this.emitChange({ id: update.id, from: null, to: update.state, incarnation: update.incarnation });
      return;
    }
    if (!overrides(update, current)) return;
    const from = current.state;
    current.incarnation = update.incarnation;
    current.state = update.state;
    if (update.state === 'alive') {
      // Only the member itself speaks `alive` at a new incarnation, so its address and meta are current.
      current.address = update.address;
      current.meta = update.meta;
    }
    if (update.state === 'suspect') this.startSuspicion(update.id, update.incarnation);
    else {
      this.suspicionTimers.get(update.id)?.cancel();
      this.suspicionTimers.delete(update.id);
    }
    if ((update.state === 'alive' || update.state === 'suspect') && (from === 'dead' || from === 'left')) this.addToProbeOrder(update.id);
    if (gossip) this.queue.enqueue(update);
    if (from !== update.state) current.changedAt = now;
    // alive → alive at a higher incarnation is reported too: the member restarted (or refuted unseen).
    this.emitChange({ id: update.id, from, to: update.state, incarnation: update.incarnation });
  }

  /** Someone reports on this node: refute suspicion, death, or a former life's record by raising the incarnation. */
  private applyAboutSelf(update: MemberUpdate): void {
    if (this.phase !== 'running') return;
    const stale = update.incarnation > this.ownIncarnation || (update.incarnation === this.ownIncarnation && update.state !== 'alive');
    if (!stale) return;
    this.ownIncarnation = update.incarnation + 1;
    this.stats.refutations++;
    this.queue.enqueue(this.selfUpdate());
    this.emit({ kind: 'incarnation', incarnation: this.ownIncarnation });
  }

  private applyStats(entry: StatsEntry): void {
    const m = this.table.get(entry.id);
    if (m === undefined) return;
    if (!statsNewer({ incarnation: entry.incarnation, heartbeat: entry.stats.heartbeat }, { incarnation: m.statsIncarnation, heartbeat: m.stats.heartbeat })) return;
    m.stats = entry.stats;
    m.statsIncarnation = entry.incarnation;
  }

  // ---- building messages ----

  private selfState(): MemberState {
    return this.phase === 'leaving' || this.phase === 'stopped' ? 'left' : 'alive';
  }

  private selfUpdate(): MemberUpdate {
    return { id: this.id, address: this.address, incarnation: this.ownIncarnation, state: this.selfState(), meta: this.meta };
  }

  private selfMember(): Member {
    return { ...this.selfUpdate(), stats: { ...this.localStats, heartbeat: this.heartbeat } };
  }

  private gossip(to: NodeId): { v: typeof SWIM_PROTOCOL_VERSION; sender: SenderRecord; updates: MemberUpdate[]; stats: StatsEntry[] } {
    const n = this.liveCount();
    const updates: MemberUpdate[] = [];
    const target = this.table.get(to);
    // Buddy system: a member we hold suspect or dead hears it first, so it can refute at once; so
    // does one that spoke with an older incarnation than ours, so it can rise above it.
    const buddy = target !== undefined && (target.state === 'suspect' || target.state === 'dead' || target.behind);
    if (buddy) updates.push({ id: target.id, address: target.address, incarnation: target.incarnation, state: target.state, meta: target.meta });
    updates.push(...this.queue.select(this.config.piggybackUpdatesMax - updates.length, retransmitLimit(this.config, n), buddy ? to : undefined));
    return { v: SWIM_PROTOCOL_VERSION, sender: this.selfMember(), updates, stats: this.statsFor(to) };
  }

  /** A bounded, rotating selection of other members' stats, so every member's stats travel. */
  private statsFor(to: NodeId): StatsEntry[] {
    const max = this.config.piggybackStatsMax;
    if (max === 0) return [];
    if (this.statsOrderStale) {
      this.statsOrder = [...this.table.keys()];
      this.statsOrderStale = false;
      this.statsCursor = 0;
    }
    const order = this.statsOrder;
    const out: StatsEntry[] = [];
    for (let i = 0; i < order.length && out.length < max; i++) {
      const id = order[this.statsCursor++ % order.length]!;
      const m = this.table.get(id);
      if (m === undefined || id === to || m.stats.heartbeat === 0 || (m.state !== 'alive' && m.state !== 'suspect')) continue;
      out.push({ id, incarnation: m.statsIncarnation, stats: m.stats });
    }
    if (this.statsCursor >= order.length) this.statsCursor = 0;
    return out;
  }

  private ping(seq: number, to: NodeId): SwimMessage {
    return { ...this.gossip(to), kind: 'ping', seq };
  }

  private ack(seq: number, to: NodeId): SwimMessage {
    return { ...this.gossip(to), kind: 'ack', seq };
  }

  private joinReply(to: NodeId): SwimMessage {
    const updates: MemberUpdate[] = [];
    const stats: StatsEntry[] = [];
    for (const m of this.table.values()) {
      if (updates.length >= this.config.membersMax - 1) break;
      updates.push({ id: m.id, address: m.address, incarnation: m.incarnation, state: m.state, meta: m.meta });
      if (m.stats.heartbeat > 0) stats.push({ id: m.id, incarnation: m.statsIncarnation, stats: m.stats });
    }
    return { v: SWIM_PROTOCOL_VERSION, kind: 'join-reply', sender: this.selfMember(), updates, stats: stats.filter((s) => s.id !== to) };
  }

  private attemptJoin(): void {
    const joining = this.joining;
    if (joining === null || this.phase !== 'running') return;
    joining.attempts++;
    this.stats.joinAttempts++;
    const message: SwimMessage = { v: SWIM_PROTOCOL_VERSION, kind: 'join', sender: this.selfMember(), updates: [], stats: [] };
    for (const seed of joining.seeds) this.send(seed, message);
    const base = Math.min(this.config.joinRetryBaseMs * 2 ** (joining.attempts - 1), this.config.joinRetryMaxMs);
    // Jitter keeps a cluster's restarted nodes from retrying in lockstep.
    const delay = base + this.runtime.random.next() * base * 0.25;
    joining.timer = this.runtime.scheduler.after(delay, () => {
      if (this.joining !== joining) return;
      if (joining.attempts >= this.config.joinAttemptsMax) {
        this.joining = null;
        this.emit({ kind: 'seeds-unreachable', attempts: joining.attempts, seeds: joining.seeds });
        return;
      }
      this.attemptJoin();
    });
  }

  // ---- small helpers ----

  private send(to: NodeId, message: SwimMessage): void {
    if (to !== this.id) this.transport.send(to, message);
  }

  private liveIds(): NodeId[] {
    const out: NodeId[] = [];
    for (const m of this.table.values()) if (m.state === 'alive' || m.state === 'suspect') out.push(m.id);
    return out;
  }

  /** Members believed alive or suspect, this node included: the n of the log(n) scalings. */
  private liveCount(): number {
    let n = 1;
    for (const m of this.table.values()) if (m.state === 'alive' || m.state === 'suspect') n++;
    return n;
  }

  /** A new member goes to a random place in the current round, as memberlist does. */
  private addToProbeOrder(id: NodeId): void {
    const lo = this.probeIndex;
    const at = lo + this.runtime.random.int(this.probeOrder.length - lo + 1);
    this.probeOrder.splice(at, 0, id);
  }

  private shuffle(ids: NodeId[]): NodeId[] {
    for (let i = ids.length - 1; i > 0; i--) {
      const j = this.runtime.random.int(i + 1);
      const t = ids[i]!;
      ids[i] = ids[j]!;
      ids[j] = t;
    }
    return ids;
  }

  private pickRandom(ids: NodeId[], k: number): NodeId[] {
    return this.shuffle(ids).slice(0, Math.max(0, k));
  }

  private emitChange(change: MemberChange): void {
    for (const l of [...this.changeListeners]) l(change);
  }

  private emit(event: SwimEvent): void {
    for (const l of [...this.eventListeners]) l(event);
  }
}

function snapshot(m: MemberEntry): Member {
  return { id: m.id, address: m.address, incarnation: m.incarnation, state: m.state, meta: m.meta, stats: m.stats };
}

function removeItem<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
