// A node's membership in the cluster over real sockets: its identity from the data directory, the
// peer RPC server and connection pool, and SWIM over them; it answers what the node sees of the
// cluster (GET /v1/cluster, eon status, eon_nodes). A node alone is a cluster of one.

import { loadavg } from 'node:os';
import { EonError } from '../../errors/index.js';
import path from 'node:path';
import { open } from 'lmdb';
import type { RootDatabase } from 'lmdb';
import { ConsensusRegister, LmdbAcceptorStore } from '../consensus/index.js';
import type { ConsensusMessage } from '../consensus/index.js';
import { SwimNode } from '../membership/index.js';
import type { Member, MemberChange, NodeStats, SwimEvent, SwimMessage } from '../membership/index.js';
import { PeerPool, PeerServer, routeMessages, rpcTransport } from '../rpc/index.js';
import type { RpcLogger } from '../rpc/index.js';
import { systemRuntime } from '../runtime.js';
import type { NodeId } from '../runtime.js';
import type { ClusterView, MemberView } from '../view/cluster-view.js';
import { LEAVE_HANDOFF_TIMEOUT_MS } from '../transfer/index.js';
import type { OwnershipTransfer, PartitionPlacement } from '../transfer/index.js';
import { loadOrCreateIdentity, saveIdentity } from './identity.js';
import type { NodeIdentity } from './identity.js';
import { RING_ADOPT_RPC, RingKeeper } from './ring-keeper.js';

/** The one-way RPC type that carries SWIM messages. */
export const SWIM_RPC_TYPE = 'swim';
/** The one-way RPC type that carries consensus (Paxos) messages. */
export const PAXOS_RPC_TYPE = 'paxos';
/** The LMDB environment (a folder in the data directory) holding acceptor and catalog state. */
export const CONSENSUS_DIR_NAME = 'consensus';
/** How often the node refreshes the stats it gossips. */
export const STATS_REFRESH_MS = 1_000;
/** After the seeds went unanswered, the next round of join attempts starts after this long. */
export const JOIN_RETRY_ROUND_MS = 10_000;
/** How often the node looks for members whose gossiped transfer readiness changed (placements follow it). */
export const READINESS_POLL_MS = 200;
/** Gossiped stats of ownership transfer (src/cluster/transfer): the ring a node holds completely, the ring it uses, and whether it is leaving. */
export const STAT_RING_READY = 'ringReady';
export const STAT_RING_VERSION = 'ringVersion';
/** Bytes this node sent to and received from its peers (requests, replies and one-way messages, frames included). */
export const STAT_PEER_BYTES_SENT = 'peerBytesSent';
export const STAT_PEER_BYTES_RECEIVED = 'peerBytesReceived';
export const STAT_LEAVING = 'leaving';
/** While a node leaves: its partition replicas the nodes taking its place have not yet received (what `eon node leave` waits on). */
export const STAT_HANDOFFS_OUTSTANDING = 'handoffsOutstanding';
/** Where the ring adopted last is kept in the consensus environment's state database. */
const ADOPTED_RING_KEY = 'ring.adopted';
/** Seeds are addressed before their ids are known: "@host:port". */
const SEED_PREFIX = '@';

export interface ClusterNodeOptions {
  readonly dataDir: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly peerPort: number;
  /** host:port other members reach this node at, when not host:peerPort (a proxy or NAT in between). */
  readonly advertisePeer?: string;
  /** host:port peer addresses of existing members. */
  readonly join: readonly string[];
  /** null: no peer authentication (loopback only, unless insecure). */
  readonly secret: string | null;
  readonly insecure: boolean;
  readonly partitions: number;
  readonly replicas: number;
  /** Static facts other nodes show about this one. */
  readonly pgPort: number;
  readonly httpPort: number;
  readonly log: RpcLogger;
  /** The node's own measurements, gossiped with every refresh (response time, error rate, …). */
  readonly localStats?: () => Partial<Omit<NodeStats, 'heartbeat' | 'load'>>;
}

