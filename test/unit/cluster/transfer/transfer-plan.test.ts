// The transition rules: a newcomer is written to but not read until it reports the ring received,
// the old holder it displaces serves in its place meanwhile, a node receives exactly the partitions
// the new ring gives it that it did not hold, and a leaver waits for every new holder.
import { describe, expect, it } from 'vitest';
import { claim, replicaSet } from '../../../../src/cluster/ring/index.js';
import type { RingState } from '../../../../src/cluster/ring/index.js';
import { inboundTransfers, outstandingHandoffs, placementOf } from '../../../../src/cluster/transfer/index.js';
import type { RingTransition } from '../../../../src/cluster/transfer/index.js';

const Q = 16;
const ring = (prev: RingState | null, ids: string[]): RingState => claim(prev, new Map(ids.map((id) => [id, 1])), Q);
const three = ring(null, ['a', 'b', 'c']);
const four = ring(three, ['a', 'b', 'c', 'd']);
const join: RingTransition = { version: 2, current: four, previous: three, previousVersion: 1 };

describe('placement during a join', () => {
  it('reads from the old holders and writes to the newcomer too until it is ready', () => {
    const notReady = (id: string): number | undefined => (id === 'd' ? 1 : 1);
    let gained = 0;
    for (let p = 0; p < Q; p++) {
      const next = replicaSet(four, p, 3);
      const base = replicaSet(three, p, 3);
      const placed = placementOf(join, p, 3, notReady);
      if (!next.includes('d')) {
        expect(placed).toEqual({ serving: next, pending: [] });
        continue;
      }
      gained++;
      expect(placed.pending).toEqual(['d']);
      expect([...placed.serving].sort()).toEqual([...base].sort());
    }
    expect(gained).toBeGreaterThan(0);
  });

  it('serves by the new ring once the newcomer reports it received', () => {
    for (let p = 0; p < Q; p++) expect(placementOf(join, p, 3, () => 2)).toEqual({ serving: replicaSet(four, p, 3), pending: [] });
  });

  it('counts old holders whose readiness is not yet gossiped as serving, and never leaves a partition without servers', () => {
    for (let p = 0; p < Q; p++) {
      const placed = placementOf(join, p, 3, () => undefined);
      expect(placed.serving.length).toBeGreaterThanOrEqual(2);
      expect(placed.pending.every((id) => id === 'd')).toBe(true);
    }
  });

  it('places by the ring alone when there is no previous ring', () => {
    const first: RingTransition = { version: 1, current: three, previous: null, previousVersion: 0 };
    expect(placementOf(first, 3, 3, () => 0)).toEqual({ serving: replicaSet(three, 3, 3), pending: [] });
  });
});

describe('what a node receives', () => {
  it('a newcomer pulls every partition it holds from all its old holders', () => {
    const inbound = inboundTransfers(join, 'd', 3, new Set(), 0);
    const held = Array.from({ length: Q }, (_, p) => p).filter((p) => replicaSet(four, p, 3).includes('d'));
    expect(inbound.map((i) => i.partition)).toEqual(held);
    for (const i of inbound) expect([...i.sources].sort()).toEqual([...replicaSet(three, i.partition, 3)].sort());
  });

  it('a node ready for the previous ring receives only partitions it did not hold', () => {
    for (const id of ['a', 'b', 'c']) {
      for (const i of inboundTransfers(join, id, 3, new Set(), 1)) expect(replicaSet(three, i.partition, 3)).not.toContain(id);
    }
  });

  it('skips partitions already complete for the ring (a restart resumes with the rest)', () => {
    const all = inboundTransfers(join, 'd', 3, new Set(), 0);
    const done = new Set([`3/${all[0]!.partition}`]);
    expect(inboundTransfers(join, 'd', 3, done, 0).map((i) => i.partition)).toEqual(all.slice(1).map((i) => i.partition));
  });

  it('receives nothing under the first ring', () => {
    expect(inboundTransfers({ version: 1, current: three, previous: null, previousVersion: 0 }, 'a', 3, new Set(), 0)).toEqual([]);
  });
});

describe('a leave', () => {
  const after = ring(four, ['a', 'b', 'd']);
  const leave: RingTransition = { version: 3, current: after, previous: four, previousVersion: 2 };

  it('waits for every node that takes one of the leaver\'s partitions, and for nobody else', () => {
    const waiting = outstandingHandoffs(leave, 'c', 3, () => 2);
    expect(waiting.length).toBeGreaterThan(0);
    for (const h of waiting) {
      expect(replicaSet(four, h.partition, 3)).toContain('c');
      expect(replicaSet(four, h.partition, 3)).not.toContain(h.to);
      expect(replicaSet(after, h.partition, 3)).toContain(h.to);
    }
    expect(outstandingHandoffs(leave, 'c', 3, () => 3)).toEqual([]);
  });

  it('keeps the leaver serving in place of a new holder still receiving', () => {
    const waiting = outstandingHandoffs(leave, 'c', 3, () => 2);
    const h = waiting[0]!;
    const placed = placementOf(leave, h.partition, 3, (id) => (id === h.to ? 2 : 3));
    expect(placed.pending).toEqual([h.to]);
    expect(placed.serving).toContain('c');
  });
});
