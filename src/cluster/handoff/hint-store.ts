// Hints: writes a replica missed while it was down or unreachable, kept by the node that
// coordinated them, or by a fallback that took them in the replica's place (sloppy quorum),
// durably in its cluster LMDB environment until the replica is back and has taken them. A hint is
// an opaque, self-contained message (a replica.apply request): applying it twice, or after newer
// writes, changes nothing, so replay needs no coordination.

import type { Database } from 'lmdb';
import type { NodeId } from '../runtime.js';

/** Hints kept for one node at most; past it new hints are dropped and counted (anti-entropy repairs the rest). */
export const HINTS_PER_NODE_MAX = 100_000;

/** The keys: [target node, sequence] in order, so a node's hints replay oldest first. */
export type HintKey = [NodeId, number];

export interface StoredHint {
  readonly key: HintKey;
  readonly body: unknown;
}

export interface HintStoreStats {
  stored: number;
  dropped: number;
  delivered: number;
}

export class HintStore {
  private seq: number;
  private readonly counts = new Map<NodeId, number>();
  readonly stats: HintStoreStats = { stored: 0, dropped: 0, delivered: 0 };

  constructor(private readonly db: Database<unknown, HintKey>) {
    let maxSeq = 0;
    for (const key of db.getKeys()) {
      const [target, seq] = key as HintKey;
      this.counts.set(target, (this.counts.get(target) ?? 0) + 1);
      if (seq > maxSeq) maxSeq = seq;
    }
    this.seq = maxSeq;
  }

  /** Keeps a hint for target; false (counted) when target already has HINTS_PER_NODE_MAX. */
  add(target: NodeId, body: unknown): boolean {
    const count = this.counts.get(target) ?? 0;
    if (count >= HINTS_PER_NODE_MAX) {
      this.stats.dropped++;
      return false;
    }
    this.seq++;
    // Written in the environment's next batched commit (milliseconds): a hint adds to writes that
    // already reached their quorum, so it need not hold up the statement with a sync of its own.
    void this.db.put([target, this.seq], body);
    this.counts.set(target, count + 1);
    this.stats.stored++;
    return true;
  }

  /**
   * Keeps a hint for target and resolves once it is committed to disk: for a fallback, whose hint
   * counts toward a write's quorum in place of the replica's copy, so it must outlive a crash
   * before it is acknowledged. False (counted) when target already has HINTS_PER_NODE_MAX.
   */
  async addDurable(target: NodeId, body: unknown): Promise<boolean> {
    const count = this.counts.get(target) ?? 0;
    if (count >= HINTS_PER_NODE_MAX) {
      this.stats.dropped++;
      return false;
    }
    const key: HintKey = [target, ++this.seq];
    // Counted before the commit so that concurrent adds respect the bound; undone if it fails.
    this.counts.set(target, count + 1);
    try {
      await this.db.put(key, body);
      // The put resolves at commit; with lmdb-js's overlapping sync (its default off Windows) the
      // flush to disk follows: wait for it too, so the hint survives a machine crash as well.
      await this.db.flushed;
    } catch (e) {
      this.counts.set(target, Math.max(0, (this.counts.get(target) ?? 1) - 1));
      throw e;
    }
    this.stats.stored++;
    return true;
  }

  /** Nodes with hints waiting. */
  targets(): NodeId[] {
    return [...this.counts].filter(([, n]) => n > 0).map(([id]) => id);
  }

  pending(target: NodeId): number {
    return this.counts.get(target) ?? 0;
  }

  /** Hints waiting for every node, summed. */
  total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** The oldest `max` hints for target. */
  oldest(target: NodeId, max: number): StoredHint[] {
    const out: StoredHint[] = [];
    for (const { key, value } of this.db.getRange({ start: [target, 0], end: [target, Number.MAX_SAFE_INTEGER], limit: max })) {
      out.push({ key: key as HintKey, body: value });
    }
    return out;
  }

  /** Forgets a delivered hint. */
  delivered(hint: StoredHint): void {
    void this.db.remove(hint.key);
    const [target] = hint.key;
    this.counts.set(target, Math.max(0, (this.counts.get(target) ?? 1) - 1));
    this.stats.delivered++;
  }

  /** Drops every hint for target (a node removed for good will never take them). */
  forget(target: NodeId): void {
    for (const hint of this.oldest(target, Number.MAX_SAFE_INTEGER)) void this.db.remove(hint.key);
    this.counts.delete(target);
  }
}
