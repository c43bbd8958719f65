// The receiver's schedule: bounded requests in flight, table list then batches per source, a
// partition complete once every source delivered (or is down while another delivered), retries
// after a failure, and late results of a superseded plan ignored.
import { describe, expect, it } from 'vitest';
import { TRANSFER_RETRY_MS, TransferQueue } from '../../../../src/cluster/transfer/index.js';
import type { TransferWork } from '../../../../src/cluster/transfer/index.js';

const up = (): boolean => true;

describe('TransferQueue', () => {
  it('never hands out more than its bound of requests at once', () => {
    const q = new TransferQueue(2);
    q.plan([{ partition: 0, replicas: 3, sources: ['a', 'b', 'c'] }, { partition: 1, replicas: 3, sources: ['a'] }]);
    expect(q.next(0, up)).not.toBeNull();
    expect(q.next(0, up)).not.toBeNull();
    expect(q.next(0, up)).toBeNull();
  });

  it('pulls each table batch by batch, and completes a partition when every source delivered', () => {
    const q = new TransferQueue(1);
    expect(q.plan([{ partition: 5, replicas: 3, sources: ['a', 'b'] }, { partition: 6, replicas: 3, sources: [] }])).toEqual(['3/6']);
    const done: string[] = [];
    for (let steps = 0; steps < 20 && !q.finished; steps++) {
      const w = q.next(0, up)!;
      if (w.kind === 'tables') done.push(...q.tablesListed(w, ['t1', 't2']));
      else done.push(...q.rowsApplied(w, 10, 7, w.after === null && w.table === 't1' ? Uint8Array.from([0, 5, 1]) : null));
    }
    expect(q.finished).toBe(true);
    expect(done).toEqual(['3/5']);
    // Per source: t1 in two batches, t2 in one.
    expect(q.counts()).toEqual({ pending: 0, active: 0, done: 2, rowsMoved: 6 * 7, rowsReceived: 6 * 10 });
  });

  it('retries a failed request after TRANSFER_RETRY_MS from where it was', () => {
    const q = new TransferQueue(1);
    q.plan([{ partition: 1, replicas: 3, sources: ['a'] }]);
    const w = q.next(0, up)!;
    q.failed(w, 1_000);
    expect(q.next(1_000, up)).toBeNull();
    expect(q.nextRetryAtMs()).toBe(1_000 + TRANSFER_RETRY_MS);
    expect(q.next(1_000 + TRANSFER_RETRY_MS, up)).toMatchObject({ kind: 'tables', source: 'a' });
  });

  it('skips a down source while another of the partition delivers, and waits when none is up', () => {
    const q = new TransferQueue(4);
    q.plan([{ partition: 2, replicas: 3, sources: ['a', 'b'] }]);
    const isUp = (id: string): boolean => id === 'a';
    const w = q.next(0, isUp)!;
    expect(w.source).toBe('a');
    expect(q.next(0, isUp)).toBeNull();
    expect(q.tablesListed(w, [])).toEqual(['3/2']);
    expect(q.finished).toBe(true);

    const alone = new TransferQueue(4);
    alone.plan([{ partition: 2, replicas: 3, sources: ['b'] }]);
    expect(alone.next(0, () => false)).toBeNull();
    expect(alone.finished).toBe(false);
    expect(alone.counts().pending).toBe(1);
  });

  it('hands out only table lists while rows are held back, so sources without tables complete a partition', () => {
    const q = new TransferQueue(4);
    q.plan([{ partition: 1, replicas: 3, sources: ['a'] }, { partition: 2, replicas: 3, sources: ['a'] }]);
    const first = q.next(0, up, false)!;
    const second = q.next(0, up, false)!;
    expect([first.kind, second.kind]).toEqual(['tables', 'tables']);
    expect(q.tablesListed(first, [])).toEqual(['3/1']);
    expect(q.tablesListed(second, ['t1'])).toEqual([]);
    // Partition 2 has rows to pull: not before they are allowed.
    expect(q.next(0, up, false)).toBeNull();
    expect(q.finished).toBe(false);
    expect(q.next(0, up, true)).toMatchObject({ kind: 'rows', partition: 2, table: 't1' });
  });

  it('ignores results of a superseded plan', () => {
    const q = new TransferQueue(2);
    q.plan([{ partition: 1, replicas: 3, sources: ['a'] }]);
    const old: TransferWork = q.next(0, up)!;
    q.plan([{ partition: 2, replicas: 3, sources: ['b'] }]);
    expect(q.tablesListed(old, [])).toEqual([]);
    expect(q.next(0, up)).toMatchObject({ partition: 2, source: 'b' });
  });
});
