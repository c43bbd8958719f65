// The ring a node places data by, decided one version at a time in the consensus register (key
// `ring`), never derived separately by each node: two ring versions never both count. After a
// membership change a node reads the register (a linearizable read) and adopts a newer version;
// the claimant — the member with the lowest id among those that are up — proposes the next ring
// when the members (all but those that left, plus ring nodes it does not know) differ from the
// ring's, by the pure claim function from the current ring (a join moves only what the newcomer
// claims, a leave only the leaver's), and sends what it decided to every member. Otherwise a node
// re-reads only every RING_REFRESH_MS: each read is a Paxos round that competes with the claimant's proposal.
// The decided value carries the ring it replaces (`previous`), so every node knows the same
// transition: until a newcomer reports its handoff transfers done (src/cluster/transfer), reads
// keep going to the old holders and writes go to both (placementOf). A member that announces it
// is leaving drops out of the claimant's members while it still runs, so it can hand off first.

import { EonError } from '../../errors/index.js';
import { casAsync, readAsync } from '../consensus/index.js';
import type { ConsensusRegister } from '../consensus/index.js';
import type { Member } from '../membership/index.js';
import { claim, clampReplicas, decodeRing, encodeRing, partitionsHeldBy, replicaSet } from '../ring/index.js';
import type { RingState } from '../ring/index.js';
import type { RpcLogger } from '../rpc/index.js';
import type { NodeId } from '../runtime.js';
import { placementOf } from '../transfer/transfer-plan.js';
import type { PartitionPlacement, ReadinessOf, RingTransition } from '../transfer/transfer-plan.js';

export const RING_KEY = 'ring';
/** How often a node checks whether it should read the ring register (after a change, or to refresh). */
export const RING_SYNC_MS = 1_000;
/** A node with nothing changed re-reads the register this often (catching a lost announcement). */
export const RING_REFRESH_MS = 10_000;
/** The one-way message that announces a decided ring to the members. */
export const RING_ADOPT_RPC = 'ring.adopt';
/** Acceptors of the ring key: the same first members by join time as the catalog's. */
export const RING_ACCEPTORS_MAX = 5;

export interface RingMembership {
  readonly nodeId: NodeId;
  readonly joined: boolean;
  members(): Member[];
  catalogAcceptors(max: number): NodeId[];
  /** Sends a decided ring to every other member that is up (one-way, may be lost). */
  announce(version: number, ringJson: unknown): void;
  /** Whether a member has said it is leaving (it keeps running to hand off, but gets no partitions). */
  isLeaving?(id: NodeId): boolean;
}

/** The decided value: the ring, and the ring it replaced with that ring's register version. */
interface RingValue {
  readonly ring: RingState;
  readonly previous: RingState | null;
  readonly previousVersion: number;
}

/** Decodes a register value or announcement (a ring's JSON, optionally with `previous`). */
function decodeRingValue(json: unknown, partitions: number): RingValue | null {
  const decoded = decodeRing(json);
  if (decoded.kind !== 'ring' || decoded.ring.partitions !== partitions) return null;
  const extra = json as { previous?: unknown; previousVersion?: unknown };
  if (extra.previous === undefined || !Number.isSafeInteger(extra.previousVersion)) return { ring: decoded.ring, previous: null, previousVersion: 0 };
  const previous = decodeRing(extra.previous);
  if (previous.kind !== 'ring' || previous.ring.partitions !== partitions) return { ring: decoded.ring, previous: null, previousVersion: 0 };
  return { ring: decoded.ring, previous: previous.ring, previousVersion: extra.previousVersion as number };
}

function encodeRingValue(ring: RingState, previous: RingState | null, previousVersion: number): unknown {
  return previous === null ? encodeRing(ring) : { ...encodeRing(ring), previous: encodeRing(previous), previousVersion };
}

/** Where the ring this node adopted last is kept (it places writes before the first read after a restart). */
export interface AdoptedRingStore {
  load(): { version: number; json: unknown } | undefined;
  save(version: number, json: unknown): void;
}

export class RingKeeper {
  private adopted: { version: number; ring: RingState; previous: RingState | null; previousVersion: number } | null = null;
  /** Each member's gossiped transfer readiness (this node's own included); unset: every node counts as ready. */
  private readiness: ReadinessOf | null = null;
  /** Placement per (replica count): recomputed after an adoption or a readiness change. */
  private placements = new Map<number, PartitionPlacement[]>();
  private readonly adoptListeners: ((t: RingTransition) => void)[] = [];
  /** This node alone, before any ring is adopted. */
  private solo: RingState | null = null;
  private heldCounts = new Map<NodeId, number>();
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private stopped = false;
  /** Members changed (or nothing read yet) since the last read of the register. */
  private dirty = true;
  private lastReadAt = 0;

