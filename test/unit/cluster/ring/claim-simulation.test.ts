import { describe, expect, it } from 'vitest';
import {
  BALANCE_MAX_OVER_AVG, BALANCE_NODES_MIN, claimBalanceReport, ringSizeFor, simulateClaim,
} from '../../../../src/cluster/ring/index.js';

describe('claim simulation', () => {
  it('grows from 1 to 1,000 nodes one join at a time, balanced and with few moves', () => {
    const reported = (n: number): boolean => n <= 100 || n % 50 === 0;
    const rows = simulateClaim({ nodesMax: 1000, reportAt: reported });
    expect(rows.map((r) => r.nodes)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1).filter(reported));
    for (const row of rows) {
      expect(row.partitions).toBe(ringSizeFor(row.nodes));
      expect(row.ownedMax - row.ownedMin, `size ${row.nodes}`).toBeLessThanOrEqual(1);
      if (row.nodes >= BALANCE_NODES_MIN) expect(row.maxOverAvg, `size ${row.nodes}`).toBeLessThanOrEqual(BALANCE_MAX_OVER_AVG);
      // Where the recommended size grows the ring is founded anew (changing Q is a new cluster).
      expect(row.change).toBe(row.nodes === 1 || ringSizeFor(row.nodes - 1) !== row.partitions ? 'found' : 'join');
      if (row.change === 'join') expect(row.movesOverIdeal!, `size ${row.nodes}`).toBeLessThanOrEqual(2);
      // Replica spread: perfect from 6 nodes on; small rings cannot always keep 4-windows distinct.
      if (row.nodes >= 6) expect(row.targetNViolations, `size ${row.nodes}`).toBe(0);
    }
  });

  it('leaves move only the leaver\'s partitions and keep the balance', () => {
    const rows = simulateClaim({ nodesMax: 60, leaves: 25, reportAt: () => false });
    expect(rows).toHaveLength(25);
    for (const row of rows) {
      expect(row.change).toBe('leave');
      expect(row.moves).toBe(row.idealMoves);
      expect(row.ownedMax - row.ownedMin).toBeLessThanOrEqual(1);
      expect(row.targetNViolations).toBe(0);
    }
    expect(rows.at(-1)!.nodes).toBe(35);
  });

  it('at a fixed ring size grows from one node with every join close to ideal', () => {
    const rows = simulateClaim({ nodesMax: 100, ringSize: 2048, reportAt: (n) => n > 1 });
    for (const row of rows) {
      expect(row.movesOverIdeal!).toBeLessThanOrEqual(1.05);
      expect(row.ownedMax - row.ownedMin).toBeLessThanOrEqual(1);
      if (row.nodes >= 10) expect(row.targetNViolations, `size ${row.nodes}`).toBe(0);
    }
  });

  it('reports the bench sizes', () => {
    const rows = claimBalanceReport([3, 10, 100]);
    expect(rows.map((r) => [r.nodes, r.partitions])).toEqual([[3, 64], [10, 128], [100, 1024]]);
    expect(rows[2]!.maxOverAvg).toBeLessThanOrEqual(BALANCE_MAX_OVER_AVG);
  });

  it('refuses sizes out of bounds', () => {
    expect(() => simulateClaim({ nodesMax: 0 })).toThrow();
    expect(() => simulateClaim({ nodesMax: 5, leaves: 5 })).toThrow();
  });
});
