// SWIM membership in the deterministic simulation: join, crash detection, leave, stats, restart, malformed input.

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SWIM_CONFIG, SimulatedSwimCluster, SwimNode, nodeIds, startCluster, suspicionTimeoutMs,
} from '../../../../src/cluster/membership/index.js';
import type { SwimEvent, SwimMessage } from '../../../../src/cluster/membership/index.js';
import { LOSSY_NETWORK } from '../../../../src/cluster/sim/index.js';

describe('SWIM join', () => {
  it('5 nodes join through one seed and all see all alive', () => {
    const cluster = startCluster(1, 5);
    const ids = nodeIds(5);
    expect(cluster.allAlive(ids)).toBe(true);
    for (const id of ids) expect(cluster.node(id).members().map((m) => m.id)).toEqual(ids);
    // Every non-seed node heard back from the seed.
    const joined = cluster.events.filter((e) => e.event.kind === 'joined');
    expect(joined.length).toBe(5);
    expect(cluster.sim.elapsedMs).toBeLessThan(5000);
  });

  it('20 nodes join through one seed under a lossy network and converge', () => {
    const cluster = startCluster(2, 20, { faults: LOSSY_NETWORK });
    expect(cluster.allAlive(nodeIds(20))).toBe(true);
    cluster.sim.runFor(30_000);
    expect(cluster.allAlive(nodeIds(20))).toBe(true);
    expect(cluster.changes.filter((c) => c.change.to === 'dead')).toEqual([]);
  });

  it('reports seeds-unreachable after the bounded attempts, and a later join succeeds', () => {
    const cluster = new SimulatedSwimCluster(3);
    const lonely = cluster.add('a');
    const events: SwimEvent[] = [];
    lonely.onEvent((e) => events.push(e));
    lonely.join(['nobody']);
    cluster.sim.runFor(120_000);
    expect(events).toEqual([{ kind: 'seeds-unreachable', attempts: DEFAULT_SWIM_CONFIG.joinAttemptsMax, seeds: ['nobody'] }]);
    expect(lonely.stats.joinAttempts).toBe(DEFAULT_SWIM_CONFIG.joinAttemptsMax);
    cluster.add('nobody').join([]);
    lonely.join(['nobody']);
    cluster.sim.runFor(5000);
    expect(events.at(-1)).toEqual({ kind: 'joined', via: 'nobody' });
    expect(cluster.allAlive(['a', 'nobody'])).toBe(true);
  });

  it('refuses an id, address or meta its peers would drop', () => {
    const cluster = new SimulatedSwimCluster(13);
    const build = (id: string, address: string, meta: Record<string, string | number>) => () =>
      new SwimNode({ id, address, meta, runtime: cluster.sim.runtime(id), transport: cluster.sim.transport<SwimMessage>(id) });
    expect(build('x'.repeat(300), 'a:1', {})).toThrow(/wire bounds/);
    expect(build('a', 'a'.repeat(600), {})).toThrow(/wire bounds/);
    expect(build('a', 'a:1', { zone: Number.NaN })).toThrow(/wire bounds/);
    expect(build('a', 'a:1', { zone: 'z' })).not.toThrow();
    expect(() => new SwimNode({ id: 'a', address: 'a:1', incarnation: -1, runtime: cluster.sim.runtime('a'), transport: cluster.sim.transport<SwimMessage>('a') })).toThrow();
  });

  it('carries meta and address to every member', () => {
    const cluster = new SimulatedSwimCluster(4);
    cluster.add('a', { pgPort: 5432, zone: 'eu-1' }).join([]);
    cluster.add('b', { pgPort: 5433, zone: 'eu-2' }).join(['a']);
    cluster.add('c').join(['b']);
    expect(cluster.sim.runUntil(() => cluster.allAlive(['a', 'b', 'c']), 20_000)).toBe(true);
    const seenByC = cluster.node('c').member('a');
    expect(seenByC?.meta).toEqual({ pgPort: 5432, zone: 'eu-1' });
    expect(seenByC?.address).toBe('a:7946');
    expect(cluster.node('a').member('b')?.meta).toEqual({ pgPort: 5433, zone: 'eu-2' });
  });
});

