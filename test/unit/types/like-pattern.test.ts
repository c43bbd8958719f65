// LIKE matchers: the literal-pieces fast path must agree with the RegExp form of the same pattern.
import { describe, expect, it } from 'vitest';
import { likeMatcher, likeRegexSource } from '../../../src/types/like-pattern.js';

const PATTERNS = ['', '%', '%%', 'ab', 'ab%', '%ab', '%ab%', 'a%b', '%a%b%', 'a%%b', '%aa%aa%', 'ab%ba', '%special%requests%', 'x%y%z'];
const ALPHABET = ['a', 'b', 'x', 'ü'];

/** Every string over ALPHABET up to `length` characters. */
function strings(length: number): string[] {
  let level = [''];
  const out = [''];
  for (let n = 0; n < length; n++) {
    level = level.flatMap((s) => ALPHABET.map((c) => s + c));
    out.push(...level);
  }
  return out;
}

describe('likeMatcher', () => {
  const inputs = [...strings(4), 'special requests', 'requests special', 'xyz', 'xzy'];
  for (const pattern of PATTERNS) {
    it(`matches '${pattern}' like its RegExp`, () => {
      const re = new RegExp(likeRegexSource(pattern), 'su');
      const m = likeMatcher(pattern, false);
      const differ = inputs.filter((s) => m(s) !== re.test(s));
      expect(differ).toEqual([]);
    });
  }

  it('keeps pieces in order and does not let them overlap', () => {
    expect(likeMatcher('%aa%aa%', false)('aaa')).toBe(false);
    expect(likeMatcher('%aa%aa%', false)('aaaa')).toBe(true);
    expect(likeMatcher('ab%ba', false)('aba')).toBe(false);
    expect(likeMatcher('%special%requests%', false)('requests then special')).toBe(false);
  });
});
