// The coordinator's side of replicated writes: the Store calls it with the row changes of each
// committed write; it sends each other replica of the touched partitions one replica.apply request
// (split only past REPLICA_REQUEST_BYTES_MAX) and settles once every partition has W copies.
// Sloppy quorum: a replica that is down, or whose send fails, is replaced by a fallback (the next
// up node past the replica set), which keeps the same requests durably as hints for it
// (replica.hint) and counts toward W in its place; with no fallback left, the coordinator keeps
// the hint and it does not count.

import { EonError } from '../../errors/index.js';
import { HLC_ZERO } from '../version/index.js';
import type { HybridClock } from '../version/index.js';
import type { NodeId } from '../runtime.js';
import { PARTITIONS_MAX } from '../../../storage/store.js';
import type { ReplicateOptions, RowChange, VersionStamp, WriteReplication } from '../../../storage/store.js';
import type { TableSchema } from '../../../storage/schema.js';
import { REPLICA_HINT_RPC_TYPE, hintRequest, parseHintReply } from './hint-messages.js';
import { REPLICA_APPLY_RPC_TYPE, TABLE_ID_BYTES, encodeApplyRequest, parseApplyReply } from './messages.js';
import type { ApplyRequestBody, TableChanges } from './messages.js';
import type { ReplicationStats } from './stats.js';
import { tableQuorum, tableShape } from './table-quorum.js';
import { entryHlc, entryVersionBytes, versionStamp } from './version-entry.js';
import { WriteQuorum } from './write-quorum.js';
import type { QuorumSlot } from './write-quorum.js';

/**
 * How long a write waits without progress (a replica confirming one of its requests) before it
 * fails with replication_incomplete; also each request's own timeout. A large COPY batch goes out
 * in many requests, so it is bounded by progress, not by one deadline for the whole batch.
 */
export const REPLICATION_TIMEOUT_MS = 5_000;
/**
 * A write's changes for one replica are split into requests of at most about this many bytes of
 * keys and rows: each is one group commit on the replica, which keeps its event loop responsive.
 */
export const REPLICA_REQUEST_BYTES_MAX = 1024 * 1024;
/** Per-change overhead assumed when sizing requests (msgpack headers, the basis). */
const CHANGE_OVERHEAD_BYTES = 48;

/** Where a partition's replicas are and whether they can be reached (ClusterNode in a node). */
export interface ReplicaPlacement {
  readonly nodeId: NodeId;
  /** Whether the node knows any other member (else writes are neither versioned nor replicated). */
  hasPeers(): boolean;
  /** The partition's replica set, owner first: n nodes (a table's N; unset: the node's setting), fewer if the ring has fewer. */
  replicasOf(partition: number, n?: number): readonly NodeId[];
  /**
   * New holders still receiving the partition by handoff (src/cluster/transfer): written to as
   * well, and each that is up raises the write quorum by one, so a write acknowledged during the
   * transfer is on W of the replicas that serve reads after it too. One whose send fails (killed,
   * or cut off, before SWIM calls it dead) is excused from W and gets the write as a hint instead,
   * so a dying newcomer does not fail writes that W serving replicas hold. Unset: none.
   */
  pendingOf?(partition: number, n?: number): readonly NodeId[];
  /**
   * The nodes past the partition's replica set (of n) in the ring, clockwise and distinct, up or
   * down: the candidates, in order, to stand in for a down replica (sloppy quorum). The first up
   * ones that are neither serving nor pending replicas of the partition are taken. Unset: none.
   */
  fallbacksOf?(partition: number, n?: number): readonly NodeId[];
  isUp(id: NodeId): boolean;
  addressOf(id: NodeId): string | undefined;
}

/** The request half of PeerPool. */
export interface ReplicaRequester {
  request(address: string, type: string, body: unknown, options: { readonly timeoutMs: number }): Promise<{ readonly body: unknown }>;
}

