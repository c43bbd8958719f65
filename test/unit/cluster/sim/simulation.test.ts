import { describe, expect, it } from 'vitest';
import { LOSSY_NETWORK, RELIABLE_NETWORK, SeededRandom, Simulation } from '../../../../src/cluster/sim/index.js';

/** Two nodes ping-pong a counter; returns the delivery log. */
function pingPong(seed: number, rounds: number): string[] {
  const sim = new Simulation(seed, LOSSY_NETWORK);
  const log: string[] = [];
  for (const id of ['a', 'b']) {
    const t = sim.transport<number>(id);
    sim.register<number>(id, (from, n) => {
      log.push(`${sim.elapsedMs.toFixed(3)} ${from}->${id} ${n}`);
      if (n < rounds) t.send(from, n + 1);
    });
    const rt = sim.runtime(id);
    rt.scheduler.after(5, () => t.send(id === 'a' ? 'b' : 'a', 0));
  }
  sim.runFor(10_000);
  return log;
}

describe('SeededRandom', () => {
  it('is a pure function of its seed and roughly uniform', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(new SeededRandom(43).next()).not.toBe(xs[0]);
    const buckets = new Array<number>(10).fill(0);
    const r = new SeededRandom(7);
    for (let i = 0; i < 100_000; i++) buckets[r.int(10)]!++;
    for (const c of buckets) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});

describe('Simulation', () => {
  it('replays a lossy run exactly from its seed, and another seed differs', () => {
    const first = pingPong(11, 200);
    expect(first.length).toBeGreaterThan(0);
    expect(pingPong(11, 200)).toEqual(first);
    expect(pingPong(12, 200)).not.toEqual(first);
  });

  it('orders timers by time, then by the order they were set', () => {
    const sim = new Simulation(1);
    const rt = sim.runtime('n');
    const order: number[] = [];
    rt.scheduler.after(10, () => order.push(2));
    rt.scheduler.after(5, () => order.push(1));
    rt.scheduler.after(10, () => order.push(3));
    const cancelled = rt.scheduler.after(7, () => order.push(99));
    cancelled.cancel();
    sim.runFor(20);
    expect(order).toEqual([1, 2, 3]);
    expect(sim.elapsedMs).toBe(20);
  });

  it('forgets a crashed incarnation\'s timers and messages; a new incarnation is heard', () => {
    const sim = new Simulation(2, RELIABLE_NETWORK);
    const got: string[] = [];
    sim.register<string>('b', (_f, m) => got.push(`old:${m}`));
    const oldTimer: string[] = [];
    sim.runtime('b').scheduler.after(50, () => oldTimer.push('fired'));
    sim.transport<string>('a').send('b', 'in-flight');
    sim.crash('b');
    sim.runFor(100);
    expect(got).toEqual([]);
    expect(oldTimer).toEqual([]);
    sim.register<string>('b', (_f, m) => got.push(`new:${m}`));
    sim.transport<string>('a').send('b', 'hello');
    sim.runFor(10);
    expect(got).toEqual(['new:hello']);
  });

  it('holds a paused node\'s timers and messages until resume, in order', () => {
    const sim = new Simulation(3, RELIABLE_NETWORK);
    const got: string[] = [];
    sim.register<string>('b', (_f, m) => got.push(m));
    sim.runtime('b').scheduler.after(5, () => got.push('timer'));
    sim.pause('b');
    const t = sim.transport<string>('a');
    t.send('b', 'one');
    t.send('b', 'two');
    sim.runFor(1000);
    expect(got).toEqual([]);
    sim.resume('b');
    sim.runFor(1);
    expect(got).toEqual(['one', 'two', 'timer']);
  });

  it('loses messages across a cut link until it heals, and clones what it carries', () => {
    const sim = new Simulation(4, RELIABLE_NETWORK);
    const got: { n: number }[] = [];
    sim.register<{ n: number }>('b', (_f, m) => got.push(m));
    const t = sim.transport<{ n: number }>('a');
    sim.partition(['a'], ['b', 'c']);
    t.send('b', { n: 1 });
    sim.runFor(10);
    expect(got).toEqual([]);
    sim.healAll();
    const sent = { n: 2 };
    t.send('b', sent);
    sent.n = 3;
    sim.runFor(10);
    expect(got).toEqual([{ n: 2 }]);
    expect(sim.stats.dropped).toBe(1);
  });

  it('runUntil stops when the condition holds and is bounded by its limit', () => {
    const sim = new Simulation(5);
    let ticks = 0;
    const rt = sim.runtime('n');
    const tick = (): void => { ticks++; rt.scheduler.after(10, tick); };
    tick();
    expect(sim.runUntil(() => ticks >= 5, 1000)).toBe(true);
    expect(sim.elapsedMs).toBe(40);
    expect(sim.runUntil(() => ticks >= 1_000_000, 500)).toBe(false);
    expect(sim.elapsedMs).toBe(540);
  });
});
