// Partial aggregates cross from data engines to the coordinator as Arrow IPC and must come back
// exactly as the kernel built them: NULL keys and states, booleans, text, and integer sums past 2^63.
// Columns of doubles without NULLs come back as Float64Arrays (compared here as plain arrays).
import { describe, expect, it } from 'vitest';
import { packPartial, unpackPartial, type PartialArrays, type PartialLayout } from '../../../storage/index.js';

const plain = (p: PartialArrays) => ({ ...p, keys: p.keys.map((k) => Array.from(k)), states: p.states.map((s) => Array.from(s)) });

describe('partial aggregate batches', () => {
  it('round-trips keys and states of every kind, strided states included', () => {
    const layout: PartialLayout = {
      keys: ['text', 'f64', 'bool', 'i64'],
      states: [{ kind: 'f64', stride: 1 }, { kind: 'bigint', stride: 2 }, { kind: 'f64', stride: 2 }, { kind: 'bigint', stride: 1 }, { kind: 'f64', stride: 3 }],
    };
    const huge = 2n ** 63n + 12345n; // beyond int64: a partial sum of int8 values can get here
    const arrays = {
      n: 3,
      keys: [['a', null, 'ü'], [1.5, -2, null], [true, null, false], [2n ** 62n, null, -5n]],
      states: [[3, 0, 7], [huge, 2, -huge, 1, 0n, 0], [0.25, 1, 0, 0, -1e300, 4], [null, 9n, -(2n ** 70n)], [2 ** 52, 3, -1, 0, 0, 0, -5, 1, 2]],
      inexact: false,
    };
    const back = unpackPartial(packPartial(arrays, layout), layout);
    expect(back.states[0]).toBeInstanceOf(Float64Array);
    expect(plain(back)).toEqual(arrays);
  });

  it('carries the inexact flag and empty partials', () => {
    const layout: PartialLayout = { keys: ['text'], states: [{ kind: 'f64', stride: 2 }] };
    const empty = { n: 0, keys: [[]], states: [[]], inexact: true };
    expect(plain(unpackPartial(packPartial(empty, layout), layout))).toEqual(empty);
  });
});
