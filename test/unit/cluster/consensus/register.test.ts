import { describe, expect, it } from 'vitest';
import { CAS_TIMEOUT_MS, CONSENSUS_KEY_CHARS_MAX, consensusOutcomeError, type ConsensusMessage } from '../../../../src/cluster/consensus/index.js';
import { Cluster } from './harness.js';

const THREE = ['a0', 'a1', 'a2'];
const FIVE = ['a0', 'a1', 'a2', 'a3', 'a4'];

describe('uncontended register', () => {
  for (const replicas of [THREE, FIVE]) {
    const n = replicas.length;
    it(`CAS takes 2 round trips and 5n messages, a read 1 round trip and 2n, on ${n} replicas`, () => {
      const c = new Cluster(1, replicas);
      const sentBefore = c.sim.stats.sent;
      const w = c.cas('p0', 'user:ada', 0, 'ada@example.org');
      expect(c.settle(w)).toEqual({ kind: 'applied', version: 1 });
      // One-way delay is 1 ms on the reliable network: answered after prepare, promise, propose, accepted.
      expect(w.at).toBe(4);
      c.sim.runFor(10);
      expect(c.sim.stats.sent - sentBefore).toBe(5 * n); // prepare, promise, propose, accepted, commit
      for (const a of replicas) expect(c.node(a).acceptor.state('user:ada').committed).toMatchObject({ version: 1, value: 'ada@example.org' });

      const sentMid = c.sim.stats.sent;
      const start = c.sim.elapsedMs;
      const r = c.read('p1', 'user:ada');
      expect(c.settle(r)).toEqual({ kind: 'current', current: { version: 1, value: 'ada@example.org' } });
      expect(r.at - start).toBe(2);
      c.sim.runFor(10);
      expect(c.sim.stats.sent - sentMid).toBe(2 * n); // prepare, promise
    });
  }

  it('reads an absent key as version 0', () => {
    const c = new Cluster(2, THREE);
    expect(c.settle(c.read('p0', 'nobody'))).toEqual({ kind: 'current', current: { version: 0, value: null } });
  });

  it('rejects a CAS at a stale version and returns the current value, writing nothing', () => {
    const c = new Cluster(3, THREE);
    expect(c.settle(c.cas('p0', 'k', 0, 'one'))).toEqual({ kind: 'applied', version: 1 });
    expect(c.settle(c.cas('p1', 'k', 1, 'two'))).toEqual({ kind: 'applied', version: 2 });
    const sent = c.sim.stats.sent;
    expect(c.settle(c.cas('p0', 'k', 1, 'late'))).toEqual({ kind: 'rejected', current: { version: 2, value: 'two' } });
    c.sim.runFor(10);
    expect(c.sim.stats.sent - sent).toBe(6); // a rejection costs one round trip
    expect(c.settle(c.read('p0', 'k'))).toEqual({ kind: 'current', current: { version: 2, value: 'two' } });
  });

  it('stores null (a delete) as a new version', () => {
    const c = new Cluster(4, THREE);
    c.settle(c.cas('p0', 'k', 0, 'x'));
    expect(c.settle(c.cas('p0', 'k', 1, null))).toEqual({ kind: 'applied', version: 2 });
    expect(c.settle(c.read('p1', 'k'))).toEqual({ kind: 'current', current: { version: 2, value: null } });
  });

  it('keeps keys independent', () => {
    const c = new Cluster(5, THREE);
    c.settle(c.cas('p0', 'a', 0, 'A'));
    expect(c.settle(c.cas('p1', 'b', 0, 'B'))).toEqual({ kind: 'applied', version: 1 });
    expect(c.settle(c.read('p0', 'a'))).toEqual({ kind: 'current', current: { version: 1, value: 'A' } });
  });
});

