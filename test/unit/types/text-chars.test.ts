// Character-based slicing (PostgreSQL counts characters, JavaScript UTF-16 units): surrogate
// pairs before, inside and after the slice.
import { describe, expect, it } from 'vitest';
import { sliceChars, substr } from '../../../src/types/text-chars.js';

/** The reference: slice the array of code points. */
const bySpread = (s: string, from: number, to: number): string => [...s].slice(Math.max(from, 0), Math.max(to, 0)).join('');

describe('sliceChars', () => {
  const texts = ['', 'abc', '😀bc', 'a😀c', 'ab😀', '13-555-😀-12', 'plain ascii text', '😀😀😀', 'é😀é'];
  it('agrees with slicing code points, wherever the surrogate pairs are', () => {
    for (const s of texts) {
      for (let from = -1; from <= 5; from++) {
        for (let to = -1; to <= 6; to++) expect(sliceChars(s, from, to), `${s} [${from}, ${to})`).toBe(bySpread(s, from, to));
      }
    }
  });

  it('serves substring(x FROM a FOR n) and substring(x FROM a)', () => {
    expect(substr('13-555-😀', 1, 2)).toBe('13');
    expect(substr('😀3-555', 1, 2)).toBe('😀3');
    expect(substr('ab😀cd', 3)).toBe('😀cd');
  });
});
