import { describe, expect, it } from 'vitest';
import { Numeric, T, canCast, castValue, type TypeKind } from '../../../src/types/index.js';
import { asText, literal, outcome, typeOf } from './helpers.js';
import { casts } from './pg-fixtures.js';

// eon's numeric has no NaN or infinity (PostgreSQL 14+ has both): those rows are left out.
const finiteCasts = casts.filter(([from, value]) => !(from === 'numeric' && (value === 'NaN' || value === 'Infinity')));

describe('explicit casts against PostgreSQL 15', () => {
  it.each(finiteCasts)('%s %j → %s', (from, value, to, want) => {
    const got = outcome(() => {
      const f = typeOf(from);
      const t = typeOf(to);
      return asText(t, castValue(literal(from, value), f, t, true));
    });
    expect(got).toBe(want);
  });
});

describe('castValue', () => {
  it('rounds float to integer half to even and numeric half away from zero', () => {
    expect(castValue(2.5, T.float8, T.int4)).toBe(2);
    expect(castValue(3.5, T.float8, T.int4)).toBe(4);
    expect(castValue(Numeric.parse('2.5'), T.numeric, T.int4)).toBe(3);
    expect(castValue(Numeric.parse('-2.5'), T.numeric, T.int8)).toBe(-3n);
  });

  it('truncates varchar(n) on explicit casts only', () => {
    const v5 = { kind: 'varchar', length: 5 } as const;
    expect(castValue('abcdefg', T.text, v5, true)).toBe('abcde');
    expect(() => castValue('abcdefg', T.text, v5, false)).toThrow(expect.objectContaining({ sqlstate: '22001' }));
    expect(castValue('abc    ', T.text, v5, false)).toBe('abc  ');
  });

  it('passes NULL through', () => {
    expect(castValue(null, T.text, T.int4)).toBeNull();
  });
});

describe('canCast (pg_cast contexts)', () => {
  const cases: [TypeKind, TypeKind, string][] = [
    ['int4', 'int8', 'implicit'],
    ['int8', 'int4', 'assignment'],
    ['int4', 'numeric', 'implicit'],
    ['numeric', 'int4', 'assignment'],
    ['numeric', 'float8', 'implicit'],
    ['float8', 'numeric', 'assignment'],
    ['float4', 'float8', 'implicit'],
    ['float8', 'float4', 'assignment'],
    ['int4', 'text', 'assignment'],
    ['text', 'int4', 'explicit'],
    ['varchar', 'text', 'implicit'],
    ['text', 'varchar', 'implicit'],
    ['bool', 'int4', 'explicit'],
    ['int4', 'bool', 'explicit'],
    ['bool', 'int8', 'none'],
    ['date', 'timestamp', 'implicit'],
    ['timestamp', 'timestamptz', 'implicit'],
    ['timestamp', 'date', 'assignment'],
    ['timestamptz', 'timestamp', 'assignment'],
    ['interval', 'date', 'none'],
    ['unknown', 'date', 'implicit'],
  ];
  it.each(cases)('%s → %s is %s', (from, to, want) => {
    expect(canCast(T[from], T[to])).toBe(want);
  });
});