export interface WriteReplicatorOptions {
  readonly placement: ReplicaPlacement;
  readonly peers: ReplicaRequester;
  readonly clock: HybridClock;
  readonly stats: ReplicationStats;
  readonly timeoutMs?: number;
  readonly requestBytesMax?: number;
  /** Keeps the requests a replica could not take (down, or its request failed) for hinted handoff. */
  readonly hints?: WriteHints;
}

/** Where missed requests go until their replica is back (src/cluster/handoff's HintStore). */
export interface WriteHints {
  add(target: NodeId, request: ApplyRequestBody): void;
  /**
   * Keeps a hint and resolves once it is on disk (false: too many kept for target): the
   * coordinator's own hint when it is the down replica's fallback, which counts toward W. Unset:
   * the coordinator never stands in itself.
   */
  addDurable?(target: NodeId, request: ApplyRequestBody): Promise<boolean>;
  /** Hints kept for target, not yet handed over. Unset: none are counted. */
  pending?(target: NodeId): number;
}

/** Requests by node, and for hints by fallback then by the replica they are for. */
type Shipments = Map<NodeId, Shipment[]>;
type HintShipments = Map<NodeId, Shipments>;

/** One request's worth of changes to one replica, and the quorum slots they touch. */
interface Shipment {
  readonly tables: Map<TableSchema, TableChanges>;
  readonly slots: Set<number>;
  /**
   * Index (in the write's changes) of its first change: when a send fails, the replica's changes
   * from there on are regrouped for fallbacks (a replica's changes are added in order, so no list
   * of them is kept).
   */
  readonly first: number;
  bytes: number;
}

/** One slot's fallbacks: who stands in for which down replica (sloppy quorum). */
interface SlotFallbacks {
  readonly partition: number;
  /** The table's N (the candidates are the ring's nodes past the first n). */
  readonly n: number;
  readonly serving: readonly NodeId[];
  /** Serving and pending replicas: never fallbacks themselves. */
  readonly replicas: readonly NodeId[];
  /** Fallback -> the replica it stands in for (the quorum counts the fallback in its place). */
  readonly standIns: Map<NodeId, NodeId>;
  /** Replica -> its fallback; undefined once none was left for it. */
  readonly byReplica: Map<NodeId, NodeId | undefined>;
  /** placement.fallbacksOf(partition, n), asked for only when a replica needs a fallback. */
  candidates: readonly NodeId[] | null;
}

/** The key of one table's partition in lagging(). */
function slotKey(table: string, partition: number): string {
  return `${partition}/${table}`;
}

export class WriteReplicator implements WriteReplication {
  private readonly timeoutMs: number;
  private readonly requestBytesMax: number;
  /** Per replica, per table partition (slotKey), the sends of this node's writes it has not answered yet. */
  private readonly unanswered = new Map<NodeId, Map<string, number>>();

  constructor(private readonly options: WriteReplicatorOptions) {
    this.timeoutMs = options.timeoutMs ?? REPLICATION_TIMEOUT_MS;
    this.requestBytesMax = options.requestBytesMax ?? REPLICA_REQUEST_BYTES_MAX;
  }

  active(): boolean {
    return this.options.placement.hasPeers();
  }

  /**
   * Whether `node` may lack a write this node coordinated to the table's partition: a send to it
   * is still unanswered, or this node keeps hints for it (a send failed, or it was down). Reads
   * that may choose among replicas prefer the others, so a session reads its own writes.
   */
  lagging(table: string, partition: number, node: NodeId): boolean {
    if ((this.options.hints?.pending?.(node) ?? 0) > 0) return true;
    return (this.unanswered.get(node)?.get(slotKey(table, partition)) ?? 0) > 0;
  }

