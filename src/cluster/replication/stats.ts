// Counters of replicated writes on one node, as coordinator and as replica (for eon_nodes).

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

  view(): ReplicationStatsView {
    return {
      applied: this.applied,
      stale: this.stale,
      conflicts: this.conflicts,
      refused: this.refused,
      malformed: this.malformed,
      requestsSent: this.requestsSent,
      requestsFailed: this.requestsFailed,
      writesIncomplete: this.writesIncomplete,
    };
  }
}