describe('SWIM failure detection', () => {
  it('a crashed node is suspected, then dead at every other node within the documented bound', () => {
    const cluster = startCluster(5, 5);
    const { sim } = cluster;
    sim.runFor(5000);
    const crashAt = sim.elapsedMs;
    cluster.crash('n3');
    const observers = ['n0', 'n1', 'n2', 'n4'];
    // First suspicion ≤ 2(n-1)T + T; dead ≤ that + suspicion timeout + a few periods of gossip.
    const T = DEFAULT_SWIM_CONFIG.protocolPeriodMs;
    const bound = 2 * 4 * T + T + suspicionTimeoutMs(DEFAULT_SWIM_CONFIG, 5) + 3 * T;
    expect(sim.runUntil(() => cluster.allSee(observers, 'n3', ['dead']), bound)).toBe(true);
    const about = cluster.changes.filter((c) => c.change.id === 'n3' && c.atMs >= crashAt);
    const firstSuspect = about.find((c) => c.change.to === 'suspect');
    const firstDead = about.find((c) => c.change.to === 'dead');
    expect(firstSuspect).toBeDefined();
    expect(firstDead!.atMs - firstSuspect!.atMs).toBeGreaterThanOrEqual(suspicionTimeoutMs(DEFAULT_SWIM_CONFIG, 5) - 1);
    // Every observer passed through suspect or learned dead directly; nobody else was touched.
    for (const o of observers) expect(about.some((c) => c.observer === o && c.change.to === 'dead')).toBe(true);
    expect(cluster.changes.filter((c) => c.change.id !== 'n3' && c.change.to !== 'alive')).toEqual([]);
    expect(cluster.allAlive(observers)).toBe(true);
  });

  it('a restarted node comes back with a higher incarnation and is alive everywhere', () => {
    const cluster = startCluster(6, 5);
    const { sim } = cluster;
    cluster.crash('n2');
    expect(sim.runUntil(() => cluster.allSee(['n0', 'n1', 'n3', 'n4'], 'n2', ['dead']), 30_000)).toBe(true);
    const deadAt = cluster.node('n0').member('n2')!.incarnation;
    const restarted = cluster.add('n2');
    restarted.join(['n0']);
    expect(restarted.incarnation).toBeGreaterThan(deadAt);
    expect(sim.runUntil(() => cluster.allAlive(nodeIds(5)), 20_000)).toBe(true);
    for (const id of ['n0', 'n1', 'n3', 'n4']) expect(cluster.node(id).member('n2')!.incarnation).toBe(restarted.incarnation);
  });

  it('a restarted node that lost its incarnation learns the old one from the seed and bumps above it', () => {
    const cluster = startCluster(7, 4);
    const { sim } = cluster;
    // n1 refutes a few times first, so its incarnation is above 0.
    for (let i = 0; i < 3; i++) {
      cluster.sim.pause('n1');
      sim.runFor(8000);
      cluster.sim.resume('n1');
      expect(sim.runUntil(() => cluster.allAlive(nodeIds(4)), 30_000)).toBe(true);
    }
    const before = cluster.node('n0').member('n1')!.incarnation;
    expect(before).toBeGreaterThan(0);
    cluster.crash('n1');
    expect(sim.runUntil(() => cluster.allSee(['n0', 'n2', 'n3'], 'n1', ['dead']), 30_000)).toBe(true);
    cluster.persisted.delete('n1'); // the owner lost its durable state
    const reborn = cluster.add('n1');
    expect(reborn.incarnation).toBe(0);
    reborn.join(['n0']);
    expect(sim.runUntil(() => cluster.allAlive(nodeIds(4)), 20_000)).toBe(true);
    expect(reborn.incarnation).toBeGreaterThan(before);
    expect(cluster.persisted.get('n1')).toBe(reborn.incarnation);
  });
  it('a node restarted quickly without its incarnation or a join is corrected by the first peer it hears from', () => {
    const cluster = startCluster(12, 4);
    const { sim } = cluster;
    sim.pause('n1');
    sim.runFor(5000);
    sim.resume('n1');
    expect(sim.runUntil(() => cluster.allAlive(nodeIds(4)), 30_000)).toBe(true);
    const before = cluster.node('n0').member('n1')!.incarnation;
    expect(before).toBeGreaterThan(0);
    sim.runFor(30_000); // the refutation's gossip has died out: nobody volunteers n1's record any more
    cluster.crash('n1');
    cluster.persisted.delete('n1');
    const reborn = cluster.add('n1'); // started, never joined: it knows nobody, the others still hold it alive
    reborn.setLocalStats({ revision: 77 });
    expect(sim.runUntil(() => reborn.incarnation > before && cluster.allAlive(nodeIds(4)), 30_000)).toBe(true);
    expect(sim.runUntil(() => nodeIds(4).every((id) => cluster.node(id).member('n1')?.stats.revision === 77), 30_000)).toBe(true);
    expect(cluster.changes.filter((c) => c.change.id === 'n1' && c.change.to === 'dead')).toEqual([]);
  });
});

describe('SWIM leave', () => {
  it('a graceful leave is seen as left everywhere, never dead, and the node goes silent', () => {
    const cluster = startCluster(8, 6, { faults: LOSSY_NETWORK });
    const { sim } = cluster;
    const leaving = cluster.node('n4');
    const events: SwimEvent[] = [];
    leaving.onEvent((e) => events.push(e));
    leaving.leave();
    sim.runFor(DEFAULT_SWIM_CONFIG.leaveGossipMs + 30_000);
    expect(events).toEqual([{ kind: 'left' }]);
    expect(leaving.running).toBe(false);
    const others = ['n0', 'n1', 'n2', 'n3', 'n5'];
    expect(cluster.allSee(others, 'n4', ['left'])).toBe(true);
    expect(cluster.deathsOf('n4')).toEqual([]);
    expect(cluster.allAlive(others)).toBe(true);
    const received = leaving.stats.received;
    sim.runFor(10_000);
    expect(leaving.stats.received).toBe(received);
  });
});

