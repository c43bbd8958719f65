// Counting the answers of one quorum point read: which replicas replied with what, whether R of
// them have, which answer is newest (by THE RULE replicas converge with), and which replicas hold
// an older version and should get the newest written back. Pure bookkeeping, no I/O.

import { EonError } from '../../errors/index.js';
import { compareVersions } from '../version/index.js';
import type { RowVersion } from '../version/index.js';
import type { NodeId } from '../runtime.js';
import type { ReplicaHolding } from './read-messages.js';
import { VERSION_ZERO, decodeVersionEntry } from './version-entry.js';

/** One replica's answer, its entry decoded. */
export interface ReadAnswer {
  readonly node: NodeId;
  readonly holding: ReplicaHolding;
  readonly version: RowVersion;
  readonly tombstone: boolean;
}

/** What a stale replica answered, and so what a repair replaces (the repair's basis). */
export interface StaleReplica {
  readonly node: NodeId;
  readonly entry: Uint8Array | null;
}

export class ReadQuorum {
  private readonly answers = new Map<NodeId, ReadAnswer>();
  private readonly failures = new Map<NodeId, string>();

  constructor(
    /** The key's replica set for this table (the first N of the preference list). */
    readonly replicas: readonly NodeId[],
    /** Answers needed: the table's R, at most the replica set's size. */
    readonly need: number,
  ) {
    if (need < 1 || need > replicas.length) throw new Error(`read quorum: need ${need} of ${replicas.length} replicas`);
  }

  /** A replica's answer (a non-replica, or a second answer of one, is ignored). Throws on an undecodable entry. */
  answered(node: NodeId, holding: ReplicaHolding): void {
    if (!this.replicas.includes(node) || this.answers.has(node) || this.failures.has(node)) return;
    const decoded = holding.entry === null ? { version: VERSION_ZERO, tombstone: false } : decodeVersionEntry(holding.entry);
    this.answers.set(node, { node, holding, version: decoded.version, tombstone: decoded.tombstone });
  }

  /** A replica that will not answer (down, failed, refused); `why` goes into the error's detail. */
  failed(node: NodeId, why: string): void {
    if (!this.replicas.includes(node) || this.answers.has(node) || this.failures.has(node)) return;
    this.failures.set(node, why);
  }

  get replied(): number {
    return this.answers.size;
  }

  get satisfied(): boolean {
    return this.answers.size >= this.need;
  }

  /** Every replica has answered or failed: nothing more will change. */
  get settled(): boolean {
    return this.answers.size + this.failures.size >= this.replicas.length;
  }

  /**
   * The newest answer so far (null: none). Equal versions are one write, so any holder will do;
   * the earliest in the replica set's order is taken, for a deterministic choice.
   */
  newest(): ReadAnswer | null {
    let best: ReadAnswer | null = null;
    for (const node of this.replicas) {
      const a = this.answers.get(node);
      if (a !== undefined && (best === null || compareVersions(a.version, best.version) > 0)) best = a;
    }
    return best;
  }

  /** The row the read returns: the newest answer's (null: absent or deleted). */
  row(): Uint8Array | null {
    const newest = this.newest();
    return newest === null || newest.tombstone ? null : newest.holding.row;
  }

  /**
   * Replicas that answered with a version older than the newest (or none). Empty when the newest
   * cannot be shipped: version zero (a row written while its node was alone has no version to
   * write back), or a live entry whose row its holder did not send.
   */
  stale(): StaleReplica[] {
    const newest = this.newest();
    if (newest === null || compareVersions(newest.version, VERSION_ZERO) === 0) return [];
    if (!newest.tombstone && newest.holding.row === null) return [];
    const out: StaleReplica[] = [];
    for (const node of this.replicas) {
      const a = this.answers.get(node);
      if (a !== undefined && compareVersions(a.version, newest.version) < 0) out.push({ node, entry: a.holding.entry });
    }
    return out;
  }

  /** quorum_unavailable (57P03) naming how many replicas answered of how many needed. */
  error(table: string, partition: number, timeout: string | null): EonError {
    if (this.satisfied) throw new Error('read quorum: error() on a satisfied read');
    const parts = [...this.failures].map(([node, why]) => `${node}: ${why}`);
    if (timeout !== null) parts.push(timeout);
    return new EonError(
      'quorum_unavailable',
      `read reached ${this.replied} of ${this.replicas.length} replicas of partition ${partition} of table "${table}", needed ${this.need}`,
      {
        ...(parts.length === 0 ? {} : { detail: parts.join('; ') }),
        hint: 'A point read by primary key answers once R replicas of the key have. Check the nodes with eon status.',
      },
    );
  }
}
