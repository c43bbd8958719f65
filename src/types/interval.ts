// PostgreSQL intervals: months, days and microseconds are kept apart, as PostgreSQL does,
// because a month has no fixed number of days and a day no fixed number of hours across DST.

import { EonError } from '../errors/index.js';

export const USECS_PER_SEC = 1_000_000;
export const USECS_PER_MINUTE = 60 * USECS_PER_SEC;
export const USECS_PER_HOUR = 60 * USECS_PER_MINUTE;
export const USECS_PER_DAY = 24 * USECS_PER_HOUR;
/** PostgreSQL's interval arithmetic counts a month as 30 days. */
export const DAYS_PER_MONTH = 30;

export class Interval {
  readonly months: number;
  readonly days: number;
  readonly micros: number;

  constructor(months: number, days: number, micros: number) {
    this.months = months;
    this.days = days;
    this.micros = micros;
  }

  /** The linear value PostgreSQL compares and hashes intervals by. */
  sortValue(): number {
    return (this.months * DAYS_PER_MONTH + this.days) * USECS_PER_DAY + this.micros;
  }

  add(o: Interval): Interval {
    return new Interval(this.months + o.months, this.days + o.days, this.micros + o.micros);
  }

  sub(o: Interval): Interval {
    return new Interval(this.months - o.months, this.days - o.days, this.micros - o.micros);
  }

  neg(): Interval {
    return new Interval(-this.months, -this.days, -this.micros);
  }

  /**
   * interval * factor, as PostgreSQL 15's interval_mul: fractional months spill into 30-day days
   * and fractional days into time; a spill of a whole day or more moves to days.
   */
  mul(factor: number): Interval {
    if (Number.isNaN(factor)) throw intervalOutOfRange();
    const months = checkedInt32(this.months * factor);
    const days = checkedInt32(this.days * factor);
    const monthRemainderDays = (this.months * factor - months) * DAYS_PER_MONTH;
    const dayRemainder = this.days * factor - days;
    return spill(months, days, monthRemainderDays, dayRemainder, this.micros * factor);
  }

  /** interval / divisor, as PostgreSQL 15's interval_div (which rounds the month spill to µs first). */
  div(divisor: number): Interval {
    if (divisor === 0) throw new EonError('division_by_zero', 'division by zero');
    if (Number.isNaN(divisor)) throw intervalOutOfRange();
    const months = Math.trunc(this.months / divisor);
    const days = Math.trunc(this.days / divisor);
    const monthRemainderDays = roundToMicros((this.months / divisor - months) * DAYS_PER_MONTH);
    const dayRemainder = this.days / divisor - days;
    return spill(months, days, monthRemainderDays, dayRemainder, this.micros / divisor);
  }
}

const SECS_PER_DAY = 86_400;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

function intervalOutOfRange(): EonError {
  return new EonError('datetime_field_overflow', 'interval out of range');
}

function checkedInt32(x: number): number {
  if (!(x >= INT32_MIN && x <= INT32_MAX)) throw intervalOutOfRange();
  return Math.trunc(x);
}

/** PostgreSQL's TSROUND: round a count of seconds (or days) to microsecond precision. */
function roundToMicros(x: number): number {
  return rint(x * USECS_PER_SEC) / USECS_PER_SEC;
}

/** C's rint: round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The shared tail of interval_mul and interval_div. */
function spill(months: number, days0: number, monthRemainderDays: number, dayRemainder: number, time: number): Interval {
  let days = days0;
  const wholeMonthDays = Math.trunc(monthRemainderDays);
  let secRemainder = roundToMicros((dayRemainder + monthRemainderDays - wholeMonthDays) * SECS_PER_DAY);
  if (Math.abs(secRemainder) >= SECS_PER_DAY) {
    const d = Math.trunc(secRemainder / SECS_PER_DAY);
    days += d;
    secRemainder -= d * SECS_PER_DAY;
  }
  days += wholeMonthDays;
  const micros = rint(time + secRemainder * USECS_PER_SEC);
  if (!Number.isFinite(micros)) throw intervalOutOfRange();
  return new Interval(months, checkedInt32(days), micros === 0 ? 0 : micros);
}

