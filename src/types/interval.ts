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

  /** interval * factor, spilling fractional months into days and days into time as PostgreSQL does. */
  mul(factor: number): Interval {
    if (!Number.isFinite(factor)) throw new EonError('datetime_field_overflow', 'interval out of range');
    const m = this.months * factor;
    const months = Math.trunc(m);
    const d = this.days * factor + (m - months) * DAYS_PER_MONTH;
    const days = Math.trunc(d);
    const micros = Math.round(this.micros * factor + (d - days) * USECS_PER_DAY);
    return new Interval(months, days, micros);
  }

  div(divisor: number): Interval {
    if (divisor === 0) throw new EonError('division_by_zero', 'division by zero');
    return this.mul(1 / divisor);
  }
}

const UNITS: Record<string, { months?: number; days?: number; micros?: number }> = {};
function unit(names: string[], v: { months?: number; days?: number; micros?: number }): void {
  for (const n of names) UNITS[n] = v;
}
unit(['microsecond', 'microseconds', 'us', 'usec', 'usecs', 'useconds'], { micros: 1 });
unit(['millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'mseconds'], { micros: 1000 });
unit(['second', 'seconds', 's', 'sec', 'secs'], { micros: USECS_PER_SEC });
unit(['minute', 'minutes', 'm', 'min', 'mins'], { micros: USECS_PER_MINUTE });
unit(['hour', 'hours', 'h', 'hr', 'hrs'], { micros: USECS_PER_HOUR });
unit(['day', 'days', 'd'], { days: 1 });
unit(['week', 'weeks', 'w'], { days: 7 });
unit(['month', 'months', 'mon', 'mons'], { months: 1 });
unit(['year', 'years', 'y', 'yr', 'yrs'], { months: 12 });
unit(['decade', 'decades'], { months: 120 });
unit(['century', 'centuries'], { months: 1200 });
unit(['millennium', 'millennia', 'millenniums'], { months: 12000 });

function badInterval(text: string): EonError {
  return new EonError('invalid_datetime_format', `invalid input syntax for type interval: "${text}"`);
}

/** Parses PostgreSQL interval input ('1 day 02:00:00', '3 mons', '-1 year', '1.5 hours', '@ 1 day ago'). */
export function parseInterval(text: string): Interval {
  let s = text.trim().toLowerCase();
  if (s === '') throw badInterval(text);
  let ago = false;
  if (s.startsWith('@')) s = s.slice(1).trim();
  if (s.endsWith(' ago')) {
    ago = true;
    s = s.slice(0, -4).trim();
  }
  let months = 0;
  let days = 0;
  let micros = 0;
  const tokens = s.split(/\s+/);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const time = /^([+-])?(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?$/.exec(t);
    if (time !== null) {
      const sign = time[1] === '-' ? -1 : 1;
      const us = Number(time[2]) * USECS_PER_HOUR + Number(time[3]) * USECS_PER_MINUTE + Math.round(Number(time[4] ?? 0) * USECS_PER_SEC);
      micros += sign * us;
      continue;
    }
    const num = /^([+-]?\d*\.?\d+(?:e[+-]?\d+)?)([a-z]*)$/.exec(t);
    if (num === null) throw badInterval(text);
    const value = Number(num[1]);
    let unitName = num[2]!;
    if (unitName === '') {
      const next = tokens[i + 1];
      if (next !== undefined && /^[a-z]+$/.test(next)) {
        unitName = next;
        i++;
      } else unitName = 'second';
    }
    const u = UNITS[unitName];
    if (u === undefined) throw badInterval(text);
    if (u.months !== undefined) {
      const m = value * u.months;
      const whole = Math.trunc(m);
      months += whole;
      const fd = (m - whole) * DAYS_PER_MONTH;
      const wd = Math.trunc(fd);
      days += wd;
      micros += Math.round((fd - wd) * USECS_PER_DAY);
    } else if (u.days !== undefined) {
      const d = value * u.days;
      const wd = Math.trunc(d);
      days += wd;
      micros += Math.round((d - wd) * USECS_PER_DAY);
    } else {
      micros += Math.round(value * u.micros!);
    }
  }
  const r = new Interval(months, days, micros);
  return ago ? r.neg() : r;
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
