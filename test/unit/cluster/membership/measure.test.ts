// measureFailureDetection: a seeded crash in a converged cluster, detection times within the documented bound.

import { describe, expect, it } from 'vitest';
import { DEFAULT_SWIM_CONFIG, measureFailureDetection, medianAndMax, suspicionTimeoutMs } from '../../../../src/cluster/membership/index.js';
import { LOSSY_NETWORK } from '../../../../src/cluster/sim/index.js';

const T = DEFAULT_SWIM_CONFIG.protocolPeriodMs;

describe('measureFailureDetection', () => {
  it('reports suspicion before death, every node holding the victim dead within the bound, and no false deaths', () => {
    const results = Array.from({ length: 6 }, (_, i) => measureFailureDetection(300 + i, { nodes: 5 }));
    for (const r of results) {
      expect(r.allDeadMs, `seed ${r.seed}`).not.toBeNull();
      expect(r.firstSuspicionMs!).toBeLessThanOrEqual(r.allSuspectedMs!);
      expect(r.allSuspectedMs!).toBeLessThanOrEqual(r.allDeadMs!);
      expect(r.firstDeadMs! - r.firstSuspicionMs!).toBeGreaterThanOrEqual(suspicionTimeoutMs(DEFAULT_SWIM_CONFIG, 5) - 1);
      // First suspicion ≤ 2(n-1)T + T; dead everywhere ≤ that + suspicion timeout + a few periods of gossip.
      expect(r.firstSuspicionMs!).toBeLessThanOrEqual(9 * T);
      expect(r.allDeadMs!).toBeLessThanOrEqual(9 * T + suspicionTimeoutMs(DEFAULT_SWIM_CONFIG, 5) + 3 * T);
      expect(r.falseDeaths).toBe(0);
      expect(r.victim).not.toBe('n0');
    }
    const allDead = medianAndMax(results.map((r) => r.allDeadMs));
    expect(allDead!.median).toBeLessThan(10 * T);
  });

  it('is a pure function of seed and options, and works under loss', () => {
    expect(measureFailureDetection(7, { nodes: 4 })).toEqual(measureFailureDetection(7, { nodes: 4 }));
    const lossy = measureFailureDetection(8, { nodes: 6, faults: LOSSY_NETWORK });
    expect(lossy.allDeadMs).not.toBeNull();
    expect(lossy.falseDeaths).toBe(0);
  });

  it('medianAndMax ignores missing values', () => {
    expect(medianAndMax([3, null, 1, 2])).toEqual({ median: 2, max: 3 });
    expect(medianAndMax([4, 1, 3, 2])).toEqual({ median: 2.5, max: 4 });
    expect(medianAndMax([null])).toBeNull();
  });
});