  constructor(
    private readonly o: {
      readonly register: ConsensusRegister;
      readonly membership: RingMembership;
      readonly partitions: number;
      readonly replicas: number;
      readonly store: AdoptedRingStore;
      readonly log: RpcLogger;
    },
  ) {
    const saved = o.store.load();
    if (saved !== undefined) {
      const value = decodeRingValue(saved.json, o.partitions);
      if (value !== null) this.adopt(saved.version, value, false);
    }
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      if (this.dirty || this.adopted === null || Date.now() - this.lastReadAt >= RING_REFRESH_MS || this.claimantSeesChange()) void this.sync();
      this.timer = setTimeout(tick, RING_SYNC_MS);
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  /** The version of the ring in use (0: none decided yet). */
  get version(): number {
    return this.adopted?.version ?? 0;
  }

  /** The ring in use; before any is decided, a ring of this node alone. */
  ring(): RingState {
    if (this.adopted !== null) return this.adopted.ring;
    // Claimed once: it places every write until a decided ring is adopted.
    this.solo ??= claim(null, new Map([[this.o.membership.nodeId, 1]]), this.o.partitions);
    return this.solo;
  }

  replicaCount(): number {
    return clampReplicas(this.ring(), this.o.replicas);
  }

  /** Partition p's replica set (owner first): N = the node's setting, or n. */
  replicasOf(partition: number, n?: number): NodeId[] {
    return replicaSet(this.ring(), partition, n ?? this.replicaCount());
  }

  /** The ring change in use: the ring, and the one it replaced (null: none, or nothing decided yet). */
  transition(): RingTransition {
    return {
      version: this.version,
      current: this.ring(),
      previous: this.adopted?.previous ?? null,
      previousVersion: this.adopted?.previousVersion ?? 0,
    };
  }

  /** Where partition p is read (serving) and also written (pending: receiving its handoff). */
  placementOf(partition: number, n?: number): PartitionPlacement {
    const count = n ?? this.replicaCount();
    if (this.readiness === null || this.adopted?.previous == null) {
      const replicas = this.replicasOf(partition, count);
      return { serving: replicas, pending: [] };
    }
    let table = this.placements.get(count);
    if (table === undefined) {
      table = [];
      const t = this.transition();
      for (let p = 0; p < this.o.partitions; p++) table.push(placementOf(t, p, count, this.readiness));
      this.placements.set(count, table);
    }
    return table[partition]!;
  }

  /** Members' transfer readiness from now on (gossiped); placements follow it. */
  setReadiness(readiness: ReadinessOf): void {
    this.readiness = readiness;
    this.placements.clear();
  }

  /** Some member's readiness changed: placements are recomputed on next use. */
  readinessChanged(): void {
    this.placements.clear();
  }

  /** Called with every ring adopted from now on (after a restart, the saved one is adopted before any listener). */
  onAdopt(listener: (t: RingTransition) => void): void {
    this.adoptListeners.push(listener);
  }

  owned(node: NodeId): number {
    return this.ring().ownedCounts().get(node) ?? 0;
  }

  held(node: NodeId): number {
    return this.adopted === null ? (node === this.o.membership.nodeId ? this.o.partitions : 0) : (this.heldCounts.get(node) ?? 0);
  }

  /** The members changed: read (and, as claimant, decide) at the next tick. */
  markDirty(): void {
    this.dirty = true;
  }

  /** A ring another member decided and announced; adopted when newer (and valid). */
  receive(body: unknown): void {
    const b = body as { version?: unknown; ring?: unknown } | null;
    if (b === null || typeof b !== 'object' || !Number.isSafeInteger(b.version) || (b.version as number) <= this.version) return;
    const value = decodeRingValue(b.ring, this.o.partitions);
    if (value === null) return;
    this.adopt(b.version as number, value, true);
  }

  /** The members the ring should have: not left, not leaving, plus ring nodes this node does not know. */
  private wantedMembers(current: RingState | null): Set<NodeId> {
    const m = this.o.membership;
    const members = m.members().filter((x) => x.state !== 'left' && m.isLeaving?.(x.id) !== true);
    // A ring node leaves the ring only when it is known to have left (leave or remove) or to be
    // leaving: one this node does not know at all — it has just restarted, or forgot a long-dead
    // member — keeps its partitions, so a node never shrinks the ring out of ignorance.
    const known = new Set(m.members().map((x) => x.id));
    const wanted = new Set(members.map((x) => x.id));
    for (const id of current?.nodes ?? []) if (!known.has(id)) wanted.add(id);
    return wanted;
  }

  /** The claimant (as far as this node can tell without a read) sees members the adopted ring lacks or has too many of. */
  private claimantSeesChange(): boolean {
    const m = this.o.membership;
    if (this.adopted === null || !m.joined || this.claimant() !== m.nodeId) return false;
    const wanted = this.wantedMembers(this.adopted.ring);
    const inRing = this.adopted.ring.nodes;
    return wanted.size > 0 && (wanted.size !== inRing.length || inRing.some((id) => !wanted.has(id)));
  }

  /** The member with the lowest id among those up and not leaving. */
  private claimant(): NodeId | undefined {
    const m = this.o.membership;
    return m
      .members()
      .filter((x) => (x.state === 'alive' || x.state === 'suspect') && m.isLeaving?.(x.id) !== true)
      .map((x) => x.id)
      .sort()[0];
  }

  /** Adopts a newer ring from the register, then (as claimant) proposes one for changed members. */
  sync(): Promise<void> {
    this.syncing ??= this.runSync()
      .catch((e: unknown) => this.o.log('debug', 'ring sync failed', { error: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        this.syncing = null;
      });
    return this.syncing;
  }

  private async runSync(): Promise<void> {
    const m = this.o.membership;
    if (!m.joined || this.stopped) return;
    this.dirty = false;
    this.lastReadAt = Date.now();
    const acceptors = m.catalogAcceptors(RING_ACCEPTORS_MAX);
    const read = await readAsync(this.o.register, RING_KEY, acceptors);
    if (read.kind !== 'current') {
      this.dirty = true;
      return;
    }
    let current: RingState | null = null;
    if (read.current.value !== null) {
      const json = JSON.parse(read.current.value) as unknown;
      const decoded = decodeRing(json);
      if (decoded.kind !== 'ring') throw new EonError('replica_data_corrupted', `the ring in the register does not decode: ${decoded.reason}`);
      if (decoded.ring.partitions !== this.o.partitions) {
        this.o.log('error', 'the cluster ring has another ring size than this node; start it with the same --partitions', {
          ring: decoded.ring.partitions,
          node: this.o.partitions,
        });
        return;
      }
      current = decoded.ring;
      const value = decodeRingValue(json, this.o.partitions);
      if (read.current.version > this.version && value !== null) this.adopt(read.current.version, value, true);
    }
    const wanted = this.wantedMembers(current);
    const inRing = new Set(current?.nodes ?? []);
    if (wanted.size === 0 || (current !== null && wanted.size === inRing.size && [...wanted].every((id) => inRing.has(id)))) return;
    // One claimant proposes, so members rarely race; the compare-and-set settles it when they do.
    if (this.claimant() !== m.nodeId) return;
    const next = claim(current, new Map([...wanted].sort().map((id) => [id, 1])), this.o.partitions);
    const json = encodeRingValue(next, current, read.current.version);
    const outcome = await casAsync(this.o.register, RING_KEY, acceptors, read.current.version, JSON.stringify(json));
    if (outcome.kind === 'applied') {
      this.adopt(outcome.version, { ring: next, previous: current, previousVersion: read.current.version }, true);
      m.announce(outcome.version, json);
      this.o.log('info', 'ring changed', { version: outcome.version, members: next.nodes.length });
    } else {
      // Someone else moved the ring, or no majority answered: look again at the next tick.
      this.dirty = true;
    }
  }

  private adopt(version: number, value: RingValue, save: boolean): void {
    const { ring } = value;
    const n = clampReplicas(ring, this.o.replicas);
    this.heldCounts = new Map(ring.nodes.map((id) => [id, partitionsHeldBy(ring, id, n).length]));
    this.adopted = { version, ring, previous: value.previous, previousVersion: value.previousVersion };
    this.placements.clear();
    if (save) this.o.store.save(version, encodeRingValue(ring, value.previous, value.previousVersion));
    const t = this.transition();
    for (const listener of this.adoptListeners) listener(t);
  }
}
