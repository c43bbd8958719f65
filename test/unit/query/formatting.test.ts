// Patterns eon refuses (0A000) rather than print something different from PostgreSQL, and kernel edge cases.
import { describe, expect, it } from 'vitest';
import { resolveScalarFunction } from '../../../query/functions/index.js';
import { Interval, T } from '../../../src/types/index.js';

function call(args: readonly unknown[], types: readonly (typeof T)[keyof typeof T][]): unknown {
  const f = resolveScalarFunction('to_char', types);
  return f.impl(args as never);
}

describe('to_char refusals', () => {
  it('refuses Roman numerals, time zone offsets and TM/SP modifiers with 0A000', () => {
    for (const fmt of ['RM', 'TZH', 'OF', 'TMMonth', 'DDSP', 'CC', 'FX YYYY']) {
      expect(() => call([0, fmt], [T.timestamp, T.text])).toThrow(expect.objectContaining({ code: 'feature_not_supported' }));
    }
    for (const fmt of ['RN', '9.99EEEE', 'L999', '99V9', 'PL999', 'SG999']) {
      expect(() => call([12, fmt], [T.int4, T.text])).toThrow(expect.objectContaining({ code: 'feature_not_supported' }));
    }
  });

  it('refuses calendar names for intervals', () => {
    expect(() => call([new Interval(1, 0, 0), 'Month'], [T.interval, T.text])).toThrow(expect.objectContaining({ code: 'feature_not_supported' }));
  });

  it('formats timestamps and numbers', () => {
    expect(call([0, 'YYYY-MM-DD HH24:MI:SS Dy'], [T.timestamp, T.text])).toBe('1970-01-01 00:00:00 Thu');
    expect(call([-12, '999'], [T.int4, T.text])).toBe(' -12');
    expect(call([0.5, '9.99'], [T.float8, T.text])).toBe('  .50');
  });
});