  /** Counts a send to `node` of the slots `keys` as unanswered until `work` settles. */
  private follow(node: NodeId, keys: readonly string[], work: Promise<unknown>): void {
    let counts = this.unanswered.get(node);
    if (counts === undefined) this.unanswered.set(node, (counts = new Map()));
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    const done = (): void => {
      for (const k of keys) {
        const n = (counts.get(k) ?? 1) - 1;
        if (n <= 0) counts.delete(k);
        else counts.set(k, n);
      }
      if (counts.size === 0 && this.unanswered.get(node) === counts) this.unanswered.delete(node);
    };
    work.then(done, done);
  }

  serves(table: TableSchema, partition: number): boolean {
    const { placement } = this.options;
    const n = tableQuorum(table).replicas;
    return placement.replicasOf(partition, n).slice(0, n).includes(placement.nodeId);
  }

  stamp(replaced: readonly Uint8Array[]): VersionStamp {
    const { clock } = this.options;
    // The clock first passes every version this write replaces: after a restart, or after this
    // node's clock stepped back, its writes still supersede the rows they overwrite.
    let newest = HLC_ZERO;
    for (const entry of replaced) {
      const hlc = entryHlc(entry);
      if (hlc > newest) newest = hlc;
    }
    if (newest > clock.last()) {
      try {
        clock.observe(newest);
      } catch {
        // A stored version beyond the drift bound: the clock stays sane; this write may then lose to it.
      }
    }
    return versionStamp({ hlc: clock.now(), node: this.options.placement.nodeId });
  }