describe('in-progress proposals', () => {
  /** Plants a proposal accepted by a0 only, as if its proposer died after one accept. */
  function plant(c: Cluster, value: string, instance = 1): void {
    const prior = c.node('a0').acceptor.state('k').committed;
    c.node('a0').acceptor.propose({ v: 1, kind: 'propose', key: 'k', proposal: { ballot: { round: 1, proposer: 'ghost' }, instance, value, id: 'ghost.1' }, prior });
  }

  it('a read finishes a proposal accepted by a minority before answering (so no later read goes back)', () => {
    const c = new Cluster(6, THREE);
    plant(c, 'ghost');
    const r = c.read('p0', 'k');
    expect(c.settle(r)).toEqual({ kind: 'current', current: { version: 1, value: 'ghost' } });
    expect(r.at).toBe(4); // prepare + propose round trips
    c.sim.runFor(10);
    for (const a of THREE) expect(c.node(a).acceptor.state('k').committed.version).toBe(1);
  });

  it('a CAS finishes the in-progress proposal first, then is rejected if that moved the version', () => {
    const c = new Cluster(7, THREE);
    plant(c, 'ghost');
    expect(c.settle(c.cas('p0', 'k', 0, 'mine'))).toEqual({ kind: 'rejected', current: { version: 1, value: 'ghost' } });
  });

  it('a CAS finishes the in-progress proposal, then applies its own at the same ballot (3 round trips)', () => {
    const c = new Cluster(8, THREE);
    plant(c, 'ghost');
    const w = c.cas('p0', 'k', 1, 'mine');
    expect(c.settle(w)).toEqual({ kind: 'applied', version: 2 });
    expect(w.at).toBe(6);
    expect(c.settle(c.read('p1', 'k'))).toEqual({ kind: 'current', current: { version: 2, value: 'mine' } });
  });

  it('finishes the in-progress proposal with the highest ballot, which may be chosen though the majority it sees does not show it', () => {
    const c = new Cluster(17, FIVE);
    const propose = (a: string, round: number, value: string): void => {
      c.node(a).acceptor.propose({ v: 1, kind: 'propose', key: 'k', proposal: { ballot: { round, proposer: 'ghost' }, instance: 1, value, id: `ghost.${value}` }, prior: { version: 0, value: null, id: null } });
    };
    propose('a0', 1, 'old');
    for (const a of ['a1', 'a2', 'a3']) propose(a, 2, 'new'); // chosen at ballot 2
    c.sim.partition(['p0'], ['a2', 'a3']); // p0's majority is a0, a1, a4: one vote each for old and new
    expect(c.settle(c.read('p0', 'k'))).toEqual({ kind: 'current', current: { version: 1, value: 'new' } });
    expect(c.settle(c.cas('p0', 'k', 0, 'late'))).toEqual({ kind: 'rejected', current: { version: 1, value: 'new' } });
  });

  it('a proposal a majority accepted at one ballot counts as chosen without another propose round', () => {
    const c = new Cluster(9, THREE);
    for (const a of ['a0', 'a1']) {
      c.node(a).acceptor.propose({ v: 1, kind: 'propose', key: 'k', proposal: { ballot: { round: 1, proposer: 'ghost' }, instance: 1, value: 'g', id: 'ghost.1' }, prior: { version: 0, value: null, id: null } });
    }
    const r = c.read('p0', 'k');
    expect(c.settle(r)).toEqual({ kind: 'current', current: { version: 1, value: 'g' } });
    expect(r.at).toBe(2);
  });

  it('a lagging acceptor learns the prior version from the propose and from commits', () => {
    const c = new Cluster(10, THREE);
    c.sim.cut('p0', 'a2');
    c.settle(c.cas('p0', 'k', 0, 'one'));
    c.sim.runFor(10);
    expect(c.node('a2').acceptor.state('k').committed.version).toBe(0);
    c.sim.healAll();
    c.settle(c.read('p1', 'k'));
    c.sim.runFor(10);
    expect(c.node('a2').acceptor.state('k').committed).toMatchObject({ version: 1, value: 'one' });
  });
});

