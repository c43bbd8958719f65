import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EonError } from '../../../../src/errors/index.js';
import {
  CLOCK_DRIFT_MAX_MS,
  decodeHlc,
  encodeHlc,
  formatHlc,
  HLC_LOGICAL_MAX,
  HLC_PHYSICAL_MAX_MS,
  hlcLogical,
  hlcOf,
  hlcPhysicalMs,
  HybridClock,
  readHlc,
} from '../../../../src/cluster/version/index.js';
import type { Clock } from '../../../../src/cluster/runtime.js';

/** A wall clock the test sets by hand. */
class FakeClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
}

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
};

describe('HLC timestamps', () => {
  it('pack physical ms and the logical counter exactly', () => {
    const t = hlcOf(1_700_000_000_123, 42);
    expect(t).toBe((1_700_000_000_123n << 16n) | 42n);
    expect(hlcPhysicalMs(t)).toBe(1_700_000_000_123);
    expect(hlcLogical(t)).toBe(42);
    expect(formatHlc(t)).toBe('1700000000123.42');
    expect(hlcPhysicalMs(hlcOf(HLC_PHYSICAL_MAX_MS, HLC_LOGICAL_MAX))).toBe(HLC_PHYSICAL_MAX_MS);
    expect(() => hlcOf(-1, 0)).toThrow();
    expect(() => hlcOf(0, HLC_LOGICAL_MAX + 1)).toThrow();
  });

  it('encode to 8 big-endian bytes whose byte order is numeric order', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (a, b) => {
        const ea = encodeHlc(a);
        const eb = encodeHlc(b);
        expect(decodeHlc(ea)).toBe(a);
        expect(Math.sign(compareBytes(ea, eb))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
      { numRuns: 300 },
    );
    expect([...encodeHlc(0x0102030405060708n)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses malformed encodings with replica_data_corrupted', () => {
    expect(() => decodeHlc(new Uint8Array(7))).toThrow(EonError);
    expect(() => readHlc(new Uint8Array(10), 3)).toThrow(/truncated/);
  });
});

describe('HybridClock', () => {
  it('follows physical time when it moves forward, and counts within a millisecond', () => {
    const wall = new FakeClock(1000);
    const hlc = new HybridClock(wall);
    expect(hlc.now()).toBe(hlcOf(1000, 0));
    expect(hlc.now()).toBe(hlcOf(1000, 1));
    wall.ms = 1005;
    expect(hlc.now()).toBe(hlcOf(1005, 0));
  });

  it('stays monotonic when physical time jumps backwards', () => {
    const wall = new FakeClock(5000);
    const hlc = new HybridClock(wall);
    const a = hlc.now();
    wall.ms = 1000;
    const b = hlc.now();
    expect(b > a).toBe(true);
    expect(hlcPhysicalMs(b)).toBe(5000);
    expect(hlcLogical(b)).toBe(1);
  });

  it('applies the receive rules: max of local, remote and physical time', () => {
    const wall = new FakeClock(1000);
    const hlc = new HybridClock(wall);
    // Remote ahead (within drift): adopt its physical part, logical + 1.
    expect(hlc.observe(hlcOf(1500, 7))).toBe(hlcOf(1500, 8));
    // Same physical part on both: max logical + 1.
    expect(hlc.observe(hlcOf(1500, 3))).toBe(hlcOf(1500, 9));
    expect(hlc.observe(hlcOf(1500, 20))).toBe(hlcOf(1500, 21));
    // Remote behind: local + 1.
    expect(hlc.observe(hlcOf(900, 5))).toBe(hlcOf(1500, 22));
    // Physical time ahead of both: reset the counter.
    wall.ms = 2000;
    expect(hlc.observe(hlcOf(1800, 5))).toBe(hlcOf(2000, 0));
  });

  it('refuses a remote timestamp beyond the drift bound and keeps its own time', () => {
    const wall = new FakeClock(10_000);
    const hlc = new HybridClock(wall);
    const before = hlc.now();
    let thrown: unknown;
    try {
      hlc.observe(hlcOf(10_000 + CLOCK_DRIFT_MAX_MS + 1, 0));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(EonError);
    expect((thrown as EonError).code).toBe('clock_drift_exceeded');
    expect(hlc.last()).toBe(before);
    // Exactly at the bound is accepted.
    expect(hlcPhysicalMs(hlc.observe(hlcOf(10_000 + CLOCK_DRIFT_MAX_MS, 0)))).toBe(10_000 + CLOCK_DRIFT_MAX_MS);
    expect(() => hlc.observe(-1n)).toThrow(EonError);
  });

  it('borrows the next millisecond instead of wrapping the logical counter', () => {
    const wall = new FakeClock(1000);
    const hlc = new HybridClock(wall, { last: hlcOf(1000, HLC_LOGICAL_MAX - 1) });
    expect(hlc.now()).toBe(hlcOf(1000, HLC_LOGICAL_MAX));
    expect(hlc.now()).toBe(hlcOf(1001, 0));
    const far = new HybridClock(new FakeClock(1000));
    expect(far.observe(hlcOf(1000, HLC_LOGICAL_MAX))).toBe(hlcOf(1001, 0));
  });

  it('resumes after a restart above the last persisted timestamp', () => {
    const hlc = new HybridClock(new FakeClock(100), { last: hlcOf(5000, 3) });
    expect(hlc.now()).toBe(hlcOf(5000, 4));
  });

  it('is strictly monotonic and causal under skewed, backwards-jumping clocks (property)', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('tick' as const), node: fc.nat(2), jump: fc.integer({ min: -5000, max: 5000 }) }),
      fc.record({ kind: fc.constant('send' as const), from: fc.nat(2), to: fc.nat(2) }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -30_000, max: 30_000 }), { minLength: 3, maxLength: 3 }), fc.array(step, { maxLength: 200 }), (skews, steps) => {
        const walls = skews.map((s) => new FakeClock(1_000_000 + s));
        const clocks = walls.map((w) => new HybridClock(w));
        const last = clocks.map(() => -1n);
        let wallMax = Math.max(...walls.map((w) => w.ms));
        for (const s of steps) {
          if (s.kind === 'tick') {
            walls[s.node]!.ms = Math.max(0, walls[s.node]!.ms + s.jump);
            wallMax = Math.max(wallMax, walls[s.node]!.ms);
            const t = clocks[s.node]!.now();
            expect(t > last[s.node]!).toBe(true);
            last[s.node] = t;
          } else {
            const sent = clocks[s.from]!.now();
            expect(sent > last[s.from]!).toBe(true);
            last[s.from] = sent;
            let received: bigint;
            try {
              received = clocks[s.to]!.observe(sent);
            } catch (e) {
              // Only a drift beyond the bound may be refused.
              expect((e as EonError).code).toBe('clock_drift_exceeded');
              expect(hlcPhysicalMs(sent) - walls[s.to]!.ms).toBeGreaterThan(CLOCK_DRIFT_MAX_MS);
              continue;
            }
            // Causality: the receive event is after the send and after everything local.
            expect(received > sent).toBe(true);
            expect(received > last[s.to]!).toBe(true);
            last[s.to] = received;
          }
          // Bounded drift: no timestamp runs ahead of the fastest physical clock seen.
          for (const t of last) expect(t < 0n || hlcPhysicalMs(t) <= wallMax).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