  replicate(changes: readonly RowChange[], stamp: VersionStamp, options?: ReplicateOptions): Promise<void> {
    const { placement, hints } = this.options;
    const self = placement.nodeId;
    // The slots (table, partition) this write touched, each with its replica set and W.
    const slotIndex = new Map<number, number>();
    const slots: QuorumSlot[] = [];
    // Per slot, the replicas still receiving the partition by handoff.
    const pendingBySlot: ReadonlySet<NodeId>[] = [];
    // Per slot, who stands in for which down replica (chosen now, or after a failed send).
    const fallbacksBySlot: SlotFallbacks[] = [];
    const shipments: Shipments = new Map();
    // Down replicas' requests, sent to their fallbacks (by fallback, then replica), or kept here
    // durably when the coordinator is the fallback itself.
    const fallbackShipments: HintShipments = new Map();
    const localHints: Shipments = new Map();
    // Down replicas with no fallback get the same requests as hints kept here, replayed when they are back.
    const missed: Shipments = new Map();
    const version = entryVersionBytes(stamp.live);
    for (let at = 0; at < changes.length; at++) {
      const change = changes[at]!;
      const slotId = change.table.id * PARTITIONS_MAX + change.partition;
      let index = slotIndex.get(slotId);
      if (index === undefined) {
        const quorum = tableQuorum(change.table);
        const serving = placement.replicasOf(change.partition, quorum.replicas).slice(0, quorum.replicas);
        const pending = (placement.pendingOf?.(change.partition, quorum.replicas) ?? []).filter((id) => !serving.includes(id));
        const replicas = [...serving, ...pending];
        // A statement's own W (eon.write_quorum) counts replicas holding the write as the table's does.
        const need = Math.min(options?.writeQuorum ?? quorum.writeQuorum, serving.length) + pending.filter((id) => placement.isUp(id)).length;
        const fallbacks: SlotFallbacks = { partition: change.partition, n: quorum.replicas, serving, replicas, standIns: new Map(), byReplica: new Map(), candidates: null };
        // Down serving replicas, in order, get the first free fallbacks; down pending ones get none (they do not raise W).
        for (const node of serving) if (node !== self && !placement.isUp(node)) this.standIn(fallbacks, node);
        index = slots.length;
        slots.push({ table: change.table.name, partition: change.partition, replicas, need, excusable: pending, standIns: fallbacks.standIns });
        pendingBySlot.push(new Set(pending));
        fallbacksBySlot.push(fallbacks);
        slotIndex.set(slotId, index);
      }
      for (const node of slots[index]!.replicas) {
        if (node === self) continue;
        if (placement.isUp(node)) {
          this.add(shipments, node, change, index, at);
          continue;
        }
        const fallback = fallbacksBySlot[index]!.byReplica.get(node);
        if (fallback === self) this.add(localHints, node, change, index, at);
        else if (fallback !== undefined) this.add(inner(fallbackShipments, fallback), node, change, index, at);
        else if (hints !== undefined) this.add(missed, node, change, index, at);
      }
    }
    for (const [node, list] of missed) for (const s of list) this.hint(node, s, version);
    const quorum = new WriteQuorum(slots, self);
    let jobs = shipments.size + localHints.size;
    for (const byTarget of fallbackShipments.values()) jobs += byTarget.size;
    if (quorum.satisfied && jobs === 0) return Promise.resolve();
    const startedMs = performance.now();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let pending = 0;
      const failures: string[] = [];
      const finish = (error: EonError | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error === null) return resolve();
        this.options.stats.writesIncomplete++;
        reject(error);
      };
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        if (settled) return;
        clearTimeout(timer);
        timer = setTimeout(() => finish(quorum.error(describe(failures, `no replica made progress for ${this.timeoutMs} ms`))), this.timeoutMs);
        timer.unref();
      };
      /** Follows one node's sends (`work` counts what it holds; `failed` runs when it fails) and settles the write when it can. */
      const track = (work: Promise<void>, who: string, failed: () => void): void => {
        pending++;
        work
          .catch((e: unknown) => {
            failed();
            failures.push(`${who}: ${e instanceof Error ? e.message : String(e)}`);
          })
          .finally(() => {
            pending--;
            // Every node it was sent to holds it now: that is the write's replication delay.
            if (pending === 0 && failures.length === 0) {
              this.options.stats.recordDelay(new Set(slots.map((slot) => slot.partition)), performance.now() - startedMs);
            }
            if (quorum.satisfied) finish(null);
            else if (pending === 0) finish(quorum.error(describe(failures, null)));
          });
      };
      /** Sends fallbacks the requests of the replicas they stand in for, and counts each that kept them. */
      const sendToFallbacks = (remote: HintShipments, local: Shipments): void => {
        for (const [fallback, byTarget] of remote) {
          for (const [target, list] of byTarget) {
            // A fallback that did not keep them leaves them to the coordinator's hints (shipHints), not counted.
            const work = this.shipHints(fallback, target, list, version, arm).then(() => {
              for (const s of list) quorum.held(fallback, s.slots);
            });
            track(work, `${fallback} (standing in for ${target})`, () => {});
          }
        }
        for (const [target, list] of local) {
          const work = this.keepHints(target, list, version).then(() => {
            arm();
            for (const s of list) quorum.held(self, s.slots);
          });
          track(work, `${self} (standing in for ${target})`, () => {});
        }
      };
      /**
       * A replica believed up whose send failed (killed or cut off before membership calls it
       * dead): what did not land goes to a fallback for each slot it serves, as if it had been
       * down; what has no fallback (or that it is pending for) is kept here as hints. Runs before
       * the failed send settles, so the write waits for these sends too.
       */
      const reroute = (node: NodeId, unsent: readonly Shipment[]): void => {
        const remote: HintShipments = new Map();
        const local: Shipments = new Map();
        const kept: Shipments = new Map();
        // The node was up when the write was placed: every change of a slot it is a replica of went to it.
        for (let at = unsent[0]?.first ?? changes.length; at < changes.length; at++) {
          const change = changes[at]!;
          const slot = slotIndex.get(change.table.id * PARTITIONS_MAX + change.partition)!;
          const fallbacks = fallbacksBySlot[slot]!;
          if (!fallbacks.replicas.includes(node)) continue;
          const fallback = fallbacks.serving.includes(node) ? this.standIn(fallbacks, node) : undefined;
          if (fallback === self) this.add(local, node, change, slot, at);
          else if (fallback !== undefined) this.add(inner(remote, fallback), node, change, slot, at);
          else this.add(kept, node, change, slot, at);
        }
        for (const [target, list] of kept) for (const s of list) this.hint(target, s, version);
        sendToFallbacks(remote, local);
      };
      arm();
      if (quorum.satisfied) finish(null);
      for (const [node, list] of shipments) {
        const work = this.ship(node, list, version, arm, (unsent) => reroute(node, unsent)).then((refused) => {
          // A replica still receiving the partition that does not know the table yet (its catalog
          // is catching up) will pull the table's rows once it does, this write's included.
          for (const s of list) quorum.held(node, [...s.slots].filter((i) => !refused.has(slots[i]!.table) || pendingBySlot[i]!.has(node)));
          if (refused.size > 0) failures.push(`${node} refused ${[...refused].map((t) => `"${t}"`).join(', ')} (unknown there or of another shape)`);
        });
        this.follow(node, [...new Set(list.flatMap((s) => [...s.slots].map((i) => slotKey(slots[i]!.table, slots[i]!.partition))))], work);
        // reroute() kept what did not land as hints: a pending replica (killed, cut off, not yet
        // seen dead) then gets the write as a down replica would, and stops raising W.
        track(work, node, () => {
          if (hints !== undefined) for (const sh of list) quorum.excuse(node, sh.slots);
        });
      }
      sendToFallbacks(fallbackShipments, localHints);
      if (pending === 0 && !quorum.satisfied) finish(quorum.error(describe(failures, null)));
    });
  }

  /**
   * The fallback standing in for `replica` in a slot: the one chosen already, else the first
   * candidate past the replica set that is up and holds no role for the partition yet (the
   * coordinator only if it can keep hints durably); undefined when none is left.
   */
  private standIn(f: SlotFallbacks, replica: NodeId): NodeId | undefined {
    const chosen = f.byReplica.get(replica);
    if (chosen !== undefined || f.byReplica.has(replica)) return chosen;
    const { placement, hints } = this.options;
    if (placement.fallbacksOf === undefined) return undefined;
    f.candidates ??= placement.fallbacksOf(f.partition, f.n);
    const self = placement.nodeId;
    for (const candidate of f.candidates) {
      if (f.replicas.includes(candidate) || f.standIns.has(candidate)) continue;
      if (candidate === self ? hints?.addDurable === undefined : !placement.isUp(candidate)) continue;
      f.standIns.set(candidate, replica);
      f.byReplica.set(replica, candidate);
      return candidate;
    }
    // Remembered, so that a replica failing again does not walk the candidates again.
    f.byReplica.set(replica, undefined);
    return undefined;
  }

  /** Adds change (number `at` of the write, in quorum slot `slot`) to node's requests. */
  private add(shipments: Map<NodeId, Shipment[]>, node: NodeId, change: RowChange, slot: number, at: number): void {
    let list = shipments.get(node);
    if (list === undefined) {
      list = [];
      shipments.set(node, list);
    }
    const bytes = change.key.length + (change.row?.length ?? 0) + CHANGE_OVERHEAD_BYTES;
    let last = list[list.length - 1];
    if (last === undefined || (last.bytes + bytes > this.requestBytesMax && last.bytes > 0)) {
      last = { tables: new Map(), slots: new Set(), first: at, bytes: 0 };
      list.push(last);
    }
    let t = last.tables.get(change.table);
    if (t === undefined) {
      t = { name: change.table.name, shape: tableShape(change.table), keys: [], rows: [], bases: [] };
      last.tables.set(change.table, t);
    }
    t.keys.push(change.key.subarray(TABLE_ID_BYTES));
    t.rows.push(change.row);
    t.bases.push(change.basis ?? null);
    last.slots.add(slot);
    last.bytes += bytes;
  }

  /**
   * Sends a replica its requests (in order); resolves with the tables it refused. On a failure the
   * requests from the failed one on go to `unsent` before it rejects.
   */
  private async ship(
    node: NodeId,
    list: readonly Shipment[],
    version: Uint8Array,
    progress: () => void,
    unsent: (rest: readonly Shipment[]) => void,
  ): Promise<Set<string>> {
    const address = this.options.placement.addressOf(node);
    if (address === undefined) {
      unsent(list);
      throw new EonError('peer_unavailable', `no address known for ${node}`);
    }
    const refused = new Set<string>();
    for (let i = 0; i < list.length; i++) {
      const request = applyRequest(list[i]!, version);
      this.options.stats.requestsSent++;
      try {
        const { body } = await this.options.peers.request(address, REPLICA_APPLY_RPC_TYPE, request, { timeoutMs: this.timeoutMs });
        for (const r of parseApplyReply(body).refused) refused.add(r.table);
        progress();
      } catch (e) {
        this.options.stats.requestsFailed++;
        // This request may or may not have landed, the rest did not: all go on (applying twice changes nothing).
        unsent(list.slice(i));
        throw e;
      }
    }
    return refused;
  }

  /**
   * Sends a fallback the requests of the down replica `target` it stands in for (in order);
   * resolves once it kept every one durably. What it did not keep goes to this node's hints.
   */
  private async shipHints(fallback: NodeId, target: NodeId, list: readonly Shipment[], version: Uint8Array, progress: () => void): Promise<void> {
    const { stats } = this.options;
    for (let i = 0; i < list.length; i++) {
      stats.hintsSent++;
      try {
        const address = this.options.placement.addressOf(fallback);
        if (address === undefined) throw new EonError('peer_unavailable', `no address known for ${fallback}`);
        const request = hintRequest(target, applyRequest(list[i]!, version));
        const { body } = await this.options.peers.request(address, REPLICA_HINT_RPC_TYPE, request, { timeoutMs: this.timeoutMs });
        if (!parseHintReply(body).stored) throw new EonError('peer_unavailable', `${fallback} did not keep the hint for ${target}`);
        progress();
      } catch (e) {
        stats.hintsSentFailed++;
        // It may or may not have kept this one, the rest it did not: all go to hints here (applying twice changes nothing).
        for (const rest of list.slice(i)) this.hint(target, rest, version);
        throw e;
      }
    }
  }

  /** Keeps the requests of the down replica `target` durably here, the coordinator standing in for it. */
  private async keepHints(target: NodeId, list: readonly Shipment[], version: Uint8Array): Promise<void> {
    const { hints, stats } = this.options;
    for (let i = 0; i < list.length; i++) {
      let kept: boolean | undefined;
      try {
        kept = await hints?.addDurable?.(target, applyRequest(list[i]!, version));
      } catch (e) {
        // Not kept durably: the rest go to the ordinary hints (not counted toward W).
        for (const rest of list.slice(i)) this.hint(target, rest, version);
        throw e;
      }
      if (kept !== true) throw new EonError('peer_unavailable', `too many hints kept for ${target} already`);
      stats.hintsTaken++;
    }
  }

  private hint(node: NodeId, shipment: Shipment, version: Uint8Array): void {
    this.options.hints?.add(node, applyRequest(shipment, version));
  }
}

function inner(outer: HintShipments, key: NodeId): Shipments {
  let m = outer.get(key);
  if (m === undefined) {
    m = new Map();
    outer.set(key, m);
  }
  return m;
}

function applyRequest(s: Shipment, version: Uint8Array): ApplyRequestBody {
  return encodeApplyRequest(version, [...s.tables.values()]);
}

function describe(failures: readonly string[], timeout: string | null): string | undefined {
  const parts = timeout === null ? [...failures] : [...failures, timeout];
  return parts.length === 0 ? undefined : parts.join('; ');
}

