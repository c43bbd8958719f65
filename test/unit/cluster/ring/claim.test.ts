import { describe, expect, it } from 'vitest';
import { EonError } from '../../../../src/errors/index.js';
import {
  RING_SIZE_DEFAULT, claim, partitionsMoved, ringSizeFor, targetNViolations,
} from '../../../../src/cluster/ring/index.js';
import type { RingState } from '../../../../src/cluster/ring/index.js';

const ids = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `n${String(i + from).padStart(3, '0')}`);
const equal = (list: readonly string[]): Map<string, number> => new Map(list.map((id) => [id, 1]));

function grow(q: number, n: number): RingState {
  let ring = claim(null, equal(ids(1)), q);
  for (let k = 2; k <= n; k++) ring = claim(ring, equal(ids(k)));
  return ring;
}

function spread(ring: RingState): { min: number; max: number } {
  const counts = [...ring.ownedCounts().values()];
  return { min: Math.min(...counts), max: Math.max(...counts) };
}

describe('claim: founding', () => {
  it('cycles owners p mod n in id order, version 1, default 64 partitions', () => {
    const ring = claim(null, equal(['c', 'a', 'd', 'b']));
    expect(ring.partitions).toBe(RING_SIZE_DEFAULT);
    expect(ring.version).toBe(1);
    expect(ring.owners).toEqual(Array.from({ length: 64 }, (_, p) => 'abcd'[p % 4]));
    expect(spread(claim(null, equal(['a', 'b', 'c'])))).toEqual({ min: 21, max: 22 });
  });

  it('a ring of one owns everything', () => {
    const ring = claim(null, equal(['solo']), 8);
    expect(new Set(ring.owners)).toEqual(new Set(['solo']));
    expect(targetNViolations(ring.owners)).toBe(0);
  });

  it('spreads a founding whose size does not divide Q without breaking TARGET_N windows', () => {
    // 128 = 18·7 + 2: plain p mod 7 repeats owners across the wrap; the founding repair mends it.
    const ring = claim(null, equal(ids(7)), 128);
    expect(spread(ring)).toEqual({ min: 18, max: 19 });
    expect(targetNViolations(ring.owners)).toBe(0);
  });

  it('refuses a bad ring size or weight with a typed error, and no members as a bug', () => {
    expect(() => claim(null, equal(['a']), 100)).toThrow(EonError);
    expect(() => claim(null, new Map([['a', 0]]))).toThrow(EonError);
    expect(() => claim(null, new Map([['a', NaN]]))).toThrow(EonError);
    expect(() => claim(null, new Map())).toThrow(/at least one member/);
    const ring = claim(null, equal(['a']), 64);
    expect(() => claim(ring, equal(['a', 'b']), 128)).toThrow(/new cluster/);
    expect(claim(ring, equal(['a', 'b']), 64).partitions).toBe(64);
  });
});

describe('claim: determinism', () => {
  it('gives the same ring whatever the Map insertion order', () => {
    const list = ids(13);
    const forward = new Map(list.map((id, i) => [id, 1 + (i % 3)]));
    const backward = new Map([...forward].reverse());
    const shuffled = new Map([...forward].sort((a, b) => (a[0].charCodeAt(3) * 7) % 11 - (b[0].charCodeAt(3) * 7) % 11));
    const a = claim(null, forward, 256);
    expect(claim(null, backward, 256).owners).toEqual(a.owners);
    expect(claim(null, shuffled, 256).owners).toEqual(a.owners);
    const grown = new Map([...forward, ['zz', 2]]);
    expect(claim(a, grown).owners).toEqual(claim(claim(null, backward, 256), new Map([...grown].reverse())).owners);
  });

  it('returns the current ring itself when nothing changes, and bumps the version otherwise', () => {
    const ring = grow(64, 5);
    expect(claim(ring, equal(ids(5)))).toBe(ring);
    const joined = claim(ring, equal(ids(6)));
    expect(joined.version).toBe(ring.version + 1);
    expect(claim(joined, equal(ids(6)))).toBe(joined);
    // A weight change that moves nothing is still a change.
    const reweighted = claim(claim(null, equal(['a']), 8), new Map([['a', 3]]));
    expect(reweighted.version).toBe(2);
    expect(reweighted.weightOf('a')).toBe(3);
  });
});

