import { describe, expect, it } from 'vitest';
import {
  T,
  castValue,
  dateField,
  daysFromCivil,
  extractField,
  extractIntervalField,
  formatDate,
  formatFloat8,
  formatText,
  parseDate,
  parseText,
  parseTimestamp,
  resolveBinaryOperator,
  truncTimestamp,
  type Interval,
} from '../../../src/types/index.js';
import { asText, literal, outcome, typeOf } from './helpers.js';
import { datePart, dateIn, dateTimeOps, dateTrunc, timestampIn } from './pg-fixtures.js';

describe('date and timestamp input against PostgreSQL 15', () => {
  it.each(dateIn)('date %j', (input, want) => {
    expect(outcome(() => formatText(T.date, parseText(T.date, input)))).toBe(want);
  });

  it.each(timestampIn)('%s %j', (kind, input, want) => {
    expect(outcome(() => formatText(typeOf(kind), parseText(typeOf(kind), input)))).toBe(want);
  });
});

describe('date/time operators against PostgreSQL 15', () => {
  it.each(dateTimeOps)('%s %j %s %s %j', (lk, ls, op, rk, rs, want) => {
    const got = outcome(() => {
      const l = typeOf(lk);
      const r = typeOf(rk);
      const o = resolveBinaryOperator(op, l, r);
      const v = o.fn(castValue(literal(lk, ls), l, o.leftType), castValue(literal(rk, rs), r, o.rightType));
      return asText(o.resultType, v);
    });
    expect(got).toBe(want);
  });
});

describe('date_part and date_trunc against PostgreSQL 15', () => {
  it.each(datePart)('date_part(%2$s, %1$s %2$j)', (kind, value, field, want) => {
    const got = outcome(() => {
      const f = dateField(field);
      const v = literal(kind, value);
      return formatFloat8(kind === 'interval' ? extractIntervalField(f, v as Interval) : extractField(f, v as number, false));
    });
    expect(got).toBe(want);
  });

  it.each(dateTrunc)('date_trunc(%j, %j)', (unit, value, want) => {
    expect(outcome(() => formatText(T.timestamp, truncTimestamp(unit, parseText(T.timestamp, value) as number)))).toBe(want);
  });
});

describe('dates', () => {
  it('counts days from 1970-01-01 and prints BC years', () => {
    expect(parseDate('1970-01-01')).toBe(0);
    expect(parseDate('2024-01-02')).toBe(19724);
    expect(formatDate(daysFromCivil(0, 12, 31))).toBe('0001-12-31 BC');
    expect(formatDate(daysFromCivil(-43, 3, 15))).toBe('0044-03-15 BC');
  });

  it('tells bad syntax (22007) from out-of-range fields (22008)', () => {
    expect(() => parseDate('abc')).toThrow(expect.objectContaining({ sqlstate: '22007' }));
    expect(() => parseDate('2024-02-30')).toThrow(expect.objectContaining({ sqlstate: '22008' }));
    expect(() => parseTimestamp('2024-01-02 25:00:00', false)).toThrow(expect.objectContaining({ sqlstate: '22008' }));
  });

  it('refuses time fields of a date in extract', () => {
    expect(() => extractField(dateField('hour'), 0, true)).toThrow(expect.objectContaining({ sqlstate: '0A000' }));
  });

  it('keeps microseconds for timestamps near the epoch', () => {
    expect(parseTimestamp('1969-12-31 23:59:59.999999', false)).toBe(-1);
    expect(parseTimestamp('2024-01-02T03:04:05.123456', false) % 1_000_000).toBe(123456);
  });
});