export class ClusterNode {
  private statsTimer: NodeJS.Timeout | null = null;
  private joinTimer: NodeJS.Timeout | null = null;
  private halted = false;
  /** False while a node started with seeds has not heard from any of them. */
  private hasJoined: boolean;
  private readonly leaveWaiters: (() => void)[] = [];
  /** Set by leave(): the claimant drops this node from the ring while it hands its partitions off. */
  private leavingNow = false;
  private transfers: OwnershipTransfer | null = null;
  private readinessTimer: NodeJS.Timeout | null = null;
  /**
   * The highest ring readiness each member has gossiped. Readiness only grows: what a node has
   * received stays in its data directory across a restart. While a restarted member has not
   * gossiped again, its last figure stands — else placement would fall back to a ring's old
   * holders, which never held what was written since, and answer its partitions empty.
   */
  private readonly readySeen = new Map<NodeId, number>();
  private readinessSignature = '';

  private constructor(
    private readonly options: ClusterNodeOptions,
    private identity: NodeIdentity,
    readonly peerAddress: string,
    /** The port the peer server is bound to (the one asked for, or the one 0 picked). */
    readonly peerPort: number,
    /** Peer RPC: other cluster modules register their request types here. */
    readonly server: PeerServer,
    /** Peer RPC: requests and one-way messages to other members, by peer address. */
    readonly pool: PeerPool,
    readonly swim: SwimNode,
    /** The ring decided in the consensus register, as this node adopted it. */
    readonly ring: RingKeeper,
    /** The linearizable compare-and-set register this node proposes to and accepts for. */
    readonly consensus: ConsensusRegister,
    /** Acceptor state and other durable cluster state (e.g. the catalog version applied). */
    readonly consensusEnv: RootDatabase,
  ) {
    // Decided in wire() before anything starts: a node with seeds must not act as joined (found
    // a ring of its own) while it has not heard from any of them.
    this.hasJoined = false;
  }