describe('SWIM stats', () => {
  it('stats set on one node reach all nodes, newer heartbeat wins', () => {
    const cluster = startCluster(9, 8, { faults: LOSSY_NETWORK });
    const { sim } = cluster;
    const source = cluster.node('n5');
    source.setLocalStats({ revision: 42, meanResponseMs: 3.5, errorRate: 0.01, load: 0.7, geolocation: { lat: 48.1, lon: 11.6 }, extra: { qps: 1200 } });
    const reached = (revision: number): boolean => nodeIds(8).every((id) => cluster.node(id).member('n5')?.stats.revision === revision);
    expect(sim.runUntil(() => reached(42), 20_000)).toBe(true);
    const seen = cluster.node('n0').member('n5')!.stats;
    expect(seen).toMatchObject({ revision: 42, meanResponseMs: 3.5, errorRate: 0.01, load: 0.7, geolocation: { lat: 48.1, lon: 11.6 }, extra: { qps: 1200 } });
    expect(seen.heartbeat).toBeGreaterThan(0);
    source.setLocalStats({ revision: 43 });
    expect(sim.runUntil(() => reached(43), 20_000)).toBe(true);
    expect(cluster.node('n0').member('n5')!.stats.meanResponseMs).toBe(3.5);
    // The owner's stats are checked like a peer's.
    expect(() => source.setLocalStats({ errorRate: Number.NaN })).toThrow();
  });

  it('each node\'s heartbeat counts its periods', () => {
    const cluster = startCluster(10, 3);
    const h0 = cluster.node('n1').member('n1')!.stats.heartbeat;
    cluster.sim.runFor(10 * DEFAULT_SWIM_CONFIG.protocolPeriodMs);
    expect(cluster.node('n1').member('n1')!.stats.heartbeat - h0).toBe(10);
  });
});

describe('SWIM malformed messages', () => {
  it('drops and counts malformed messages without disturbing the cluster', () => {
    const cluster = startCluster(11, 3);
    const { sim } = cluster;
    const evil = sim.transport<unknown>('evil');
    const target = cluster.node('n0');
    const good = { v: 1, kind: 'ping', seq: 1, sender: { id: 'evil', address: 'x', incarnation: 0, state: 'alive', meta: {}, stats: { heartbeat: 1, revision: 0, meanResponseMs: 0, errorRate: 0, load: 0 } }, updates: [], stats: [] };
    const junk: unknown[] = [
      null, 42, 'ping', [], {}, { ...good, v: 2 }, { ...good, kind: 'pong' }, { ...good, seq: -1 },
      { ...good, sender: { ...good.sender, id: 'someone-else' } }, { ...good, updates: [{ id: 'x' }] },
      { ...good, sender: { ...good.sender, stats: { heartbeat: 'many' } } }, { ...good, stats: 'no' },
      { ...good, updates: [{ id: 'n1', address: 'n1:7946', incarnation: 1e20, state: 'dead', meta: {} }] },
      { ...good, updates: [{ id: 'n1', address: 'n1:7946', incarnation: 99, state: 'zombie', meta: {} }] },
      { ...good, kind: 'ping-req' },
    ];
    for (const m of junk) evil.send('n0', m);
    sim.runFor(100);
    expect(target.stats.malformed).toBe(junk.length);
    expect(target.member('evil')).toBeUndefined();
    // Direct calls (a transport that hands over anything) are equally safe.
    target.receive('n1', undefined);
    target.receive('n1', { v: 1, kind: 'ack', seq: 1, sender: 'n1', updates: [], stats: [] });
    expect(target.stats.malformed).toBe(junk.length + 2);
    sim.runFor(20_000);
    expect(cluster.allAlive(nodeIds(3))).toBe(true);
    // A well-formed message from a stranger introduces it (and gets an ack).
    evil.send('n0', good);
    sim.runFor(100);
    expect(target.member('evil')?.state).toBe('alive');
  });
});

describe('SWIM remove', () => {
  it('declares a dead member left everywhere (and keeps it so), refusing live and unknown members', () => {
    const cluster = startCluster(31, 4);
    const [a, b, c, d] = nodeIds(4) as [string, string, string, string];
    expect(cluster.node(a).remove(d)).toBe(false);
    cluster.crash(d);
    expect(cluster.sim.runUntil(() => cluster.allSee([a, b, c], d, ['dead']), 60_000)).toBe(true);
    expect(cluster.node(b).remove('stranger')).toBe(false);
    expect(cluster.node(b).remove(d)).toBe(true);
    expect(cluster.sim.runUntil(() => cluster.allSee([a, b, c], d, ['left']), 30_000)).toBe(true);
    cluster.sim.runFor(30_000);
    expect(cluster.allSee([a, b, c], d, ['left'])).toBe(true);
  });
});