/** One interval input unit: what one of it adds, and the field bit that may appear only once. */
interface IntervalUnit {
  readonly months: number;
  readonly days: number;
  readonly micros: number;
  readonly field: number;
}

const FIELD_YEAR = 1 << 0;
const FIELD_MONTH = 1 << 1;
const FIELD_DAY = 1 << 2;
const FIELD_WEEK = 1 << 3;
const FIELD_DECADE = 1 << 4;
const FIELD_CENTURY = 1 << 5;
const FIELD_MILLENNIUM = 1 << 6;
const FIELD_HOUR = 1 << 7;
const FIELD_MINUTE = 1 << 8;
const FIELD_SECOND = 1 << 9;
const FIELD_MILLISECOND = 1 << 10;
const FIELD_MICROSECOND = 1 << 11;
const FIELD_TIME = FIELD_HOUR | FIELD_MINUTE | FIELD_SECOND;

const UNITS = new Map<string, IntervalUnit>();
function unit(names: string[], field: number, months: number, days: number, micros: number): void {
  for (const n of names) UNITS.set(n, { months, days, micros, field });
}
unit(['microsecond', 'microseconds', 'us', 'usec', 'usecs', 'useconds'], FIELD_MICROSECOND, 0, 0, 1);
unit(['millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'mseconds'], FIELD_MILLISECOND, 0, 0, 1000);
unit(['second', 'seconds', 's', 'sec', 'secs'], FIELD_SECOND, 0, 0, USECS_PER_SEC);
unit(['minute', 'minutes', 'm', 'min', 'mins'], FIELD_MINUTE, 0, 0, USECS_PER_MINUTE);
unit(['hour', 'hours', 'h', 'hr', 'hrs'], FIELD_HOUR, 0, 0, USECS_PER_HOUR);
unit(['day', 'days', 'd'], FIELD_DAY, 0, 1, 0);
unit(['week', 'weeks', 'w'], FIELD_WEEK, 0, 7, 0);
unit(['month', 'months', 'mon', 'mons'], FIELD_MONTH, 1, 0, 0);
unit(['year', 'years', 'y', 'yr', 'yrs'], FIELD_YEAR, 12, 0, 0);
unit(['decade', 'decades'], FIELD_DECADE, 120, 0, 0);
unit(['century', 'centuries'], FIELD_CENTURY, 1200, 0, 0);
unit(['millennium', 'millennia', 'millenniums'], FIELD_MILLENNIUM, 12000, 0, 0);

function badInterval(text: string): EonError {
  return new EonError('invalid_datetime_format', `invalid input syntax for type interval: "${text}"`);
}

/** Accumulates interval parts, spilling fractions down (months → 30-day days → microseconds). */
class IntervalBuilder {
  months = 0;
  days = 0;
  micros = 0;
  fields = 0;

  /** Adds `value` of `u`; false when the field was already given. */
  add(value: number, u: IntervalUnit): boolean {
    if ((this.fields & u.field) !== 0) return false;
    this.fields |= u.field;
    if (u.months !== 0) {
      const m = value * u.months;
      const whole = Math.trunc(m);
      this.months += whole;
      this.addDays((m - whole) * DAYS_PER_MONTH);
    } else if (u.days !== 0) {
      this.addDays(value * u.days);
    } else {
      this.micros += Math.round(value * u.micros);
    }
    return true;
  }

  private addDays(d: number): void {
    const whole = Math.trunc(d);
    this.days += whole;
    this.micros += Math.round((d - whole) * USECS_PER_DAY);
  }

  build(negate: boolean): Interval {
    const r = new Interval(this.months, this.days, this.micros === 0 ? 0 : this.micros);
    return negate ? r.neg() : r;
  }
}

const TIME_RE = /^([+-])?(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?$/;
const NUMBER_UNIT_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))([a-z]*)$/;
const ISO_RE = /^p(?:([+-]?[\d.]+)y)?(?:([+-]?[\d.]+)m)?(?:([+-]?[\d.]+)w)?(?:([+-]?[\d.]+)d)?(?:t(?:([+-]?[\d.]+)h)?(?:([+-]?[\d.]+)m)?(?:([+-]?[\d.]+)s)?)?$/;
const ISO_UNITS = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'] as const;

/**
 * Parses PostgreSQL interval input: '1 day 02:00:00', '3 mons', '-1 year', '1.5 hours',
 * '@ 1 day ago', a bare number of seconds, and ISO 8601 designators ('P1Y2M3DT4H5M6S').
 * Each field may be given once, as PostgreSQL requires.
 */
export function parseInterval(text: string): Interval {
  let s = text.trim().toLowerCase();
  if (s === '') throw badInterval(text);
  if (s.startsWith('p')) return parseIsoInterval(s, text);
  let ago = false;
  if (s.startsWith('@')) s = s.slice(1).trim();
  if (s.endsWith(' ago')) {
    ago = true;
    s = s.slice(0, -4).trim();
  }
  const b = new IntervalBuilder();
  const tokens = s.split(/\s+/);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const time = TIME_RE.exec(t);
    if (time !== null) {
      if ((b.fields & FIELD_TIME) !== 0) throw badInterval(text);
      b.fields |= FIELD_TIME;
      const sign = time[1] === '-' ? -1 : 1;
      const us = Number(time[2]) * USECS_PER_HOUR + Number(time[3]) * USECS_PER_MINUTE + Math.round(Number(time[4] ?? 0) * USECS_PER_SEC);
      b.micros += sign * us;
      continue;
    }
    const num = NUMBER_UNIT_RE.exec(t);
    if (num === null) throw badInterval(text);
    let unitName = num[2]!;
    if (unitName === '') {
      const next = tokens[i + 1];
      if (next !== undefined && /^[a-z]+$/.test(next)) {
        unitName = next;
        i++;
      } else if (next === undefined) unitName = 'second';
      else throw badInterval(text);
    }
    const u = UNITS.get(unitName);
    if (u === undefined || !b.add(Number(num[1]), u)) throw badInterval(text);
  }
  return b.build(ago);
}