  /** Opens the peer port, starts SWIM and joins the seeds (--join, or the peers the data directory remembers). */
  static async start(options: ClusterNodeOptions): Promise<ClusterNode> {
    const { identity } = loadOrCreateIdentity(options.dataDir, Date.now());
    const server = new PeerServer({ nodeId: identity.nodeId, secret: options.secret, host: options.host, insecure: options.insecure, log: options.log });
    let bound: { host: string; port: number };
    try {
      bound = await server.listen(options.host, options.peerPort);
    } catch (e) {
      await server.close();
      throw e;
    }
    const peerAddress = options.advertisePeer ?? formatAddress(options.host, bound.port);
    const pool = new PeerPool({ nodeId: identity.nodeId, secret: options.secret, log: options.log });
    let swim: SwimNode | null = null;
    const addressOf = (id: NodeId): string | undefined =>
      id.startsWith(SEED_PREFIX) ? id.slice(SEED_PREFIX.length) : swim?.member(id)?.address;
    swim = new SwimNode({
      id: identity.nodeId,
      address: peerAddress,
      meta: { pgPort: options.pgPort, httpPort: options.httpPort, joinedAtMs: identity.joinedAtMs, partitions: options.partitions },
      incarnation: identity.incarnation,
      runtime: systemRuntime,
      transport: rpcTransport<SwimMessage>(pool, SWIM_RPC_TYPE, addressOf),
    });
    const consensusEnv = open({ path: path.join(options.dataDir, CONSENSUS_DIR_NAME), noSubdir: false, maxDbs: 4 });
    const acceptors = consensusEnv.openDB<string, string>({ name: 'acceptors', encoding: 'string' });
    let consensus: ConsensusRegister | null = null;
    let built: ClusterNode | null = null;
    const rpcPaxos = rpcTransport<ConsensusMessage>(pool, PAXOS_RPC_TYPE, addressOf);
    consensus = new ConsensusRegister({
      self: identity.nodeId,
      runtime: systemRuntime,
      // Messages to itself skip the socket (a later turn, as a network would deliver them); none
      // once the node stops, since its acceptor state is closed then.
      transport: {
        send: (to, message) => {
          if (built?.stopped === true) return;
          if (to !== identity.nodeId) return rpcPaxos.send(to, message);
          setImmediate(() => {
            if (built?.stopped !== true) consensus?.handle(identity.nodeId, structuredClone(message));
          });
        },
      },
      store: new LmdbAcceptorStore(acceptors, 'eon'),
    });
    const state = consensusEnv.openDB<string, string>({ name: 'state', encoding: 'string' });
    const ring = new RingKeeper({
      register: consensus,
      membership: {
        nodeId: identity.nodeId,
        get joined() {
          return built?.joined ?? false;
        },
        members: () => swim?.members() ?? [],
        isLeaving: (id) => (id === identity.nodeId ? built?.leavingNow === true : swim?.member(id)?.stats.extra?.[STAT_LEAVING] === 1),
        catalogAcceptors: (max) => built?.catalogAcceptors(max) ?? [identity.nodeId],
        announce: (version, ringJson) => {
          for (const id of built?.upMembers() ?? []) {
            const address = id === identity.nodeId ? undefined : addressOf(id);
            if (address !== undefined) pool.send(address, RING_ADOPT_RPC, { version, ring: ringJson });
          }
        },
      },
      partitions: options.partitions,
      replicas: options.replicas,
      store: {
        load: () => {
          const text = state.get(ADOPTED_RING_KEY);
          if (text === undefined) return undefined;
          try {
            const saved = JSON.parse(text) as { version?: unknown; ring?: unknown };
            return typeof saved.version === 'number' ? { version: saved.version, json: saved.ring } : undefined;
          } catch {
            return undefined;
          }
        },
        save: (version, json) => void state.put(ADOPTED_RING_KEY, JSON.stringify({ version, ring: json })),
      },
      log: options.log,
    });
    const node = new ClusterNode(options, identity, peerAddress, bound.port, server, pool, swim, ring, consensus, consensusEnv);
    built = node;
    server.onMessage(RING_ADOPT_RPC, (body) => {
      if (!node.stopped) node.ring.receive(body);
    });
    routeMessages(server, SWIM_RPC_TYPE, (_body): _body is unknown => true, (from, message) => node.swim.receive(from, message));
    routeMessages(server, PAXOS_RPC_TYPE, (_body): _body is unknown => true, (from, message) => {
      if (!node.stopped) consensus.handle(from, message);
    });
    node.wire();
    return node;
  }

  /** Set by stop(): nothing is handled or sent after it. */
  get stopped(): boolean {
    return this.halted;
  }

  get nodeId(): NodeId {
    return this.identity.nodeId;
  }

  /** The peer address (host:port) of a member, this node included; undefined for a stranger. */
  addressOf(id: NodeId): string | undefined {
    return this.swim.member(id)?.address;
  }

  /** Whether membership holds the member alive or merely suspect (worth sending to). */
  isUp(id: NodeId): boolean {
    const state = this.swim.member(id)?.state;
    return state === 'alive' || state === 'suspect';
  }

  /** Partition p's replica set, owner first, in the ring in use: N = the node's setting, or n. */
  replicasOf(partition: number, n?: number): NodeId[] {
    return this.ring.replicasOf(partition, n);
  }

  /**
   * Where partition p's rows are read and written while ownership moves: new holders that have
   * received it, old holders in place of those still receiving (serving), and those (pending).
   */
  placementOf(partition: number, n?: number): PartitionPlacement {
    return this.ring.placementOf(partition, n);
  }

  /** A member's gossiped transfer readiness (this node's own from its transfers). */
  readinessOf(id: NodeId): number | undefined {
    if (id === this.nodeId) return this.transfers?.readyVersion;
    const v = this.swim.member(id)?.stats.extra?.[STAT_RING_READY];
    const seen = this.readySeen.get(id);
    if (typeof v !== 'number') return seen;
    if (seen !== undefined && seen >= v) return seen;
    this.readySeen.set(id, v);
    return v;
  }

