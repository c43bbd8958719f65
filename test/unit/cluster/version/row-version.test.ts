import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EonError } from '../../../../src/errors/index.js';
import {
  compareNodeIds,
  compareVersions,
  decodeRowVersion,
  digest64,
  encodeRowVersion,
  hlcOf,
  murmur3x32,
  murmur3x32Pair,
  pairLanes,
  readRowVersion,
  resolve,
  rowVersionBytes,
  sawVersion,
  valueDigest,
  versionDigest,
} from '../../../../src/cluster/version/index.js';
import type { RowState, RowVersion } from '../../../../src/cluster/version/index.js';

const utf8 = new TextEncoder();
const bytes = (s: string): Uint8Array => utf8.encode(s);
const v = (ms: number, node: string, logical = 0): RowVersion => ({ hlc: hlcOf(ms, logical), node });
const row = (version: RowVersion, value: string): RowState => ({ version, digest: valueDigest(bytes(value)) });
const compareUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('row version order', () => {
  it('orders by hlc, then by node id byte-wise', () => {
    expect(compareVersions(v(2, 'a'), v(1, 'z'))).toBe(1);
    expect(compareVersions(v(1, 'a', 1), v(1, 'a', 2))).toBe(-1);
    expect(compareVersions(v(1, 'b'), v(1, 'a'))).toBe(1);
    expect(compareVersions(v(1, 'a'), v(1, 'a'))).toBe(0);
  });

  it('compares node ids exactly as their UTF-8 bytes (also above U+FFFF)', () => {
    expect(compareNodeIds('\u{ffff}', '\u{10000}')).toBe(-1);
    expect(compareNodeIds('\u{e000}', '\u{1f600}')).toBe(-1);
    expect(compareNodeIds('ab', 'abc')).toBe(-1);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(compareNodeIds(a, b)).toBe(Math.sign(compareUtf8(a, b)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('resolve (the SQL row rule)', () => {
  it('picks the higher version whichever side it is on', () => {
    const a = row(v(10, 'n1'), 'x');
    const b = row(v(11, 'n0'), 'y');
    expect(resolve(a, b).winner).toBe(b);
    expect(resolve(b, a).winner).toBe(b);
    expect(resolve(a, b).loser).toBe(a);
  });

  it('counts a conflict only for different values, different versions, and an unknowing winner', () => {
    const a = row(v(10, 'n1'), 'x');
    const b = row(v(11, 'n2'), 'y');
    expect(resolve(a, b).concurrent).toBe(true);
    // b was written over a read of a: a superseded knowingly.
    expect(resolve(a, b, { bSawA: true }).concurrent).toBe(false);
    // Knowledge of the loser's writer does not matter.
    expect(resolve(a, b, { aSawB: true }).concurrent).toBe(true);
    // Same value under different versions: no lost data, no conflict.
    expect(resolve(row(v(10, 'n1'), 'x'), row(v(11, 'n2'), 'x')).concurrent).toBe(false);
    // Same version, same value: the same write.
    expect(resolve(a, row(v(10, 'n1'), 'x')).concurrent).toBe(false);
  });

  it('ties on equal versions with different values deterministically (by value digest)', () => {
    const a = row(v(10, 'n1'), 'x');
    const b = row(v(10, 'n1'), 'y');
    expect(resolve(a, b).winner).toBe(resolve(b, a).winner);
  });

  it('is deterministic and symmetric: every replica picks the same winner and counts alike', () => {
    const state = fc.record({ ms: fc.integer({ min: 0, max: 5 }), node: fc.constantFrom('a', 'b', 'c'), value: fc.constantFrom('x', 'y') });
    fc.assert(
      fc.property(state, state, (s, t) => {
        const a = row(v(s.ms, s.node), s.value);
        const b = row(v(t.ms, t.node), t.value);
        const ab = resolve(a, b);
        const ba = resolve(b, a);
        expect(ab.winner).toEqual(ba.winner);
        expect(ab.concurrent).toBe(ba.concurrent);
      }),
      { numRuns: 300 },
    );
  });

  it('sawVersion is exact: a greater basis is not proof of having seen', () => {
    expect(sawVersion(null, v(1, 'a'))).toBe(false);
    expect(sawVersion(v(1, 'a'), v(1, 'a'))).toBe(true);
    expect(sawVersion(v(2, 'a'), v(1, 'b'))).toBe(false);
  });
});

describe('row version encoding', () => {
  it('round-trips and is compact: 8 + 1 + node bytes', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.string({ minLength: 1, maxLength: 60 }), (hlc, node) => {
        const version = { hlc, node };
        const enc = encodeRowVersion(version);
        expect(enc.length).toBe(9 + Buffer.byteLength(node, 'utf8'));
        expect(rowVersionBytes(version)).toBe(enc.length);
        expect(decodeRowVersion(enc)).toEqual(version);
      }),
      { numRuns: 200 },
    );
  });

  it('reads a version embedded in a larger buffer', () => {
    const enc = encodeRowVersion(v(7, 'node-7'));
    const buf = new Uint8Array(enc.length + 5);
    buf.set(enc, 2);
    const { version, end } = readRowVersion(buf, 2);
    expect(version).toEqual(v(7, 'node-7'));
    expect(end).toBe(2 + enc.length);
  });

  it('refuses malformed bytes with replica_data_corrupted, never a crash', () => {
    const enc = encodeRowVersion(v(7, 'node-7'));
    const cases = [
      new Uint8Array(0),
      enc.subarray(0, 8),
      enc.subarray(0, enc.length - 1),
      Uint8Array.from([...enc, 0]),
      Uint8Array.from([...enc.subarray(0, 8), 0]),
      Uint8Array.from([...enc.subarray(0, 8), 2, 0xff, 0xfe]),
    ];
    for (const c of cases) {
      let thrown: unknown;
      try {
        decodeRowVersion(c);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(EonError);
      expect((thrown as EonError).code).toBe('replica_data_corrupted');
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (junk) => {
        try {
          decodeRowVersion(junk);
        } catch (e) {
          expect(e).toBeInstanceOf(EonError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses to encode empty or over-long node ids', () => {
    expect(() => encodeRowVersion(v(1, ''))).toThrow();
    expect(() => encodeRowVersion(v(1, 'x'.repeat(256)))).toThrow();
  });
});

describe('digests', () => {
  it('are pinned by golden values (changing them invalidates stored trees)', () => {
    expect(digest64(bytes('')).toString(16)).toBe('e002d862e6647e8b');
    expect(digest64(bytes('hello')).toString(16)).toBe('6d39453b0550309c');
    expect(versionDigest(v(1000, 'n1', 3), bytes('row')).toString(16)).toBe('ad15d93a16bb6f9b');
  });

  it('versionDigest changes with the value, the hlc and the node', () => {
    const base = versionDigest(v(1, 'n1'), bytes('x'));
    expect(versionDigest(v(1, 'n1'), bytes('x'))).toBe(base);
    expect(versionDigest(v(1, 'n1'), bytes('y'))).not.toBe(base);
    expect(versionDigest(v(2, 'n1'), bytes('x'))).not.toBe(base);
    expect(versionDigest(v(1, 'n2'), bytes('x'))).not.toBe(base);
    // The length prefix keeps node and value bytes apart.
    expect(versionDigest(v(1, 'n1x'), bytes(''))).not.toBe(versionDigest(v(1, 'n1'), bytes('x')));
  });

  it('handles values larger than the scratch buffer', () => {
    const big = new Uint8Array(5000).fill(7);
    expect(versionDigest(v(1, 'n1'), big)).toBe(versionDigest(v(1, 'n1'), big.slice()));
  });
});

describe('murmur3x32Pair', () => {
  it('computes both lanes exactly as two single-seed passes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.nat(), (data, s1, s2) => {
        murmur3x32Pair(data, 0, data.length, s1, s2);
        expect([pairLanes[0], pairLanes[1]]).toEqual([murmur3x32(data, 0, data.length, s1), murmur3x32(data, 0, data.length, s2)]);
      }),
      { numRuns: 200 },
    );
  });
});
