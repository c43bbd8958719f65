// The receiving side's schedule of handoff transfers, as a synchronous state machine: a plan of
// partitions to receive, each pulled from every old holder (a unit per source: its table list,
// then each table's rows batch by batch after a cursor), at most TRANSFER_BATCHES_IN_FLIGHT_MAX
// requests out at once. It does no I/O: the driver asks next() for work, performs it, and reports
// back; a newer plan supersedes an older one (late results of the old one are ignored).

import type { NodeId } from '../runtime.js';
import { completionKey } from './transfer-plan.js';
import type { InboundPartition } from './transfer-plan.js';

/** Pull requests (each one batch) out at once, over all transfers: bounds the receiver's memory and the sources' load. */
export const TRANSFER_BATCHES_IN_FLIGHT_MAX = 16;
/** A failed request (source unreachable, table not yet in the catalog here) is retried after this long. */
export const TRANSFER_RETRY_MS = 500;

export type TransferWork =
  | { readonly kind: 'tables'; readonly epoch: number; readonly unit: number; readonly partition: number; readonly replicas: number; readonly source: NodeId }
  | {
      readonly kind: 'rows';
      readonly epoch: number;
      readonly unit: number;
      readonly partition: number;
      readonly replicas: number;
      readonly source: NodeId;
      readonly table: string;
      readonly after: Uint8Array | null;
    };

type UnitPhase = 'waiting' | 'tables' | 'rows' | 'done' | 'skipped';

interface Unit {
  readonly key: string;
  readonly partition: number;
  readonly replicas: number;
  readonly source: NodeId;
  phase: UnitPhase;
  tables: readonly string[];
  table: number;
  after: Uint8Array | null;
  inFlight: boolean;
  retryAtMs: number;
}

export interface TransferCounts {
  /** Partitions of the plan not started yet. */
  readonly pending: number;
  /** Partitions being received. */
  readonly active: number;
  /** Partitions of the plan received completely. */
  readonly done: number;
  /** Rows applied (newer than what was held) since the node started, over all plans. */
  readonly rowsMoved: number;
  /** Rows received (applied or not) since the node started. */
  readonly rowsReceived: number;
}

export class TransferQueue {
  private epoch = 0;
  private units: Unit[] = [];
  /** Completion key → indexes of its units. */
  private byKey = new Map<string, number[]>();
  private completed = new Set<string>();
  private inFlight = 0;
  private rowsMoved = 0;
  private rowsReceived = 0;

  constructor(private readonly batchesInFlightMax: number = TRANSFER_BATCHES_IN_FLIGHT_MAX) {
    if (!Number.isInteger(batchesInFlightMax) || batchesInFlightMax < 1) throw new Error('TransferQueue: batches in flight must be a positive integer');
  }

  /**
   * Replaces the plan. Returns the completion keys that need no transfer at all (no old holder
   * other than this node): complete at once.
   */
  plan(partitions: readonly InboundPartition[]): string[] {
    this.epoch++;
    this.units = [];
    this.byKey = new Map();
    this.completed = new Set();
    this.inFlight = 0;
    const immediate: string[] = [];
    for (const p of partitions) {
      const key = completionKey(p.replicas, p.partition);
      if (p.sources.length === 0) {
        immediate.push(key);
        this.completed.add(key);
        continue;
      }
      const indexes: number[] = [];
      for (const source of p.sources) {
        indexes.push(this.units.length);
        this.units.push({ key, partition: p.partition, replicas: p.replicas, source, phase: 'waiting', tables: [], table: 0, after: null, inFlight: false, retryAtMs: 0 });
      }
      this.byKey.set(key, indexes);
    }
    return immediate;
  }

  /** Whether every partition of the plan is received. */
  get finished(): boolean {
    for (const key of this.byKey.keys()) if (!this.completed.has(key)) return false;
    return true;
  }

  counts(): TransferCounts {
    let pending = 0;
    let active = 0;
    for (const [key, indexes] of this.byKey) {
      if (this.completed.has(key)) continue;
      if (indexes.every((i) => this.units[i]!.phase === 'waiting')) pending++;
      else active++;
    }
    return { pending, active, done: this.completed.size, rowsMoved: this.rowsMoved, rowsReceived: this.rowsReceived };
  }