  /** A member's gossiped ring version in use. */
  ringVersionOf(id: NodeId): number | undefined {
    if (id === this.nodeId) return this.ring.version;
    const v = this.swim.member(id)?.stats.extra?.[STAT_RING_VERSION];
    return typeof v === 'number' ? v : undefined;
  }

  /**
   * Hands ring changes to ownership transfer: from now on reads and writes are placed by who has
   * received what, and this node gossips its own progress.
   */
  attachTransfers(transfers: OwnershipTransfer): void {
    this.transfers = transfers;
    this.ring.setReadiness((id) => this.readinessOf(id));
    this.readinessTimer = setInterval(() => this.checkReadiness(), READINESS_POLL_MS);
    this.readinessTimer.unref();
  }

  /** Transfer progress changed here: gossip it and place by it at once. */
  transfersChanged(): void {
    if (this.stopped) return;
    this.refreshStats();
    this.checkReadiness();
  }

  private checkReadiness(): void {
    const signature = this.swim
      .members()
      .map((m) => `${m.id}=${this.readinessOf(m.id) ?? '-'}`)
      .join(',');
    if (signature === this.readinessSignature) return;
    this.readinessSignature = signature;
    this.ring.readinessChanged();
  }


  /** False while a node started with seeds (--join, or remembered peers) has not heard from any. */
  get joined(): boolean {
    return this.hasJoined;
  }

