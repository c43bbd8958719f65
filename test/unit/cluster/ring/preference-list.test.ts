import { describe, expect, it } from 'vitest';
import {
  REPLICAS_DEFAULT, RingState, claim, fallbackCandidates, partitionsHeldBy, preferenceList, replicaSet, replicaTable,
} from '../../../../src/cluster/ring/index.js';

const equal = (list: readonly string[]): Map<string, number> => new Map(list.map((id) => [id, 1]));
/** A hand-made ring: owners spelled one letter per partition. */
const ringOf = (layout: string): RingState =>
  new RingState(layout.length, layout.split(''), equal([...new Set(layout.split(''))]), 1);

describe('replicaSet', () => {
  it('takes the owner and the next distinct owners clockwise', () => {
    const ring = ringOf('aabcadbe');
    expect(replicaSet(ring, 0, 3)).toEqual(['a', 'b', 'c']);
    expect(replicaSet(ring, 1, 3)).toEqual(['a', 'b', 'c']);
    expect(replicaSet(ring, 4, 3)).toEqual(['a', 'd', 'b']);
    // Wraps round the ring.
    expect(replicaSet(ring, 7, 3)).toEqual(['e', 'a', 'b']);
    expect(replicaSet(ring, 6, 2)).toEqual(['b', 'e']);
  });

  it('defaults to REPLICAS_DEFAULT and clamps to the member count', () => {
    const ring = ringOf('abababab');
    expect(REPLICAS_DEFAULT).toBe(3);
    expect(replicaSet(ring, 0)).toEqual(['a', 'b']);
    expect(replicaSet(ring, 1, 5)).toEqual(['b', 'a']);
    const solo = claim(null, equal(['solo']), 8);
    expect(replicaSet(solo, 3)).toEqual(['solo']);
    expect(() => replicaSet(ring, 0, 0)).toThrow();
    expect(() => replicaSet(ring, 8, 3)).toThrow();
  });

  it('gives n distinct nodes for every partition of a claimed ring', () => {
    const ring = claim(null, equal(['a', 'b', 'c', 'd', 'e', 'f', 'g']), 128);
    const table = replicaTable(ring, 3);
    expect(table).toHaveLength(128);
    for (let p = 0; p < 128; p++) {
      expect(new Set(table[p]).size).toBe(3);
      expect(table[p]![0]).toBe(ring.owners[p]);
    }
  });

  it('skips members that own no partition (more nodes than partitions)', () => {
    let ring = claim(null, equal(['n0']), 8);
    const ids = Array.from({ length: 10 }, (_, i) => `n${i}`);
    for (let k = 2; k <= 10; k++) ring = claim(ring, equal(ids.slice(0, k)));
    const set = replicaSet(ring, 0, 10);
    expect(set).toHaveLength(8);
    expect(new Set(set).size).toBe(8);
  });
});

describe('preferenceList', () => {
  it('with every node up, the primaries are the replica set and there are no fallbacks', () => {
    const ring = ringOf('abcdefgh');
    expect(preferenceList(ring, 2, 3)).toEqual({ partition: 2, replicas: ['c', 'd', 'e'], primaries: ['c', 'd', 'e'], fallbacks: [] });
  });

  it('replaces down primaries by the next up nodes further clockwise, saying whom each stands in for', () => {
    const ring = ringOf('abcdefgh');
    const down = new Set(['c', 'e', 'f']);
    const list = preferenceList(ring, 2, 3, (id) => !down.has(id));
    expect(list.replicas).toEqual(['c', 'd', 'e']);
    expect(list.primaries).toEqual(['d']);
    // f is down too, so the walk goes on to g and h.
    expect(list.fallbacks).toEqual([{ node: 'g', standsInFor: 'c' }, { node: 'h', standsInFor: 'e' }]);
  });

  it('never picks a node twice, skipping repeats of replicas further round', () => {
    const ring = ringOf('abcabdab');
    const list = preferenceList(ring, 0, 3, (id) => id !== 'b');
    expect(list.replicas).toEqual(['a', 'b', 'c']);
    expect(list.fallbacks).toEqual([{ node: 'd', standsInFor: 'b' }]);
  });

  it('wraps round the ring for fallbacks', () => {
    const ring = ringOf('abcdefgh');
    const list = preferenceList(ring, 6, 3, (id) => id !== 'h');
    expect(list.replicas).toEqual(['g', 'h', 'a']);
    expect(list.fallbacks).toEqual([{ node: 'b', standsInFor: 'h' }]);
  });

  it('returns fewer fallbacks than down primaries when the ring runs out of up nodes', () => {
    const ring = ringOf('abcdabcd');
    const list = preferenceList(ring, 1, 3, (id) => id === 'a' || id === 'b');
    expect(list.replicas).toEqual(['b', 'c', 'd']);
    expect(list.primaries).toEqual(['b']);
    expect(list.fallbacks).toEqual([{ node: 'a', standsInFor: 'c' }]);
    const none = preferenceList(ring, 1, 3, () => false);
    expect(none.primaries).toEqual([]);
    expect(none.fallbacks).toEqual([]);
  });
});

describe('fallbackCandidates', () => {
  it('lists the distinct nodes past the replica set clockwise, wrapping, each once', () => {
    expect(fallbackCandidates(ringOf('abcdefgh'), 6, 3)).toEqual(['b', 'c', 'd', 'e', 'f']);
    expect(fallbackCandidates(ringOf('abcabdab'), 0, 3)).toEqual(['d']);
    // The write path takes the first up ones: the same choice as preferenceList's fallbacks.
    const ring = ringOf('abcdefgh');
    const down = new Set(['c', 'e', 'f']);
    const up = fallbackCandidates(ring, 2, 3).filter((id) => !down.has(id));
    expect(up.slice(0, 2)).toEqual(preferenceList(ring, 2, 3, (id) => !down.has(id)).fallbacks.map((f) => f.node));
    // No candidates when the replica set covers every member.
    expect(fallbackCandidates(ringOf('abababab'), 1, 3)).toEqual([]);
  });
});

describe('partitionsHeldBy', () => {
  it('lists owned and replica partitions', () => {
    const ring = ringOf('abcdefgh');
    expect(partitionsHeldBy(ring, 'c', 3)).toEqual([0, 1, 2]);
    expect(partitionsHeldBy(ring, 'a', 3)).toEqual([0, 6, 7]);
    expect(partitionsHeldBy(ring, 'a', 1)).toEqual([0]);
    expect(partitionsHeldBy(ring, 'zz', 3)).toEqual([]);
  });

  it('each node of a balanced ring holds about n/members of all replicas', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `n${i}`);
    const ring = claim(null, equal(ids), 128);
    for (const id of ids) {
      const held = partitionsHeldBy(ring, id, 3).length;
      expect(held).toBeGreaterThanOrEqual(3 * 12);
      expect(held).toBeLessThanOrEqual(3 * 13);
    }
  });
});
