// The coordinator's side of replicated writes: the Store calls it with the row changes of each
// committed write; it sends each other replica of the touched partitions one replica.apply request
// (split only past REPLICA_REQUEST_BYTES_MAX) and settles once every partition has W copies.

import { EonError } from '../../errors/index.js';
import { HLC_ZERO } from '../version/index.js';
import type { HybridClock } from '../version/index.js';
import type { NodeId } from '../runtime.js';
import { PARTITIONS_MAX } from '../../../storage/store.js';
import type { RowChange, VersionStamp, WriteReplication } from '../../../storage/store.js';
import type { TableSchema } from '../../../storage/schema.js';
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
}

/** One request's worth of changes to one replica, and the quorum slots they touch. */
interface Shipment {
  readonly tables: Map<TableSchema, TableChanges>;
  readonly slots: Set<number>;
  bytes: number;
}

export class WriteReplicator implements WriteReplication {
  private readonly timeoutMs: number;
  private readonly requestBytesMax: number;

  constructor(private readonly options: WriteReplicatorOptions) {
    this.timeoutMs = options.timeoutMs ?? REPLICATION_TIMEOUT_MS;
    this.requestBytesMax = options.requestBytesMax ?? REPLICA_REQUEST_BYTES_MAX;
  }

  active(): boolean {
    return this.options.placement.hasPeers();
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

  replicate(changes: readonly RowChange[], stamp: VersionStamp): Promise<void> {
    const { placement } = this.options;
    const self = placement.nodeId;
    // The slots (table, partition) this write touched, each with its replica set and W.
    const slotIndex = new Map<number, number>();
    const slots: QuorumSlot[] = [];
    // Per slot, the replicas still receiving the partition by handoff.
    const pendingBySlot: ReadonlySet<NodeId>[] = [];
    const shipments = new Map<NodeId, Shipment[]>();
    // Replicas that are down get the same requests as hints, replayed when they are back.
    const missed = new Map<NodeId, Shipment[]>();
    const version = entryVersionBytes(stamp.live);
    for (const change of changes) {
      const slotId = change.table.id * PARTITIONS_MAX + change.partition;
      let index = slotIndex.get(slotId);
      if (index === undefined) {
        const quorum = tableQuorum(change.table);
        const serving = placement.replicasOf(change.partition, quorum.replicas).slice(0, quorum.replicas);
        const pending = (placement.pendingOf?.(change.partition, quorum.replicas) ?? []).filter((id) => !serving.includes(id));
        const replicas = [...serving, ...pending];
        const need = Math.min(quorum.writeQuorum, serving.length) + pending.filter((id) => placement.isUp(id)).length;
        index = slots.length;
        slots.push({ table: change.table.name, partition: change.partition, replicas, need, excusable: pending });
        pendingBySlot.push(new Set(pending));
        slotIndex.set(slotId, index);
      }
      for (const node of slots[index]!.replicas) {
        if (node === self) continue;
        if (placement.isUp(node)) this.add(shipments, node, change, index);
        else if (this.options.hints !== undefined) this.add(missed, node, change, index);
      }
    }
    for (const [node, list] of missed) for (const s of list) this.hint(node, s, version);
    const quorum = new WriteQuorum(slots, self);
    if (quorum.satisfied && shipments.size === 0) return Promise.resolve();
    const startedMs = performance.now();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let pending = shipments.size;
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
      arm();
      if (quorum.satisfied) finish(null);
      for (const [node, list] of shipments) {
        this.ship(node, list, version, arm).then(
          (refused) => {
            // A replica still receiving the partition that does not know the table yet (its catalog
            // is catching up) will pull the table's rows once it does, this write's included.
            for (const s of list) quorum.held(node, [...s.slots].filter((i) => !refused.has(slots[i]!.table) || pendingBySlot[i]!.has(node)));
            if (refused.size > 0) failures.push(`${node} refused ${[...refused].map((t) => `"${t}"`).join(', ')} (unknown there or of another shape)`);
          },
          (e: unknown) => {
            // ship() kept what did not land as hints: a pending replica (killed, cut off, not yet
            // seen dead) then gets the write as a down replica would, and stops raising W.
            if (this.options.hints !== undefined) for (const sh of list) quorum.excuse(node, sh.slots);
            failures.push(`${node}: ${e instanceof Error ? e.message : String(e)}`);
          },
        ).finally(() => {
          pending--;
          // Every replica it was sent to holds it now: that is the write's replication delay.
          if (pending === 0 && failures.length === 0) {
            this.options.stats.recordDelay(new Set(slots.map((slot) => slot.partition)), performance.now() - startedMs);
          }
          if (quorum.satisfied) finish(null);
          else if (pending === 0) finish(quorum.error(describe(failures, null)));
        });
      }
      if (pending === 0 && !quorum.satisfied) finish(quorum.error(describe(failures, null)));
    });
  }

  private add(shipments: Map<NodeId, Shipment[]>, node: NodeId, change: RowChange, slot: number): void {
    let list = shipments.get(node);
    if (list === undefined) {
      list = [];
      shipments.set(node, list);
    }
    const bytes = change.key.length + (change.row?.length ?? 0) + CHANGE_OVERHEAD_BYTES;
    let last = list[list.length - 1];
    if (last === undefined || (last.bytes + bytes > this.requestBytesMax && last.bytes > 0)) {
      last = { tables: new Map(), slots: new Set(), bytes: 0 };
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

  /** Sends a replica its requests (in order); resolves with the tables it refused. */
  private async ship(node: NodeId, list: readonly Shipment[], version: Uint8Array, progress: () => void): Promise<Set<string>> {
    const address = this.options.placement.addressOf(node);
    if (address === undefined) throw new EonError('peer_unavailable', `no address known for ${node}`);
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
        // This request may or may not have landed, the rest did not: all go to hints (applying twice changes nothing).
        for (const rest of list.slice(i)) this.hint(node, rest, version);
        throw e;
      }
    }
    return refused;
  }

  private hint(node: NodeId, shipment: Shipment, version: Uint8Array): void {
    this.options.hints?.add(node, applyRequest(shipment, version));
  }
}

function applyRequest(s: Shipment, version: Uint8Array): ApplyRequestBody {
  return encodeApplyRequest(version, [...s.tables.values()]);
}

function describe(failures: readonly string[], timeout: string | null): string | undefined {
  const parts = timeout === null ? [...failures] : [...failures, timeout];
  return parts.length === 0 ? undefined : parts.join('; ');
}

