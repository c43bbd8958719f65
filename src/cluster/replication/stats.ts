// Counters of replicated writes and quorum point reads on one node, as coordinator, as replica and
// as fallback (for eon_nodes), and replication delay: how long after its local commit a write was held by
// every replica it was sent to, per partition (a decaying mean) and over the last writes (p50/p99).

/** Replication delays kept for the percentiles. */
export const DELAY_SAMPLES_MAX = 1_024;
/** Weight of the newest delay in a partition's decaying mean. */
export const DELAY_MEAN_WEIGHT = 0.2;

/** A snapshot of the counters. */
export interface ReplicationStatsView {
  /** Shipped row changes this node applied as a replica (newer than what it held). */
  readonly applied: number;
  /** Shipped row changes it ignored because it already held that version or a newer one. */
  readonly stale: number;
  /** Changes where the rule settled two writes that did not see each other (see row-version.ts). */
  readonly conflicts: number;
  /** Changes refused: table unknown here or of another shape. */
  readonly refused: number;
  /** Requests dropped as malformed (bad message, version or row bytes). */
  readonly malformed: number;
  /** replica.apply requests this node sent as coordinator, and those that failed. */
  readonly requestsSent: number;
  readonly requestsFailed: number;
  /** Writes that committed here but could not reach their write quorum in time. */
  readonly writesIncomplete: number;
  /** replica.hint requests this node sent as coordinator to fallbacks (sloppy quorum), and those not taken (failed or refused). */
  readonly hintsSent: number;
  readonly hintsSentFailed: number;
  /** Requests this node took as a fallback, kept durably for the down replica named: replica.hint ones, and its own writes when it stood in itself as coordinator. */
  readonly hintsTaken: number;
  /** Quorum point reads this node coordinated, and those that failed short of R answers. */
  readonly pointReads: number;
  readonly readsIncomplete: number;
  /** replica.read requests this node answered as a replica. */
  readonly readsAnswered: number;
  /** Replicas a point read found behind the newest version and wrote it back to, and such repairs that failed. */
  readonly readRepairs: number;
  readonly readRepairsFailed: number;
  /** Replication delay over the last DELAY_SAMPLES_MAX writes sent to other replicas (null: none yet). */
  readonly delayP50Ms: number | null;
  readonly delayP99Ms: number | null;
}

export class ReplicationStats {
  applied = 0;
  stale = 0;
  conflicts = 0;
  refused = 0;
  malformed = 0;
  requestsSent = 0;
  requestsFailed = 0;
  writesIncomplete = 0;
  hintsSent = 0;
  hintsSentFailed = 0;
  hintsTaken = 0;
  pointReads = 0;
  readsIncomplete = 0;
  readsAnswered = 0;
  readRepairs = 0;
  readRepairsFailed = 0;
  private readonly delays = new Float64Array(DELAY_SAMPLES_MAX);
  private delayCount = 0;
  private readonly partitionDelay = new Map<number, number>();

  /** A write touching `partitions` was held by every replica it was sent to `ms` after its commit. */
  recordDelay(partitions: Iterable<number>, ms: number): void {
    this.delays[this.delayCount++ % DELAY_SAMPLES_MAX] = ms;
    for (const p of partitions) {
      const mean = this.partitionDelay.get(p);
      this.partitionDelay.set(p, mean === undefined ? ms : mean + DELAY_MEAN_WEIGHT * (ms - mean));
    }
  }

  /** Partition p's decaying mean replication delay (null: no write of it was replicated yet). */
  delayOf(partition: number): number | null {
    return this.partitionDelay.get(partition) ?? null;
  }

  /** Delay p50 and p99 over the kept samples (one sort for both). */
  private percentiles(): { p50: number | null; p99: number | null } {
    const n = Math.min(this.delayCount, DELAY_SAMPLES_MAX);
    if (n === 0) return { p50: null, p99: null };
    const sorted = this.delays.slice(0, n).sort();
    const at = (q: number): number => sorted[Math.min(n - 1, Math.floor(q * n))]!;
    return { p50: at(0.5), p99: at(0.99) };
  }

  view(): ReplicationStatsView {
    const { p50, p99 } = this.percentiles();
    return {
      applied: this.applied,
      stale: this.stale,
      conflicts: this.conflicts,
      refused: this.refused,
      malformed: this.malformed,
      requestsSent: this.requestsSent,
      requestsFailed: this.requestsFailed,
      writesIncomplete: this.writesIncomplete,
      hintsSent: this.hintsSent,
      hintsSentFailed: this.hintsSentFailed,
      hintsTaken: this.hintsTaken,
      pointReads: this.pointReads,
      readsIncomplete: this.readsIncomplete,
      readsAnswered: this.readsAnswered,
      readRepairs: this.readRepairs,
      readRepairsFailed: this.readRepairsFailed,
      delayP50Ms: p50,
      delayP99Ms: p99,
    };
  }
}
