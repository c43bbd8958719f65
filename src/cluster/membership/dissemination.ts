// The gossip queue: membership updates waiting to be piggybacked, each sent a bounded number of
// times, least-sent and newest first, and only the latest report per member.

import type { NodeId } from '../runtime.js';
import type { MemberUpdate } from './member.js';

interface Queued {
  update: MemberUpdate;
  transmits: number;
  /** Order of arrival: newer reports go out before older ones with as many transmits. */
  seq: number;
}

export class DisseminationQueue {
  private readonly queued = new Map<NodeId, Queued>();
  private seq = 0;

  get size(): number {
    return this.queued.size;
  }

  /** Queues an update; it replaces any older report about the same member and starts its count afresh. */
  enqueue(update: MemberUpdate): void {
    this.queued.set(update.id, { update, transmits: 0, seq: this.seq++ });
  }

  /** The queued report about id, if any. */
  pending(id: NodeId): MemberUpdate | undefined {
    return this.queued.get(id)?.update;
  }

  /**
   * Up to max updates for one message, least-sent then newest first; each counts as one transmit and
   * leaves the queue once sent `limit` times. `exclude` is a member whose report the caller already
   * put in the message.
   */
  select(max: number, limit: number, exclude?: NodeId): MemberUpdate[] {
    if (max <= 0 || this.queued.size === 0) return [];
    const candidates: Queued[] = [];
    for (const q of this.queued.values()) if (q.update.id !== exclude) candidates.push(q);
    candidates.sort((a, b) => a.transmits - b.transmits || b.seq - a.seq);
    const out: MemberUpdate[] = [];
    for (const q of candidates) {
      if (out.length >= max) break;
      out.push(q.update);
      q.transmits++;
      if (q.transmits >= limit) this.queued.delete(q.update.id);
    }
    return out;
  }

  /** Drops whatever is queued about id (a forgotten member). */
  forget(id: NodeId): void {
    this.queued.delete(id);
  }

  clear(): void {
    this.queued.clear();
  }
}