describe('contention', () => {
  it('of five proposers racing on version 0 exactly one applies; the others learn the winner', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const clients = ['p0', 'p1', 'p2', 'p3', 'p4'];
      const c = new Cluster(seed, THREE, clients);
      const boxes = clients.map((p) => c.cas(p, 'k', 0, p));
      c.sim.runUntil(() => boxes.every((b) => b.outcome !== null), 10_000);
      const applied = boxes.filter((b) => b.outcome?.kind === 'applied');
      expect(applied.length, `seed ${seed}`).toBe(1);
      const winner = clients[boxes.indexOf(applied[0]!)]!;
      for (const b of boxes) {
        if (b === applied[0]) continue;
        expect(b.outcome, `seed ${seed}`).toEqual({ kind: 'rejected', current: { version: 1, value: winner } });
      }
    }
  });
});

describe('faults', () => {
  it('the minority side of a partition is refused as unavailable; the majority side carries on', () => {
    const c = new Cluster(11, THREE);
    c.sim.partition(['p0', 'a0'], ['p1', 'a1', 'a2']);
    const minority = c.cas('p0', 'k', 0, 'minority');
    const majority = c.cas('p1', 'k', 0, 'majority');
    expect(c.settle(majority)).toEqual({ kind: 'applied', version: 1 });
    expect(c.settle(minority)).toEqual({ kind: 'unavailable', reached: 1, needed: 2 });
    expect(minority.at).toBeLessThanOrEqual(CAS_TIMEOUT_MS);
    expect(c.settle(c.read('p0', 'k')).kind).toBe('unavailable');
    c.sim.healAll();
    expect(c.settle(c.read('p0', 'k'))).toEqual({ kind: 'current', current: { version: 1, value: 'majority' } });
  });

  for (const [name, cutAtMs, reaches] of [
    ['reached every acceptor', 3.5, 'all'],
    ['reached one acceptor', 2.5, 'one'],
  ] as const) {
    it(`an indeterminate CAS (its propose ${name}) is resolved by a read to exactly one state`, () => {
      const c = new Cluster(12, THREE);
      const w = c.cas('p0', 'k', 0, 'maybe');
      // Prepares land at 1 ms, promises at 2, proposes at 3, accepts would at 4.
      c.sim.at(cutAtMs, () => {
        if (reaches === 'all') c.sim.partition(['p0'], THREE);
        else c.sim.partition(['p0'], ['a1', 'a2']);
      });
      c.sim.at(3.5, () => {
        if (reaches === 'one') c.sim.cut('p0', 'a0');
      });
      expect(c.settle(w)).toEqual({ kind: 'indeterminate' });
      const first = c.settle(c.read('p1', 'k'));
      expect(first.kind).toBe('current');
      if (first.kind !== 'current') return;
      if (reaches === 'all') expect(first.current).toEqual({ version: 1, value: 'maybe' });
      else expect([0, 1]).toContain(first.current.version);
      // Every later read, from anywhere, agrees.
      c.sim.healAll();
      for (const p of ['p0', 'p1', 'p0']) expect(c.settle(c.read(p, 'k'))).toEqual(first);
    });
  }

  it('an acceptor restarted from its store keeps its promises and values', () => {
    const c = new Cluster(13, THREE);
    c.settle(c.cas('p0', 'k', 0, 'durable'));
    c.sim.runFor(10);
    for (const a of THREE) {
      c.sim.crash(a);
      c.start(a);
    }
    expect(c.settle(c.read('p1', 'k'))).toEqual({ kind: 'current', current: { version: 1, value: 'durable' } });
  });

  it('a paused proposer that wakes with an old ballot cannot overwrite a newer decision', () => {
    const c = new Cluster(14, THREE);
    const stale = c.cas('p0', 'k', 0, 'stale');
    let fresh: ReturnType<Cluster['cas']> | null = null;
    // Prepares delivered at 1 ms; p0 stops before its promises land and p1 decides meanwhile.
    c.sim.at(1.5, () => {
      c.sim.pause('p0');
      fresh = c.cas('p1', 'k', 0, 'fresh');
    });
    c.sim.runUntil(() => fresh?.outcome != null, 100);
    expect(fresh!.outcome).toEqual({ kind: 'applied', version: 1 });
    c.sim.resume('p0');
    // Its promises are for a ballot the acceptors have since passed: the propose is refused, and
    // the retry learns the newer decision.
    expect(c.settle(stale)).toEqual({ kind: 'rejected', current: { version: 1, value: 'fresh' } });
    expect(c.settle(c.read('p0', 'k'))).toEqual({ kind: 'current', current: { version: 1, value: 'fresh' } });
  });
});

