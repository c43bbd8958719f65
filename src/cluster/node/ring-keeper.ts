// The ring a node places data by, decided one version at a time in the consensus register (key
// `ring`), never derived separately by each node: two ring versions never both count. After a
// membership change a node reads the register (a linearizable read) and adopts a newer version;
// the claimant — the member with the lowest id among those that are up — proposes the next ring
// when the members (all but those that left, plus ring nodes it does not know) differ from the
// ring's, by the pure claim function from the current ring (a join moves only what the newcomer
// claims, a leave only the leaver's), and sends what it decided to every member. Otherwise a node
// re-reads only every RING_REFRESH_MS: each read is a Paxos round that competes with the claimant's proposal.

import { EonError } from '../../errors/index.js';
import { casAsync, readAsync } from '../consensus/index.js';
import type { ConsensusRegister } from '../consensus/index.js';
import type { Member } from '../membership/index.js';
import { claim, clampReplicas, decodeRing, encodeRing, partitionsHeldBy, replicaSet } from '../ring/index.js';
import type { RingState } from '../ring/index.js';
import type { RpcLogger } from '../rpc/index.js';
import type { NodeId } from '../runtime.js';

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
}

/** Where the ring this node adopted last is kept (it places writes before the first read after a restart). */
export interface AdoptedRingStore {
  load(): { version: number; json: unknown } | undefined;
  save(version: number, json: unknown): void;
}

export class RingKeeper {
  private adopted: { version: number; ring: RingState } | null = null;
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
      const decoded = decodeRing(saved.json);
      if (decoded.kind === 'ring' && decoded.ring.partitions === o.partitions) this.adopt(saved.version, decoded.ring, false);
    }
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      if (this.dirty || this.adopted === null || Date.now() - this.lastReadAt >= RING_REFRESH_MS) void this.sync();
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
    const decoded = decodeRing(b.ring);
    if (decoded.kind !== 'ring' || decoded.ring.partitions !== this.o.partitions) return;
    this.adopt(b.version as number, decoded.ring, true);
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
      const decoded = decodeRing(JSON.parse(read.current.value) as unknown);
      if (decoded.kind !== 'ring') throw new EonError('replica_data_corrupted', `the ring in the register does not decode: ${decoded.reason}`);
      if (decoded.ring.partitions !== this.o.partitions) {
        this.o.log('error', 'the cluster ring has another ring size than this node; start it with the same --partitions', {
          ring: decoded.ring.partitions,
          node: this.o.partitions,
        });
        return;
      }
      current = decoded.ring;
      if (read.current.version > this.version) this.adopt(read.current.version, current, true);
    }
    const members = m.members().filter((x) => x.state !== 'left');
    // A ring node leaves the ring only when it is known to have left (leave or remove): one this
    // node does not know at all — it has just restarted, or forgot a long-dead member — keeps its
    // partitions, so a node never shrinks the ring out of ignorance.
    const known = new Map(m.members().map((x) => [x.id, x.state]));
    const wanted = new Set(members.map((x) => x.id));
    for (const id of current?.nodes ?? []) if (!known.has(id)) wanted.add(id);
    const inRing = new Set(current?.nodes ?? []);
    if (current !== null && wanted.size === inRing.size && [...wanted].every((id) => inRing.has(id))) return;
    // One claimant proposes, so members rarely race; the compare-and-set settles it when they do.
    const up = members.filter((x) => x.state === 'alive' || x.state === 'suspect').map((x) => x.id).sort();
    if (up[0] !== m.nodeId) return;
    const next = claim(current, new Map([...wanted].sort().map((id) => [id, 1])), this.o.partitions);
    const json = encodeRing(next);
    const outcome = await casAsync(this.o.register, RING_KEY, acceptors, read.current.version, JSON.stringify(json));
    if (outcome.kind === 'applied') {
      this.adopt(outcome.version, next, true);
      m.announce(outcome.version, json);
      this.o.log('info', 'ring changed', { version: outcome.version, members: next.nodes.length });
    } else {
      // Someone else moved the ring, or no majority answered: look again at the next tick.
      this.dirty = true;
    }
  }

  private adopt(version: number, ring: RingState, save: boolean): void {
    const n = clampReplicas(ring, this.o.replicas);
    this.heldCounts = new Map(ring.nodes.map((id) => [id, partitionsHeldBy(ring, id, n).length]));
    this.adopted = { version, ring };
    if (save) this.o.store.save(version, encodeRing(ring));
  }
}
