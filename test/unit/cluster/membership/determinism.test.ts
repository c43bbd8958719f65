// Exact replay of mixed-fault SWIM runs from their seeds (lossy network, crash and restart, pause,
// partition, leave), and convergence at the end of each.

import { describe, expect, it } from 'vitest';
import { startCluster } from '../../../../src/cluster/membership/index.js';
import type { SimulatedSwimCluster } from '../../../../src/cluster/membership/index.js';
import { LOSSY_NETWORK } from '../../../../src/cluster/sim/index.js';

/** A mixed-fault run: lossy network, a crash and restart, a pause, a partition, a leave. */
function mixedFaults(seed: number): SimulatedSwimCluster {
  const cluster = startCluster(seed, 7, { faults: LOSSY_NETWORK });
  const { sim } = cluster;
  sim.runFor(5000);
  cluster.crash('n3');
  sim.runFor(15_000);
  cluster.add('n3').join(['n0']);
  sim.runFor(5000);
  sim.pause('n5');
  sim.runFor(12_000);
  sim.resume('n5');
  sim.partition(['n0', 'n1'], ['n2', 'n4', 'n5', 'n6']);
  sim.runFor(15_000);
  sim.healAll();
  sim.runFor(10_000);
  cluster.node('n6').leave();
  sim.runFor(30_000);
  return cluster;
}

describe('SWIM determinism', () => {
  it('the same seed gives the same event log; every mixed-fault seed ends converged', () => {
    const logs: string[][] = [];
    for (let seed = 100; seed < 110; seed++) {
      const cluster = mixedFaults(seed);
      logs.push([...cluster.log]);
      expect(cluster.log.some((line) => line.includes('n5 dead->alive')), `seed ${seed}`).toBe(true);
      const live = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5'];
      expect(cluster.sim.runUntil(() => cluster.allAlive(live), 60_000), `seed ${seed}`).toBe(true);
      expect(cluster.allSee(live, 'n6', ['left']), `seed ${seed}`).toBe(true);
      // The restarted node is alive at its new incarnation everywhere.
      for (const id of live) expect(cluster.node(id).member('n3')!.incarnation, `seed ${seed}`).toBe(cluster.node('n3').incarnation);
    }
    expect(mixedFaults(105).log).toEqual(logs[5]);
    expect(logs[1]).not.toEqual(logs[0]);
  });
});
