import { describe, expect, it } from 'vitest';
import { EonError } from '../../../../src/errors/index.js';
import {
  PARTITIONS_PER_NODE_MIN, RING_SIZE_DEFAULT, RING_SIZE_DEFAULT_NODES_MAX, RING_SIZE_MAX, RING_SIZE_MIN,
  checkRingSize, isRingSize, ringSizeFor, ringSizeTable,
} from '../../../../src/cluster/ring/index.js';

describe('ring size', () => {
  it('accepts powers of two between the bounds only', () => {
    expect(isRingSize(RING_SIZE_MIN)).toBe(true);
    expect(isRingSize(64)).toBe(true);
    expect(isRingSize(RING_SIZE_MAX)).toBe(true);
    for (const bad of [0, 4, 100, 63.5, -64, RING_SIZE_MAX * 2, NaN]) expect(isRingSize(bad)).toBe(false);
    expect(checkRingSize(128)).toBe(128);
    expect(() => checkRingSize(100)).toThrow(EonError);
  });

  it('recommends the default up to 6 nodes, then at least 10 partitions per node', () => {
    expect(RING_SIZE_DEFAULT_NODES_MAX).toBe(6);
    expect(ringSizeFor(1)).toBe(RING_SIZE_DEFAULT);
    expect(ringSizeFor(6)).toBe(64);
    expect(ringSizeFor(7)).toBe(128);
    expect(ringSizeFor(10)).toBe(128);
    expect(ringSizeFor(100)).toBe(1024);
    expect(ringSizeFor(1000)).toBe(16384);
    expect(ringSizeFor(10_000_000)).toBe(RING_SIZE_MAX);
    const wrong: number[] = [];
    for (let n = 1; n <= 5000; n++) {
      const q = ringSizeFor(n);
      // The smallest power of two ≥ the default with 10 partitions per node: half would not do.
      const smallest = q === RING_SIZE_DEFAULT || q / 2 < n * PARTITIONS_PER_NODE_MIN;
      if (!isRingSize(q) || q < n * PARTITIONS_PER_NODE_MIN || !smallest) wrong.push(n);
    }
    expect(wrong).toEqual([]);
    expect(() => ringSizeFor(0)).toThrow();
  });

  it('tabulates which cluster sizes each ring size serves, without gaps', () => {
    const table = ringSizeTable(16384);
    expect(table[0]).toEqual({ partitions: 64, nodesMin: 1, nodesMax: 6, partitionsPerNodeMin: 64 / 6, partitionsPerNodeMax: 64 });
    expect(table.at(-1)!.partitions).toBe(16384);
    for (let i = 1; i < table.length; i++) expect(table[i]!.nodesMin).toBe(table[i - 1]!.nodesMax + 1);
    for (const row of table) {
      expect(ringSizeFor(row.nodesMin)).toBe(row.partitions);
      expect(ringSizeFor(row.nodesMax)).toBe(row.partitions);
      expect(row.partitionsPerNodeMin).toBeGreaterThanOrEqual(PARTITIONS_PER_NODE_MIN);
    }
  });
});
