// Ownership transfer on a running node: on every ring it adopts, it pulls the partitions the new
// ring gives it from their old holders (TransferQueue's schedule, `transfer.pull` batches applied
// with the replication rule, so a newer concurrent write is never overwritten by a transferred
// row), remembers durably which partitions are complete for the ring (a restart resumes with the
// rest), and reports the newest ring it holds completely (`readyVersion`, gossiped as ringReady):
// until then the others read from the old holders and write to both. It answers other nodes'
// pulls too, and tells a leaving node when every new holder of its partitions has acknowledged.

import type { TableSchema } from '../../../storage/schema.js';
import type { ReplicaWriteTx } from '../../../storage/store.js';
import { EonError } from '../../errors/index.js';
import { TABLE_ID_BYTES, applyChange, decodeVersionEntry, tableQuorum, tableShape, versionStamp } from '../replication/index.js';
import type { NodeId } from '../runtime.js';
import { compareVersions } from '../version/index.js';
import type { HybridClock } from '../version/index.js';
import { TRANSFER_PROTOCOL_VERSION, TRANSFER_PULL_RPC_TYPE, parsePullReply } from './transfer-messages.js';
import type { PullRequest, SourceTable, TransferredRow } from './transfer-messages.js';
import { inboundTransfers, outstandingHandoffs } from './transfer-plan.js';
import type { OutstandingHandoff, ReadinessOf, RingTransition } from './transfer-plan.js';
import { TransferQueue } from './transfer-queue.js';
import type { TransferCounts, TransferWork } from './transfer-queue.js';
import { TransferSource } from './transfer-source.js';
import type { TransferSourceStore } from './transfer-source.js';

/** Each pull request's own timeout. */
export const TRANSFER_REQUEST_TIMEOUT_MS = 10_000;
/**
 * Before pulling, a node waits until every up member reports the new ring (so no coordinator still
 * writes by the old one past the point a batch was read), at most this long.
 */
export const RING_ADOPTION_WAIT_MS = 5_000;
/** How often a waiting transfer (adoption, leave) looks again. */
export const TRANSFER_POLL_MS = 100;
/** How long `eon node leave` waits for every new holder to acknowledge its partitions before leaving anyway. */
export const LEAVE_HANDOFF_TIMEOUT_MS = 120_000;

/** What the transfer reads and writes of the node's store. */
export interface TransferStore extends TransferSourceStore {
  applyReplicated<T>(fn: (tx: ReplicaWriteTx) => T): Promise<T>;
}

/** Where transfer progress is kept (the consensus environment's state database in a node). */
export interface TransferProgressStore {
  load(): TransferProgress | undefined;
  save(progress: TransferProgress): void;
}

export interface TransferProgress {
  /** The ring version `complete` refers to. */
  readonly version: number;
  /** Completion keys received for that ring. */
  readonly complete: readonly string[];
  /** The newest ring version whose transfers all finished (0: none). */
  readonly readyVersion: number;
}

export interface OwnershipTransferOptions {
  readonly self: NodeId;
  readonly store: TransferStore;
  readonly ring: {
    transition(): RingTransition;
    onAdopt(listener: (t: RingTransition) => void): void;
  };
  /** The node's own replica count (tables may ask for others). */
  readonly defaultReplicas: number;
  isUp(id: NodeId): boolean;
  addressOf(id: NodeId): string | undefined;
  readonly pool: { request(address: string, type: string, body: unknown, options: { readonly timeoutMs: number }): Promise<{ readonly body: unknown }> };
  readonly server: { handle(type: string, handler: (body: unknown) => Promise<unknown>): void };
  readonly clock: HybridClock;
  readonly progress: TransferProgressStore;
  /** Other members' readiness and adopted ring version, as gossiped. */
  readyOf(id: NodeId): number | undefined;
  ringVersionOf(id: NodeId): number | undefined;
  /** This node's readiness or counts changed (gossip them now). */
  onChange(): void;
  readonly log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;
}

/**
 * Applies a batch of handed-off rows with the replication rule (a row newer than what the store
 * holds replaces it; an older or equal one changes nothing); returns how many were newer.
 */
