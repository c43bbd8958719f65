import { describe, expect, it } from 'vitest';
import { Interval, T, compareValues, formatInterval, keyString, parseInterval, parseText } from '../../../src/types/index.js';
import { outcome } from './helpers.js';
import { intervalIn } from './pg-fixtures.js';

describe('interval input and output against PostgreSQL 15', () => {
  it.each(intervalIn)('%j', (input, want) => {
    expect(outcome(() => formatInterval(parseText(T.interval, input) as Interval))).toBe(want);
  });
});

describe('Interval', () => {
  it('keeps months, days and microseconds apart', () => {
    const iv = parseInterval('1 year 2 mons 3 days 04:05:06');
    expect([iv.months, iv.days, iv.micros]).toEqual([14, 3, 14_706_000_000]);
  });

  it('prints PostgreSQL style', () => {
    expect(formatInterval(new Interval(0, 0, 0))).toBe('00:00:00');
    expect(formatInterval(new Interval(0, -1, 0))).toBe('-1 days');
    expect(formatInterval(new Interval(0, 1, -7_200_000_000))).toBe('1 day -02:00:00');
    expect(formatInterval(new Interval(-1, 1, 1))).toBe('-1 mons +1 day 00:00:00.000001');
    expect(formatInterval(new Interval(1, -1, 1_000_000))).toBe('1 mon -1 days +00:00:01');
  });

  it('compares and hashes by 30-day months and 24-hour days', () => {
    const month = parseInterval('1 mon');
    const days30 = parseInterval('30 days');
    const hours720 = parseInterval('720 hours');
    expect(compareValues(T.interval, month, days30)).toBe(0);
    expect(compareValues(T.interval, days30, hours720)).toBe(0);
    expect(keyString(T.interval, month)).toBe(keyString(T.interval, hours720));
    expect(compareValues(T.interval, parseInterval('31 days'), month)).toBe(1);
  });

  it('multiplies and divides with the spill rules of interval_mul and interval_div', () => {
    expect(formatInterval(parseInterval('1 mon').mul(1.5))).toBe('1 mon 15 days');
    expect(formatInterval(parseInterval('7 mons').div(3))).toBe('2 mons 10 days');
    expect(formatInterval(parseInterval('1 mon').div(7))).toBe('4 days 06:51:25.6896');
    expect(() => parseInterval('1 day').div(0)).toThrow(expect.objectContaining({ sqlstate: '22012' }));
    expect(() => parseInterval('1 year').mul(1e10)).toThrow(expect.objectContaining({ sqlstate: '22008' }));
  });
});
