import { describe, expect, it } from 'vitest';
import { hashKey, hashKeyHigh, partitionOf, partitionOfHigh } from '../../../src/cluster/partition-hash.js';
import { Interval, Numeric } from '../../../src/types/values.js';
import type { Value } from '../../../src/types/values.js';

const hex = (v: readonly Value[]): string => '0x' + hashKey(v).toString(16).padStart(16, '0');

describe('hashKey', () => {
  it('is pinned by golden values (changing them moves every row)', () => {
    expect(hex([])).toBe('0xebb6c228d9aaf7d3');
    expect(hex([null])).toBe('0x2933bea8addc76bc');
    expect(hex([0])).toBe('0x5828dc67ef1d8775');
    expect(hex([5])).toBe('0x12ca340dec5185f8');
    expect(hex([-1])).toBe('0x3cfd92e209c9e37f');
    expect(hex([true])).toBe('0x8814bc38226a8ad3');
    expect(hex(['hello'])).toBe('0x647bd83ea7c0e39a');
    expect(hex([''])).toBe('0x38655152f31f7cd0');
    expect(hex(['héllo wörld'])).toBe('0x82ba64040a91fecd');
    expect(hex([new Numeric(12345n, 2)])).toBe('0x4f43a60af51c146c');
    expect(hex([1.5])).toBe('0x0d336f54aa985dea');
    expect(hex([5, 'x'])).toBe('0xd98e05b7cb2dc46e');
    expect(hex([9007199254740993n])).toBe('0xcd474e83f7aebfde');
  });

  it('hashes equal SQL values alike across types', () => {
    expect(hashKey([5])).toBe(hashKey([5n]));
    expect(hashKey([5])).toBe(hashKey([new Numeric(500n, 2)]));
    expect(hashKey([5])).toBe(hashKey([5.0]));
    expect(hashKey([-0])).toBe(hashKey([0n]));
    expect(hashKey([new Numeric(10n, 1)])).toBe(hashKey([new Numeric(100n, 2)]));
    expect(hashKey([new Numeric(15n, 1)])).toBe(hashKey([new Numeric(150n, 2)]));
    expect(hashKey([2 ** 53 + 2])).toBe(hashKey([9007199254740994n]));
    expect(hashKey([new Interval(1, 2, 3)])).toBe(hashKey([new Interval(1, 2, 3)]));
    expect(hashKey([new Interval(1, 0, 0)])).toBe(hashKey([new Interval(0, 30, 0)]));
    expect(hashKey([new Interval(0, 1, 0)])).toBe(hashKey([new Interval(0, 0, 86_400_000_000)]));
    expect(hashKey([new Interval(0, 1, 0)])).not.toBe(hashKey([new Interval(0, 2, 0)]));
  });

  it('tells different values and different column splits apart', () => {
    expect(hashKey([5])).not.toBe(hashKey([6]));
    expect(hashKey(['5'])).not.toBe(hashKey([5]));
    expect(hashKey(['ab', 'c'])).not.toBe(hashKey(['a', 'bc']));
    expect(hashKey([null, 1])).not.toBe(hashKey([1, null]));
    expect(hashKey([1n << 70n])).not.toBe(hashKey([1n << 71n]));
  });

  it('hashKeyHigh is the top 32 bits', () => {
    for (const v of [[1], ['abc'], [new Numeric(7n, 3)]] as Value[][]) {
      expect(BigInt(hashKeyHigh(v))).toBe(hashKey(v) >> 32n);
    }
  });
});

describe('partitionOf', () => {
  it('takes the top log2(Q) bits', () => {
    expect(partitionOf(0xffffffffffffffffn, 64)).toBe(63);
    expect(partitionOf(0x0400000000000000n, 64)).toBe(1);
    expect(partitionOf(0x03ffffffffffffffn, 64)).toBe(0);
    expect(partitionOf(0x8000000000000000n, 2)).toBe(1);
    expect(partitionOf(123n, 1)).toBe(0);
    for (const v of [[1], ['x'], [99n]] as Value[][]) {
      expect(partitionOfHigh(hashKeyHigh(v), 256)).toBe(partitionOf(hashKey(v), 256));
    }
  });

  it('refuses partition counts that are not powers of two', () => {
    expect(() => partitionOf(1n, 3)).toThrow(RangeError);
    expect(() => partitionOf(1n, 0)).toThrow(RangeError);
  });

  it('spreads sequential keys evenly', () => {
    const q = 64;
    const counts = new Array<number>(q).fill(0);
    const n = 64_000;
    for (let i = 0; i < n; i++) counts[partitionOf(hashKey([i]), q)]!++;
    const expected = n / q;
    for (const c of counts) {
      expect(c).toBeGreaterThan(expected * 0.85);
      expect(c).toBeLessThan(expected * 1.15);
    }
  });
});
