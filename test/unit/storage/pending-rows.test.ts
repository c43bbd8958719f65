import { describe, expect, it } from 'vitest';
import { PendingRows } from '../../../storage/pending-rows.js';

describe('PendingRows', () => {
  it('keeps ascending inserts sorted and answers lookups', () => {
    const p = new PendingRows();
    for (const k of ['a', 'b', 'd']) p.set(k, [k]);
    expect(p.size).toBe(3);
    expect(p.has('b')).toBe(true);
    expect(p.has('c')).toBe(false);
    expect(p.get('d')).toEqual(['d']);
    p.set('b', ['B']);
    expect(p.sorted()).toEqual({ keys: ['a', 'b', 'd'], rows: [['a'], ['B'], ['d']] });
  });

  it('falls back to a map for out-of-order keys and deletes, and still sorts by byte order', () => {
    const p = new PendingRows();
    for (const k of ['m', 'c', 'x', '\u00ff', 'a\u0000']) p.set(k, [k]);
    expect(p.delete('x')).toBe(true);
    expect(p.delete('x')).toBe(false);
    p.set('c', ['C']);
    expect(p.size).toBe(4);
    expect(p.get('c')).toEqual(['C']);
    expect(p.sorted().keys).toEqual(['a\u0000', 'c', 'm', '\u00ff']);
  });
});
