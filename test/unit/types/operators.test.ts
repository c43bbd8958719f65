import { describe, expect, it } from 'vitest';
import {
  Interval,
  Numeric,
  T,
  castValue,
  commonType,
  compareValues,
  keyString,
  resolveBinaryOperator,
  typeName,
  type ColumnType,
  type Value,
} from '../../../src/types/index.js';
import { asText, literal, outcome, typeOf } from './helpers.js';
import { binaryOps, commonTypes, operatorTypes } from './pg-fixtures.js';

function evaluate(lk: string, ls: string, op: string, rk: string, rs: string): string {
  return outcome(() => {
    const l = typeOf(lk);
    const r = typeOf(rk);
    const o = resolveBinaryOperator(op, l, r);
    const v = o.fn(castValue(literal(lk, ls), l, o.leftType), castValue(literal(rk, rs), r, o.rightType));
    return asText(o.resultType, v);
  });
}

describe('binary operators against PostgreSQL 15', () => {
  it.each(binaryOps)('%s %j %s %s %j', (lk, ls, op, rk, rs, want) => {
    expect(evaluate(lk, ls, op, rk, rs)).toBe(want);
  });

  it.each(operatorTypes)('%s %s %s', (lk, op, rk, want) => {
    expect(outcome(() => typeName(resolveBinaryOperator(op, typeOf(lk), typeOf(rk)).resultType))).toBe(want);
  });
});

describe('commonType against PostgreSQL 15 (UNION)', () => {
  it.each(commonTypes)('%s', (kinds, want) => {
    expect(outcome(() => typeName(commonType(kinds.split(',').map(typeOf))))).toBe(want);
  });

  it('names the construct in the mismatch error', () => {
    expect(() => commonType([T.text, T.int4], 'CASE')).toThrow(
      expect.objectContaining({ sqlstate: '42804', message: 'CASE types text and integer cannot be matched' }),
    );
  });

  it('keeps modifiers only when every input has the same ones', () => {
    const n52: ColumnType = { kind: 'numeric', precision: 5, scale: 2 };
    expect(commonType([n52, n52])).toEqual(n52);
    expect(commonType([n52, T.numeric])).toEqual(T.numeric);
  });
});

describe('resolveBinaryOperator', () => {
  it('says which casts the operands need', () => {
    const o = resolveBinaryOperator('+', T.int4, T.numeric);
    expect([o.leftType.kind, o.rightType.kind, o.resultType.kind]).toEqual(['numeric', 'numeric', 'numeric']);
    const u = resolveBinaryOperator('=', T.unknown, T.date);
    expect([u.leftType.kind, u.rightType.kind]).toEqual(['date', 'date']);
  });

  it('reports a missing operator like PostgreSQL', () => {
    expect(() => resolveBinaryOperator('+', T.int4, T.bool)).toThrow(
      expect.objectContaining({ sqlstate: '42883', message: 'operator does not exist: integer + boolean' }),
    );
  });

  it('divides integers truncating toward zero', () => {
    const div = resolveBinaryOperator('/', T.int4, T.int4).fn;
    expect(div(-7, 2)).toBe(-3);
    expect(div(7, -2)).toBe(-3);
  });
});

describe('compareValues', () => {
  it('sorts NaN after every float, infinity included', () => {
    const xs = [Number.NaN, Infinity, -1, 0.5, -Infinity];
    xs.sort((a, b) => compareValues(T.float8, a, b));
    expect(xs).toEqual([-Infinity, -1, 0.5, Infinity, Number.NaN]);
  });

  it('compares numerics by value, not scale', () => {
    expect(compareValues(T.numeric, Numeric.parse('1.0'), Numeric.parse('1.00'))).toBe(0);
    expect(compareValues(T.numeric, Numeric.parse('-2'), Numeric.parse('1.5'))).toBe(-1);
  });

  it('orders text by code point (C collation)', () => {
    const xs = ['b', 'a', 'B', '\u{1F600}', '\uFFFF', ''];
    xs.sort((a, b) => compareValues(T.text, a, b));
    expect(xs).toEqual(['', 'B', 'a', 'b', '\uFFFF', '\u{1F600}']);
  });

  it('orders int8, dates and booleans', () => {
    expect(compareValues(T.int8, 9223372036854775807n, -1n)).toBe(1);
    expect(compareValues(T.date, -1, 0)).toBe(-1);
    expect(compareValues(T.bool, false, true)).toBe(-1);
  });
});

describe('keyString', () => {
  const same: [ColumnType, Value, Value][] = [
    [T.numeric, Numeric.parse('1.0'), Numeric.parse('1.00')],
    [T.numeric, Numeric.parse('0'), Numeric.parse('-0.000')],
    [T.numeric, Numeric.parse('100'), Numeric.parse('1e2')],
    [T.interval, new Interval(1, 0, 0), new Interval(0, 30, 0)],
    [T.float8, Number.NaN, Number.NaN],
    [T.float8, 0, -0],
  ];
  it.each(same)('gives equal values equal keys (%o)', (type, a, b) => {
    expect(keyString(type, a)).toBe(keyString(type, b));
  });

  it('gives different values different keys', () => {
    expect(keyString(T.numeric, Numeric.parse('1.5'))).not.toBe(keyString(T.numeric, Numeric.parse('15')));
    expect(keyString(T.text, '1')).not.toBe(keyString(T.text, '01'));
  });
});