  /** Completion keys of the plan still being received. */
  outstanding(): string[] {
    return [...this.byKey.keys()].filter((k) => !this.completed.has(k));
  }

  /**
   * The next request to make, or null (the in-flight bound is reached, or nothing is due). A unit
   * whose source is down is skipped while another source of its partition is up (or has delivered);
   * otherwise it waits for one to come back. With `rowsAllowed` false only table lists are handed
   * out (a partition whose sources list no table completes without any row request).
   */
  next(nowMs: number, isUp: (node: NodeId) => boolean, rowsAllowed = true): TransferWork | null {
    if (this.inFlight >= this.batchesInFlightMax) return null;
    for (let i = 0; i < this.units.length; i++) {
      const u = this.units[i]!;
      if (u.inFlight || u.phase === 'done' || u.phase === 'skipped' || u.retryAtMs > nowMs) continue;
      if (!rowsAllowed && u.phase === 'rows') continue;
      if (!isUp(u.source)) {
        const siblings = this.byKey.get(u.key)!.map((j) => this.units[j]!).filter((s) => s !== u);
        if (siblings.some((s) => s.phase === 'done' || (s.phase !== 'skipped' && isUp(s.source)))) {
          u.phase = 'skipped';
          this.settle(u.key);
        }
        continue;
      }
      u.inFlight = true;
      this.inFlight++;
      if (u.phase === 'waiting' || u.phase === 'tables') {
        u.phase = 'tables';
        return { kind: 'tables', epoch: this.epoch, unit: i, partition: u.partition, replicas: u.replicas, source: u.source };
      }
      return { kind: 'rows', epoch: this.epoch, unit: i, partition: u.partition, replicas: u.replicas, source: u.source, table: u.tables[u.table]!, after: u.after };
    }
    return null;
  }

  /** The source's tables to pull (already filtered by the driver). Returns completion keys now complete. */
  tablesListed(work: TransferWork, tables: readonly string[]): string[] {
    const u = this.current(work);
    if (u === null) return [];
    u.tables = [...tables];
    u.table = 0;
    u.after = null;
    u.phase = tables.length === 0 ? 'done' : 'rows';
    return u.phase === 'done' ? this.settle(u.key) : [];
  }

  /** A batch arrived and was applied (`applied` of its `received` rows were newer); `next` is the source's cursor. */
  rowsApplied(work: TransferWork, received: number, applied: number, next: Uint8Array | null): string[] {
    const u = this.current(work);
    if (u === null) return [];
    this.rowsReceived += received;
    this.rowsMoved += applied;
    if (next !== null) {
      u.after = next;
      return [];
    }
    u.table++;
    u.after = null;
    if (u.table < u.tables.length) return [];
    u.phase = 'done';
    return this.settle(u.key);
  }

  /** A request failed: the unit is retried from where it was after TRANSFER_RETRY_MS. */
  failed(work: TransferWork, nowMs: number): void {
    const u = this.current(work);
    if (u === null) return;
    u.retryAtMs = nowMs + TRANSFER_RETRY_MS;
  }

  /** When the next unit waiting on a retry is due (null: none is). */
  nextRetryAtMs(): number | null {
    let at: number | null = null;
    for (const u of this.units) {
      if (u.phase === 'done' || u.phase === 'skipped' || u.inFlight || u.retryAtMs === 0) continue;
      at = at === null ? u.retryAtMs : Math.min(at, u.retryAtMs);
    }
    return at;
  }

  /** The unit a result is for, its in-flight slot released; null for a result of a superseded plan. */
  private current(work: TransferWork): Unit | null {
    if (work.epoch !== this.epoch) return null;
    const u = this.units[work.unit];
    if (u === undefined || !u.inFlight) throw new Error('TransferQueue: a result for work not handed out');
    u.inFlight = false;
    this.inFlight--;
    return u;
  }

  /** Marks the partition complete once every unit is done or skipped and one delivered. */
  private settle(key: string): string[] {
    if (this.completed.has(key)) return [];
    const units = this.byKey.get(key)!.map((i) => this.units[i]!);
    if (!units.every((u) => u.phase === 'done' || u.phase === 'skipped') || !units.some((u) => u.phase === 'done')) return [];
    this.completed.add(key);
    return [key];
  }
}