function parseIsoInterval(s: string, text: string): Interval {
  const m = ISO_RE.exec(s);
  if (m === null || s === 'p') throw badInterval(text);
  const b = new IntervalBuilder();
  for (let i = 0; i < ISO_UNITS.length; i++) {
    const part = m[i + 1];
    if (part === undefined) continue;
    const value = Number(part);
    if (!Number.isFinite(value)) throw badInterval(text);
    b.add(value, UNITS.get(ISO_UNITS[i]!)!);
  }
  return b.build(false);
}

function plural(value: number, unitName: string, state: { zero: boolean; before: boolean }): string {
  if (value === 0) return '';
  const out = `${state.zero ? '' : ' '}${state.before && value > 0 ? '+' : ''}${value} ${unitName}${value !== 1 ? 's' : ''}`;
  state.before = value < 0;
  state.zero = false;
  return out;
}

/** PostgreSQL's IntervalStyle 'postgres' output. */
export function formatInterval(v: Interval): string {
  const state = { zero: true, before: false };
  const years = Math.trunc(v.months / 12);
  const mons = v.months % 12;
  let out = plural(years, 'year', state) + plural(mons, 'mon', state) + plural(v.days, 'day', state);
  if (state.zero || v.micros !== 0) {
    const minus = v.micros < 0;
    const abs = Math.abs(v.micros);
    const hours = Math.floor(abs / USECS_PER_HOUR);
    const mins = Math.floor((abs % USECS_PER_HOUR) / USECS_PER_MINUTE);
    const us = abs % USECS_PER_MINUTE;
    out += `${state.zero ? '' : ' '}${minus ? '-' : state.before ? '+' : ''}${pad2(hours)}:${pad2(mins)}:${formatSeconds(us)}`;
  }
  return out;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Seconds with up to 6 fractional digits, trailing zeros dropped: '05', '05.5'. */
export function formatSeconds(us: number): string {
  const whole = Math.floor(us / USECS_PER_SEC);
  const frac = us % USECS_PER_SEC;
  const s = pad2(whole);
  if (frac === 0) return s;
  return `${s}.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
}