export async function applyTransferredRows(store: TransferStore, clock: HybridClock, table: TableSchema, rows: readonly TransferredRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const decoded = rows.map((r) => {
    const key = Buffer.allocUnsafe(TABLE_ID_BYTES + r.k.length);
    key.writeUInt32BE(table.id >>> 0, 0);
    key.set(r.k, TABLE_ID_BYTES);
    const entry = decodeVersionEntry(r.e);
    // A version from a clock too far ahead throws here (clock_drift_exceeded): the batch is retried, not half-applied.
    clock.observe(entry.version.hlc);
    return { key, entry, row: entry.tombstone ? null : r.r };
  });
  // Most rows of a second or third source are here already: those are dropped before a commit is
  // queued (versions only grow, so what is newer here now is still newer inside the commit).
  const newer = decoded.filter((d) => {
    const held = store.versionEntryAt(d.key);
    return held === undefined || compareVersions(d.entry.version, decodeVersionEntry(held).version) > 0;
  });
  if (newer.length === 0) return 0;
  return store.applyReplicated((tx) => {
    let applied = 0;
    for (const d of newer) {
      // Dropped (or dropped and created again) since the batch was asked for.
      if (store.getTable(table.name) !== table) return applied;
      // A handoff is a copy, not a write: the basis is what this node holds, so no conflict is counted for it.
      const held = tx.versionEntry(d.key) ?? null;
      if (applyChange(tx, table, d.key, d.row, held, d.entry.version, versionStamp(d.entry.version)).applied) applied++;
    }
    return applied;
  });
}

/** Progress read back from disk, or null when it is missing or not of this format (then recomputed). */
function validProgress(x: TransferProgress | undefined): TransferProgress | null {
  if (x === undefined || typeof x !== 'object' || x === null) return null;
  if (!Number.isSafeInteger(x.version) || !Number.isSafeInteger(x.readyVersion) || !Array.isArray(x.complete)) return null;
  return x.complete.every((k) => typeof k === 'string') ? x : null;
}

export type HandoffOutcome =
  | { readonly kind: 'handed-off'; readonly partitions: number }
  | { readonly kind: 'timeout'; readonly outstanding: readonly OutstandingHandoff[]; readonly ringAdopted: boolean };