describe('claim: joins and leaves', () => {
  it('a join moves about Q/(n+1) partitions, all to the new node, and balances', () => {
    for (const [q, n] of [[64, 3], [128, 9], [1024, 60], [1024, 99]] as const) {
      const before = grow(q, n);
      const after = claim(before, equal(ids(n + 1)));
      const moved = partitionsMoved(before, after);
      const ideal = q / (n + 1);
      expect(moved).toBeLessThanOrEqual(Math.ceil(ideal));
      expect(moved).toBeGreaterThanOrEqual(Math.floor(ideal));
      const newcomer = ids(1, n)[0]!;
      for (let p = 0; p < q; p++) {
        if (before.owners[p] !== after.owners[p]) expect(after.owners[p]).toBe(newcomer);
      }
      const { min, max } = spread(after);
      expect(max - min).toBeLessThanOrEqual(1);
    }
  });

  it('a leave moves exactly the leaver\'s partitions, to the least loaded nodes', () => {
    const ring = grow(256, 12);
    const leaver = 'n005';
    const owned = new Set(ring.partitionsOwnedBy(leaver));
    const after = claim(ring, equal(ids(12).filter((id) => id !== leaver)));
    expect(after.weightOf(leaver)).toBeUndefined();
    expect(after.owners).not.toContain(leaver);
    expect(partitionsMoved(ring, after)).toBe(owned.size);
    for (let p = 0; p < 256; p++) if (!owned.has(p)) expect(after.owners[p]).toBe(ring.owners[p]);
    const { min, max } = spread(after);
    expect(max - min).toBeLessThanOrEqual(1);
  });

  it('several joins and leaves at once still balance', () => {
    const ring = grow(512, 20);
    const next = equal([...ids(20).filter((_, i) => i % 4 !== 0), ...ids(7, 100)]);
    const after = claim(ring, next);
    expect(new Set(after.owners).size).toBe(next.size);
    const { min, max } = spread(after);
    expect(max - min).toBeLessThanOrEqual(1);
    expect(targetNViolations(after.owners)).toBe(0);
  });

  it('keeps TARGET_N windows distinct as the cluster grows past 4 nodes', () => {
    expect(targetNViolations(grow(ringSizeFor(40), 40).owners)).toBe(0);
  });

  it('allows more nodes than partitions: some own nothing', () => {
    const ring = grow(8, 11);
    const counts = [...ring.ownedCounts().values()];
    expect(counts.filter((c) => c === 1).length).toBe(8);
    expect(counts.filter((c) => c === 0).length).toBe(3);
  });
});

describe('claim: weights', () => {
  it('owns partitions in proportion to weight, within one of the exact share', () => {
    const weights = new Map([['big', 4], ['mid', 2], ['s1', 1], ['s2', 1], ['s3', 1.5]]);
    for (const ring of [claim(null, weights, 256), claim(grow(256, 3), weights)]) {
      const total = 9.5;
      for (const [id, w] of weights) {
        const share = (256 * w) / total;
        const c = ring.ownedCounts().get(id)!;
        expect(c).toBeGreaterThanOrEqual(Math.floor(share));
        expect(c).toBeLessThanOrEqual(Math.ceil(share));
      }
    }
  });

  it('a weight-2 node owns about twice a weight-1 node\'s partitions', () => {
    const members = equal(ids(10));
    members.set('n000', 2);
    const ring = claim(grow(1024, 10), members);
    const counts = ring.ownedCounts();
    expect(counts.get('n000')! / counts.get('n001')!).toBeCloseTo(2, 1);
  });

  it('raising a weight moves partitions to that node only', () => {
    const ring = grow(256, 8);
    const members = equal(ids(8));
    members.set('n003', 3);
    const after = claim(ring, members);
    for (let p = 0; p < 256; p++) {
      if (ring.owners[p] !== after.owners[p]) expect(after.owners[p]).toBe('n003');
    }
    const share = (256 * 3) / 10;
    expect(after.ownedCounts().get('n003')).toBeGreaterThanOrEqual(Math.floor(share));
    expect(after.ownedCounts().get('n003')).toBeLessThanOrEqual(Math.ceil(share));
  });
});