describe('message validation', () => {
  it('drops and counts malformed messages without answering them', () => {
    const c = new Cluster(15, THREE);
    const a0 = c.node('a0');
    const sent = c.sim.stats.sent;
    const bad: unknown[] = [
      null,
      42,
      'prepare',
      { v: 2, kind: 'prepare', key: 'k', ballot: { round: 1, proposer: 'x' } },
      { v: 1, kind: 'prepare', key: 'k', ballot: { round: -1, proposer: 'x' } },
      { v: 1, kind: 'nonsense', key: 'k' },
      { v: 1, kind: 'propose', key: 'k', proposal: { ballot: { round: 1, proposer: 'x' }, instance: 3, value: 'v', id: 'i' }, prior: { version: 0, value: null, id: null } },
      { v: 1, kind: 'commit', key: 'k', committed: { version: 0, value: null, id: null } },
      { v: 1, kind: 'commit', key: 'k', committed: { version: 1, value: 7, id: 'i' } },
      { v: 1, kind: 'promise', key: 'k', ballot: { round: 1, proposer: 'x' }, ok: 'yes', promised: { round: 1, proposer: 'x' }, accepted: null, committed: { version: 0, value: null, id: null } },
      { v: 1, kind: 'prepare', key: 'x'.repeat(5000), ballot: { round: 1, proposer: 'x' } },
    ];
    for (const m of bad) a0.handle('p0', m);
    c.sim.runFor(10);
    expect(a0.stats.malformed).toBe(bad.length);
    expect(c.sim.stats.sent).toBe(sent);
    const good: ConsensusMessage = { v: 1, kind: 'prepare', key: 'k', ballot: { round: 1, proposer: 'x' } };
    a0.handle('p0', good);
    expect(a0.stats.malformed).toBe(bad.length);
    expect(c.sim.stats.sent).toBe(sent + 1);
  });

  it('refuses a malformed replica set, version or key as a programmer error', () => {
    const c = new Cluster(16, THREE);
    expect(() => c.node('p0').cas('k', [], 0, 'v', () => {})).toThrow(/replica set/);
    expect(() => c.node('p0').cas('k', ['a0', 'a0'], 0, 'v', () => {})).toThrow(/replica set/);
    expect(() => c.node('p0').cas('k', THREE, -1, 'v', () => {})).toThrow(/expected version/);
    expect(() => c.node('p0').read('k'.repeat(CONSENSUS_KEY_CHARS_MAX + 1), THREE, () => {})).toThrow(/key longer/);
  });
});

describe('consensusOutcomeError', () => {
  it('maps failures to errors with SQLSTATEs and leaves answers to the caller', () => {
    expect(consensusOutcomeError({ kind: 'applied', version: 1 }, 'CREATE TABLE t')).toBeNull();
    expect(consensusOutcomeError({ kind: 'rejected', current: { version: 1, value: 'x' } }, 'CREATE TABLE t')).toBeNull();
    expect(consensusOutcomeError({ kind: 'current', current: { version: 0, value: null } }, 'read')).toBeNull();
    const unavailable = consensusOutcomeError({ kind: 'unavailable', reached: 1, needed: 2 }, 'register name ada');
    expect(unavailable).toMatchObject({ code: 'quorum_unavailable', sqlstate: '57P03', httpStatus: 503 });
    expect(unavailable?.message).toMatch(/only 1 of the 2/);
    expect(consensusOutcomeError({ kind: 'indeterminate' }, 'x')).toMatchObject({ sqlstate: '40003' });
    expect(consensusOutcomeError({ kind: 'contended', attempts: 16 }, 'x')).toMatchObject({ sqlstate: '40001' });
  });
});
