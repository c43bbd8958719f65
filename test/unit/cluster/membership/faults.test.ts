// SWIM under faults in the deterministic simulation: lossy network, SIGSTOP, partitions, and
// exact replay of mixed-fault runs from their seeds.

import { describe, expect, it } from 'vitest';
import { DEFAULT_SWIM_CONFIG, nodeIds, startCluster, suspicionTimeoutMs } from '../../../../src/cluster/membership/index.js';
import { LOSSY_NETWORK } from '../../../../src/cluster/sim/index.js';

const T = DEFAULT_SWIM_CONFIG.protocolPeriodMs;

describe('SWIM under a lossy network', () => {
  it('10 nodes, 10 virtual minutes, 5% loss with dups and reorders: no live node is ever declared dead', () => {
    const cluster = startCluster(21, 10, { faults: LOSSY_NETWORK });
    cluster.sim.runFor(600_000);
    const deaths = cluster.changes.filter((c) => c.change.to === 'dead');
    const suspicions = cluster.changes.filter((c) => c.change.to === 'suspect');
    expect(deaths).toEqual([]);
    expect(cluster.allAlive(nodeIds(10))).toBe(true);
    // Brief suspicions are allowed and refuted; count them so a regression shows.
    const refutations = nodeIds(10).reduce((n, id) => n + cluster.node(id).stats.refutations, 0);
    expect(suspicions.length).toBeLessThan(200);
    expect(refutations).toBeLessThanOrEqual(suspicions.length);
    expect(cluster.sim.stats.dropped).toBeGreaterThan(500);
    console.log(`lossy 10 min: ${suspicions.length} brief suspicions, ${refutations} refutations, ${cluster.sim.stats.dropped} of ${cluster.sim.stats.sent} messages dropped`);
  });
});

describe('SWIM and SIGSTOP', () => {
  it('a node paused past the suspicion timeout is declared dead, and after resume refutes and is alive everywhere', () => {
    const cluster = startCluster(22, 5);
    const { sim } = cluster;
    sim.runFor(3000);
    const pausedAt = sim.elapsedMs;
    const incarnationBefore = cluster.node('n2').incarnation;
    sim.pause('n2');
    const others = ['n0', 'n1', 'n3', 'n4'];
    expect(sim.runUntil(() => cluster.allSee(others, 'n2', ['dead']), 20_000)).toBe(true);
    expect(sim.elapsedMs - pausedAt).toBeGreaterThan(suspicionTimeoutMs(DEFAULT_SWIM_CONFIG, 5));
    sim.runFor(5000);
    sim.resume('n2');
    expect(sim.runUntil(() => cluster.allAlive(nodeIds(5)), 20_000)).toBe(true);
    const incarnationAfter = cluster.node('n2').incarnation;
    expect(incarnationAfter).toBeGreaterThan(incarnationBefore);
    for (const o of others) expect(cluster.node(o).member('n2')!.incarnation).toBe(incarnationAfter);
    expect(cluster.persisted.get('n2')).toBe(incarnationAfter);
    // Nobody else was declared dead, by anyone — the resumed node included.
    expect(cluster.changes.filter((c) => c.change.to === 'dead' && c.change.id !== 'n2')).toEqual([]);
  });
});

describe('SWIM and partitions', () => {
  it('{a,b} | {c,d,e}: each side holds the other dead or suspect; after healing all converge to alive', () => {
    const cluster = startCluster(23, 5);
    const { sim } = cluster;
    const left = ['n0', 'n1'];
    const right = ['n2', 'n3', 'n4'];
    sim.partition(left, right);
    const split = (): boolean =>
      left.every((a) => right.every((b) => cluster.allSee([a], b, ['dead']))) &&
      right.every((b) => left.every((a) => cluster.allSee([b], a, ['dead'])));
    expect(sim.runUntil(split, 60_000)).toBe(true);
    // Each side stays whole.
    expect(cluster.allAlive(left)).toBe(true);
    expect(cluster.allAlive(right)).toBe(true);
    sim.runFor(30_000);
    sim.healAll();
    const healedAt = sim.elapsedMs;
    // Dead members are pinged every DEAD_PROBE_EVERY_PERIODS periods, and the buddy report makes them refute.
    expect(sim.runUntil(() => cluster.allAlive(nodeIds(5)), 60_000)).toBe(true);
    expect(sim.elapsedMs - healedAt).toBeLessThan(4 * DEFAULT_SWIM_CONFIG.deadProbeEveryPeriods * T);
    sim.runFor(30_000);
    expect(cluster.allAlive(nodeIds(5))).toBe(true);
  });

  it('a node cut off from one peer only is not declared dead (indirect probes reach it)', () => {
    const cluster = startCluster(24, 5);
    const { sim } = cluster;
    sim.cut('n0', 'n1');
    sim.runFor(120_000);
    expect(cluster.changes.filter((c) => c.change.to === 'dead')).toEqual([]);
    expect(cluster.node('n0').stats.pingReqsSent).toBeGreaterThan(0);
    expect(nodeIds(5).reduce((n, id) => n + cluster.node(id).stats.acksRelayed, 0)).toBeGreaterThan(0);
    expect(cluster.changes.filter((c) => c.change.to === 'suspect')).toEqual([]);
    expect(cluster.allAlive(nodeIds(5))).toBe(true);
  });
});
