// TopKeys admits exactly the keys that may still rank within the first k: never one of the k
// smallest is refused, and bound() is the k-th smallest once k keys were seen.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TopKeys } from '../../../storage/top-keys.js';

describe('TopKeys', () => {
  it('never refuses one of the k smallest keys, and bounds them by the k-th smallest', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 400 }), fc.nat({ max: 20 }), (keys, k) => {
        const top = new TopKeys(k);
        const admitted = keys.map((x) => top.admit(x));
        const sorted = [...keys].sort((a, b) => a - b);
        const kth = sorted[k - 1];
        keys.forEach((x, i) => {
          if (k > 0 && kth !== undefined && x <= kth) expect(admitted[i]).toBe(true);
        });
        expect(top.bound()).toBe(k === 0 ? -Infinity : keys.length >= k ? kth : Infinity);
      }),
    );
  });

  it('orders bigints and the infinities that stand for NULL', () => {
    const top = new TopKeys(2);
    expect([top.admit(5n), top.admit(Infinity), top.admit(3n), top.admit(4n), top.admit(Infinity)]).toEqual([true, true, true, true, false]);
    expect(top.bound()).toBe(4n);
  });
});