  /**
   * The acceptors of cluster-wide registers (the catalog): the first `max` members by first join
   * time, dead ones included, left ones not. Stable as the cluster grows past `max`.
   */
  catalogAcceptors(max: number): NodeId[] {
    return this.swim
      .members()
      .filter((m) => m.state !== 'left')
      .map((m) => ({ id: m.id, at: typeof m.meta.joinedAtMs === 'number' ? m.meta.joinedAtMs : 0 }))
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, max)
      .map((m) => m.id);
  }

  /** Members that are alive or suspect, this node included. */
  upMembers(): NodeId[] {
    return this.swim.members().filter((m) => m.state === 'alive' || m.state === 'suspect').map((m) => m.id);
  }

  private wire(): void {
    const { swim, options } = this;
    swim.onChange((c: MemberChange) => {
      options.log(c.to === 'alive' ? 'info' : 'warn', 'member state', { member: c.id, from: c.from, to: c.to, incarnation: c.incarnation });
      const q = swim.member(c.id)?.meta.partitions;
      if (c.from === null && typeof q === 'number' && q !== options.partitions) {
        // Placement would disagree: every member must hash keys onto the same ring.
        options.log('error', 'a member has a different ring size; start every member with the same --partitions', {
          member: c.id,
          memberPartitions: q,
          partitions: options.partitions,
        });
      }
      this.savePeers();
    });
    swim.onEvent((e: SwimEvent) => this.onSwimEvent(e));
    // A change of members may call for a new ring: the claimant proposes it at once.
    swim.onChange(() => this.ring.markDirty());
    const seeds = this.seedIds();
    this.hasJoined = seeds.length === 0;
    // Every ring adopted is gossiped (a newcomer waits for all to use a ring before pulling by it).
    this.ring.onAdopt(() => this.refreshStats());
    swim.start();
    this.ring.start();
    this.refreshStats();
    this.statsTimer = setInterval(() => this.refreshStats(), STATS_REFRESH_MS);
    this.statsTimer.unref();
    if (seeds.length > 0) {
      options.log('info', 'joining the cluster', { seeds: seeds.map((s) => s.slice(SEED_PREFIX.length)) });
      swim.join(seeds);
    } else {
      options.log('info', 'founding a cluster (no --join and no remembered peers)', { node: this.nodeId });
    }
  }

  private seedIds(): NodeId[] {
    const addresses = new Set([...this.options.join, ...this.identity.peers]);
    addresses.delete(this.peerAddress);
    return [...addresses].map((a) => `${SEED_PREFIX}${a}`);
  }

  private onSwimEvent(e: SwimEvent): void {
    switch (e.kind) {
      case 'joined':
        this.hasJoined = true;
        this.ring.markDirty();
        this.options.log('info', 'joined the cluster', { via: e.via });
        return;
      case 'seeds-unreachable':
        // Keep trying: a node told to join must not quietly found a cluster of its own.
        this.options.log('warn', 'cannot reach any member to join; retrying', {
          seeds: e.seeds.map((s) => (s.startsWith(SEED_PREFIX) ? s.slice(SEED_PREFIX.length) : s)),
          attempts: e.attempts,
          retryInMs: JOIN_RETRY_ROUND_MS,
        });
        this.joinTimer = setTimeout(() => {
          if (!this.stopped) this.swim.join(e.seeds);
        }, JOIN_RETRY_ROUND_MS);
        this.joinTimer.unref();
        return;
      case 'incarnation':
        this.identity = { ...this.identity, incarnation: e.incarnation };
        saveIdentity(this.options.dataDir, this.identity);
        return;
      case 'left':
        for (const resolve of this.leaveWaiters.splice(0)) resolve();
        return;
      default: {
        const never: never = e;
        throw new Error(`cluster node: unknown swim event ${String(never)}`);
      }
    }
  }

  /**
   * Writes the peers' addresses to cluster.json as soon as the set changes (a restart rejoins
   * through them). Not debounced: a node killed a moment after it joined must still know its
   * cluster when it comes back, or it would found a cluster of its own; the set changes only when
   * members join or leave, not on every state change.
   */
  private savePeers(): void {
    if (this.stopped) return;
    const peers = this.swim.members().filter((m) => m.id !== this.nodeId && m.state !== 'left').map((m) => m.address);
    const known = new Set(this.identity.peers);
    if (peers.length === known.size && peers.every((a) => known.has(a))) return;
    this.identity = { ...this.identity, peers };
    saveIdentity(this.options.dataDir, this.identity);
  }


  private refreshStats(): void {
    if (this.stopped) return;
    const local = this.options.localStats?.();
    this.swim.setLocalStats({ ...local, load: Math.round(loadavg()[0]! * 100) / 100, extra: { ...local?.extra, ...this.transferFigures(), ...this.peerTraffic() } });
  }

  /** The peer RPC's byte counters, both directions of its connections (pool: out; server: in). */
  private peerTraffic(): Record<string, number> {
    const pool = this.pool.stats();
    const server = this.server.stats();
    return { [STAT_PEER_BYTES_SENT]: pool.bytesOut + server.bytesOut, [STAT_PEER_BYTES_RECEIVED]: pool.bytesIn + server.bytesIn };
  }

  /** Ownership transfer's gossiped figures (what eon status and /v1/cluster show per member). */
  private transferFigures(): Record<string, number> {
    const figures: Record<string, number> = { [STAT_RING_VERSION]: this.ring.version };
    if (this.leavingNow) figures[STAT_LEAVING] = 1;
    if (this.transfers === null) return figures;
    const c = this.transfers.counts();
    const handoffs = this.transfers.handoffsOutstanding;
    if (this.leavingNow && handoffs !== null) figures[STAT_HANDOFFS_OUTSTANDING] = handoffs;
    return {
      ...figures,
      [STAT_RING_READY]: c.readyVersion,
      transfersPending: c.pending,
      transfersActive: c.active,
      transfersDone: c.done,
      transferRowsMoved: c.rowsMoved,
      transferRowsServed: this.transfers.rowsServed,
    };
  }

  /** The cluster as this node sees it (its own figures as of now). */
  view(): ClusterView {
    this.refreshStats();
    const members = this.swim.members();
    return {
      self: this.nodeId,
      partitions: this.options.partitions,
      replicas: this.ring.replicaCount(),
      ringVersion: this.ring.version,
      members: members.map((m): MemberView => memberView(m, this.ring)),
    };
  }

  /** Each partition's replica set as this node's ring has it (owner first). */
  partitionReplicas(): NodeId[][] {
    const out: NodeId[][] = [];
    for (let p = 0; p < this.options.partitions; p++) out.push(this.ring.replicasOf(p));
    return out;
  }

  /**
   * Leaves the cluster for good: says it is leaving (the claimant decides a ring without it), waits
   * until every node that takes its place has received its partitions (at most `handoffTimeoutMs`,
   * then leaves anyway and says what was not acknowledged), then gossips `left` and goes silent;
   * resolves then. The owner stops the node afterwards.
   */
  async leave(handoffTimeoutMs: number = LEAVE_HANDOFF_TIMEOUT_MS): Promise<void> {
    if (!this.swim.running || this.leavingNow) return;
    this.leavingNow = true;
    this.refreshStats();
    this.ring.markDirty();
    const others = this.upMembers().filter((id) => id !== this.nodeId);
    if (this.transfers !== null && others.length > 0) {
      this.options.log('info', 'leaving the cluster: handing its partitions off first', { node: this.nodeId, timeoutMs: handoffTimeoutMs });
      const t0 = Date.now();
      const outcome = await this.transfers.handoff(handoffTimeoutMs);
      if (outcome.kind === 'handed-off') {
        this.options.log('info', 'every partition handed off; leaving', { partitionsHandedOff: outcome.partitions, ms: Date.now() - t0 });
      } else {
        this.options.log('error', `leaving without every handoff acknowledged after ${handoffTimeoutMs} ms: ${outcome.ringAdopted ? `${outcome.outstanding.length} partition replicas not yet received by their new holders` : 'no ring without this node was decided (is a majority of the ring acceptors up?)'}; their rows stay on the other replicas and anti-entropy repairs the new holders`, {
          outstanding: outcome.outstanding.slice(0, 20).map((h) => `${h.partition}->${h.to}`),
        });
      }
    }
    if (!this.swim.running) return;
    const done = new Promise<void>((resolve) => this.leaveWaiters.push(resolve));
    this.options.log('info', 'leaving the cluster', { node: this.nodeId });
    this.swim.leave();
    return done;
  }

  /**
   * `eon node remove`: declares a member this node holds dead gone for good. An unknown member is
   * undefined_object; one that is not dead is member_not_removable (a live node leaves by itself).
   */
  remove(id: NodeId): void {
    const member = this.swim.member(id);
    if (member === undefined) throw new EonError('undefined_object', `no member "${id}" in this node's view of the cluster`);
    if (!this.swim.remove(id)) {
      throw new EonError('member_not_removable', `member "${id}" is ${member.state}; only a member held dead can be removed`, {
        hint: member.state === 'alive' || member.state === 'suspect' ? 'A live node leaves by itself: eon node leave --http <its REST address>.' : undefined,
      });
    }
    this.options.log('warn', 'member removed from the cluster', { member: id });
  }

  /** Stops answering and probing; the others will see this node dead until it returns (stop is not leave). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.halted = true;
    for (const t of [this.statsTimer, this.joinTimer, this.readinessTimer]) if (t !== null) clearTimeout(t);
    this.transfers?.stop();
    this.ring.stop();
    this.swim.stop();
    await this.pool.close();
    await this.server.close();
    await this.consensusEnv.close();
  }
}

function memberView(m: Member, ring: RingKeeper): MemberView {
  const num = (k: string): number | null => (typeof m.meta[k] === 'number' ? (m.meta[k] as number) : null);
  return {
    id: m.id,
    peer: m.address,
    state: m.state === 'alive' && m.stats.extra?.[STAT_LEAVING] === 1 ? 'leaving' : m.state,
    incarnation: m.incarnation,
    pgPort: num('pgPort'),
    httpPort: num('httpPort'),
    partitionsOwned: ring.owned(m.id),
    partitionsHeld: ring.held(m.id),
    stats: {
      heartbeat: m.stats.heartbeat,
      load: m.stats.load,
      meanResponseMs: Math.round(m.stats.meanResponseMs * 1000) / 1000,
      errorRate: Math.round(m.stats.errorRate * 10_000) / 10_000,
      ...(m.stats.extra ?? {}),
      ...(m.stats.geolocation === undefined ? {} : { geolocation: `${m.stats.geolocation.lat},${m.stats.geolocation.lon}` }),
    },
  };
}

function formatAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}
