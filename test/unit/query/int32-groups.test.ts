// The merge's int32 group table must give each distinct key (pair) one group, across growth,
// for keys whose low bits repeat (sparse keys like TPC-H's order keys) and negative keys.
import { describe, expect, it } from 'vitest';
import { Int32Groups } from '../../../query/distribute/int32-groups.js';

describe('Int32Groups', () => {
  it('finds the group of every key it was given, one key per group, across growth', () => {
    const table = new Int32Groups(1);
    const expected = new Map<number, number>();
    let groups = 0;
    for (let i = 0; i < 50_000; i++) {
      // Sparse keys (8 of every 32) and some negatives, each seen several times.
      const key = (i % 7_000) * 32 + (i % 8) - (i % 3 === 0 ? 1_000_000 : 0);
      const found = table.findOrAdd(key, 0, groups);
      const want = expected.get(key);
      if (want === undefined) {
        expect(found).toBe(-1);
        expected.set(key, groups++);
      } else expect(found).toBe(want);
    }
    expect(groups).toBe(expected.size);
  });

  it('tells key pairs apart by both keys', () => {
    const table = new Int32Groups(2);
    let groups = 0;
    const seen = new Map<string, number>();
    for (let a = -50; a < 50; a++) {
      for (let b = 0; b < 40; b++) {
        const g = table.findOrAdd(a, b * 1024, groups);
        expect(g).toBe(-1);
        seen.set(`${a}:${b}`, groups++);
      }
    }
    for (const [k, g] of seen) {
      const [a, b] = k.split(':').map(Number) as [number, number];
      expect(table.findOrAdd(a, b * 1024, -2)).toBe(g);
    }
  });
});