export class OwnershipTransfer {
  private readonly queue = new TransferQueue();
  private readonly source: TransferSource;
  private complete = new Set<string>();
  private planVersion = 0;
  private ready = 0;
  private transition: RingTransition | null = null;
  private startedAtMs = 0;
  private rowsAtStart = 0;
  private gateOpen = false;
  /** During a leave: new holders' partition replicas not yet acknowledged (null: no leave under way). */
  private handoffsLeft: number | null = null;
  /** Tables this plan covers: those here when it began and those the sources listed. */
  private tablesCovered = new Set<string>();
  /** Each source's table list, asked once per plan. */
  private sourceTables = new Map<NodeId, Promise<readonly SourceTable[]>>();
  private gateSinceMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly o: OwnershipTransferOptions) {
    this.source = new TransferSource(o.store);
    const saved = validProgress(o.progress.load());
    if (saved !== null) {
      this.planVersion = saved.version;
      this.complete = new Set(saved.complete);
      this.ready = saved.readyVersion;
    }
    o.server.handle(TRANSFER_PULL_RPC_TYPE, async (body) => this.source.answer(body));
  }

  /** Plans from the ring in use and on every ring adopted later. */
  start(): void {
    this.o.ring.onAdopt((t) => this.replan(t));
    this.replan(this.o.ring.transition());
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  /** The newest ring version this node holds completely. */
  get readyVersion(): number {
    return this.ready;
  }

  counts(): TransferCounts & { readonly readyVersion: number } {
    return { ...this.queue.counts(), readyVersion: this.ready };
  }

  /** During a leave, the partition replicas its new holders have not yet acknowledged (null: not leaving, or no ring without this node yet). */
  get handoffsOutstanding(): number | null {
    return this.handoffsLeft;
  }

  /** Rows served to other nodes' transfers since start. */
  get rowsServed(): number {
    return this.source.stats.rowsServed;
  }

  /** Replica counts in use: the node's own and every table's. */
  private replicaCounts(): number[] {
    const counts = new Set<number>([this.o.defaultReplicas]);
    for (const t of this.o.store.listTables()) counts.add(tableQuorum(t).replicas);
    return [...counts].sort((a, b) => a - b);
  }

  private replan(t: RingTransition): void {
    if (this.stopped || t.version === 0) return;
    this.transition = t;
    if (t.version !== this.planVersion) {
      this.planVersion = t.version;
      this.complete = new Set();
    }
    // Ready for this ring already (a restart after its transfers finished): nothing to receive.
    const inbound = this.ready >= t.version ? [] : this.replicaCounts().flatMap((n) => inboundTransfers(t, this.o.self, n, this.complete, this.ready));
    for (const key of this.queue.plan(inbound)) this.complete.add(key);
    this.gateOpen = false;
    this.sourceTables = new Map();
    this.tablesCovered = new Set(this.o.store.listTables().map((x) => x.name));
    this.gateSinceMs = Date.now();
    this.startedAtMs = Date.now();
    this.rowsAtStart = this.queue.counts().rowsMoved;
    if (inbound.length > 0) {
      this.o.log('info', 'ring changed: receiving partitions from their old holders', {
        ring: t.version,
        partitions: inbound.length,
        sources: [...new Set(inbound.flatMap((p) => p.sources))],
      });
    }
    this.checkFinished();
    this.save();
    this.o.onChange();
    this.pump();
  }

  private save(): void {
    this.o.progress.save({ version: this.planVersion, complete: [...this.complete], readyVersion: this.ready });
  }

  private checkFinished(): void {
    const t = this.transition;
    if (t === null || !this.queue.finished || this.ready >= t.version) return;
    // A table created while this plan ran may have had writes this node refused (it did not know
    // the table yet) after its partitions' lists were taken: receive everything once more (rows
    // already here are skipped) before serving.
    const added = this.o.store.listTables().filter((x) => !this.tablesCovered.has(x.name));
    if (added.length > 0 && this.queue.counts().done > 0) {
      this.o.log('info', 'tables were created during the handoff: receiving the ring\'s partitions once more', { tables: added.map((x) => x.name) });
      this.complete = new Set();
      this.replan(t);
      return;
    }
    const planned = this.queue.counts();
    this.ready = t.version;
    if (planned.done > 0) {
      const ms = Date.now() - this.startedAtMs;
      const rows = planned.rowsMoved - this.rowsAtStart;
      this.o.log('info', 'handoff received: this node now serves its partitions of the ring', {
        ring: t.version,
        partitions: planned.done,
        rows,
        ms,
        rowsPerSecond: ms > 0 ? Math.round((rows * 1000) / ms) : null,
      });
    }
    this.save();
    this.o.onChange();
  }

  /** Whether every up member (of either ring) reports the new ring, or the wait is over. */
  private adoptedEverywhere(t: RingTransition): boolean {
    if (this.gateOpen) return true;
    const members = new Set([...t.current.nodes, ...(t.previous?.nodes ?? [])]);
    members.delete(this.o.self);
    const behind = [...members].filter((id) => this.o.isUp(id) && (this.o.ringVersionOf(id) ?? 0) < t.version);
    this.gateOpen = behind.length === 0 || Date.now() - this.gateSinceMs >= RING_ADOPTION_WAIT_MS;
    if (this.gateOpen) {
      this.o.log(behind.length === 0 ? 'info' : 'warn', 'pulling partitions by the new ring', {
        ring: t.version,
        waitedMs: Date.now() - this.gateSinceMs,
        ...(behind.length === 0 ? {} : { notReportingTheRing: behind }),
      });
    }
    return this.gateOpen;
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const t = this.transition;
    if (t === null || this.queue.finished) return;
    // Table lists are asked at once, rows only once every member uses the new ring: a partition
    // whose old holders have no table of its replica count is complete without waiting, so a
    // node that joins a cluster without data (one forming) serves as soon as it has asked.
    const rowsAllowed = this.adoptedEverywhere(t);
    const up = (id: NodeId): boolean => this.o.isUp(id);
    for (let work = this.queue.next(Date.now(), up, rowsAllowed); work !== null; work = this.queue.next(Date.now(), up, rowsAllowed)) {
      void this.perform(work);
    }
    // Retries, sources coming back, the adoption wait: look again shortly.
    if (!this.queue.finished) {
      this.timer = setTimeout(() => this.pump(), TRANSFER_POLL_MS);
      this.timer.unref();
    }
  }

  private async perform(work: TransferWork): Promise<void> {
    try {
      const address = this.o.addressOf(work.source);
      if (address === undefined) throw new EonError('peer_unavailable', `no address known for ${work.source}`);
      if (work.kind === 'tables') {
        let listed = this.sourceTables.get(work.source);
        if (listed === undefined) {
          listed = this.listTables(address, work.source);
          this.sourceTables.set(work.source, listed);
          // A failed ask is asked again by the unit's retry.
          listed.catch(() => this.sourceTables.delete(work.source));
        }
        const tables = await listed;
        const names: string[] = [];
        for (const t of tables) {
          if (t.replicas !== work.replicas) continue;
          const local = this.o.store.getTable(t.name);
          // The catalog here has not caught up (or an ALTER is under way): try again shortly.
          if (local === undefined || tableShape(local) !== t.shape) throw new EonError('undefined_table', `table "${t.name}" of ${work.source} is not (yet) here in that shape`);
          names.push(t.name);
        }
        for (const name of names) this.tablesCovered.add(name);
        this.completed(this.queue.tablesListed(work, names.sort()));
      } else {
        const table = this.o.store.getTable(work.table);
        if (table === undefined) {
          // Dropped here since: nothing of it to receive.
          this.completed(this.queue.rowsApplied(work, 0, 0, null));
          return;
        }
        const request: PullRequest = { kind: 'rows', v: TRANSFER_PROTOCOL_VERSION, partition: work.partition, table: table.name, shape: tableShape(table), after: work.after };
        const reply = parsePullReply((await this.o.pool.request(address, TRANSFER_PULL_RPC_TYPE, request, { timeoutMs: TRANSFER_REQUEST_TIMEOUT_MS })).body, request, this.o.store.partitions);
        if (reply.kind === 'refused') {
          // Dropped at the source: nothing to receive from it; of another shape: an ALTER is under way.
          if (reply.reason === 'unknown-table') this.completed(this.queue.rowsApplied(work, 0, 0, null));
          else throw new EonError('undefined_table', `table "${table.name}" has another shape at ${work.source}`);
          return;
        }
        if (reply.kind !== 'rows') throw new EonError('protocol_violation', `${work.source} answered rows with ${reply.kind}`);
        const applied = await applyTransferredRows(this.o.store, this.o.clock, table, reply.rows);
        this.completed(this.queue.rowsApplied(work, reply.rows.length, applied, reply.next));
      }
    } catch (e) {
      this.queue.failed(work, Date.now());
      this.o.log('debug', 'handoff transfer request failed; retrying', {
        partition: work.partition,
        source: work.source,
        error: e instanceof Error ? e.message : String(e),
      });
    } finally {
      this.o.onChange();
      this.pump();
    }
  }

  private async listTables(address: string, source: NodeId): Promise<readonly SourceTable[]> {
    const request: PullRequest = { kind: 'tables', v: TRANSFER_PROTOCOL_VERSION };
    const reply = parsePullReply((await this.o.pool.request(address, TRANSFER_PULL_RPC_TYPE, request, { timeoutMs: TRANSFER_REQUEST_TIMEOUT_MS })).body, request, this.o.store.partitions);
    if (reply.kind !== 'tables') throw new EonError('protocol_violation', `${source} answered a table list with ${reply.kind}`);
    return reply.tables;
  }

  private completed(keys: readonly string[]): void {
    if (keys.length === 0) return;
    for (const key of keys) this.complete.add(key);
    this.save();
    this.checkFinished();
  }

  /**
   * For a leaving node: resolves once a ring without this node is adopted and every new holder of
   * the partitions it held reports that ring received, or after `timeoutMs` with what is missing.
   */
  handoff(timeoutMs: number = LEAVE_HANDOFF_TIMEOUT_MS): Promise<HandoffOutcome> {
    const readyOf: ReadinessOf = (id) => this.o.readyOf(id);
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve) => {
      const look = (): void => {
        const t = this.o.ring.transition();
        const adopted = !t.current.nodes.includes(this.o.self);
        const outstanding = adopted ? this.replicaCounts().flatMap((n) => outstandingHandoffs(t, this.o.self, n, readyOf)) : [];
        if (adopted && outstanding.length !== this.handoffsLeft) {
          this.handoffsLeft = outstanding.length;
          this.o.onChange();
        }
        if (adopted && outstanding.length === 0) {
          const held = t.previous === null ? 0 : this.replicaCounts().reduce((sum, n) => sum + outstandingHandoffs(t, this.o.self, n, () => undefined).length, 0);
          resolve({ kind: 'handed-off', partitions: held });
          return;
        }
        if (this.stopped || Date.now() >= deadline) {
          resolve({ kind: 'timeout', outstanding, ringAdopted: adopted });
          return;
        }
        const timer = setTimeout(look, TRANSFER_POLL_MS);
        timer.unref();
      };
      look();
    });
  }
}
