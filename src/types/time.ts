// time (without time zone): PostgreSQL's time_in / time_out, time(p) rounding, the arithmetic
// with intervals and dates, and EXTRACT. The value is a number: microseconds since midnight,
// 0 ..= 86_400_000_000 ('24:00:00' is a value of its own, as in PostgreSQL).

import { EonError } from '../errors/index.js';
import { Interval, USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC, formatSeconds } from './interval.js';
import { Numeric } from './numeric.js';

/** PostgreSQL's MAX_TIME_PRECISION: fractional digits a time(p) keeps at most. */
export const TIME_PRECISION_MAX = 6;

// [date part (ignored) or ISO 'T', hour, minute, second, fraction, am/pm, zone (ignored for time)]
const TIME_RE =
  /^(?:\d{1,7}-\d{1,2}-\d{1,2}\s+|t)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d*)?)?\s*(am|pm|a\.m\.|p\.m\.)?\s*(z|utc|gmt|[+-]\d{1,2}(?::?\d{2})?)?$/i;

function badTime(text: string): EonError {
  return new EonError('invalid_datetime_format', `invalid input syntax for type time: "${text}"`);
}

function timeOverflow(text: string): EonError {
  return new EonError('datetime_field_overflow', `date/time field value out of range: "${text}"`);
}

/** time_in: `hh:mm[:ss[.frac]]` with optional AM/PM, a date before it and a zone after it ignored. */
export function parseTime(text: string, precision?: number): number {
  const s = text.trim();
  if (s.toLowerCase() === 'allballs') return 0;
  const m = TIME_RE.exec(s);
  if (m === null) throw badTime(text);
  let hh = Number(m[1]);
  const mi = Number(m[2]);
  const ss = Number(m[3] ?? 0);
  const ampm = m[5]?.toLowerCase().charAt(0);
  if (ampm !== undefined) {
    if (hh < 1 || hh > 12) throw timeOverflow(text);
    if (ampm === 'a' && hh === 12) hh = 0;
    else if (ampm === 'p' && hh !== 12) hh += 12;
  }
  const fracText = m[4];
  const frac = fracText === undefined || fracText === '.' ? 0 : Math.round(Number('0' + fracText) * USECS_PER_SEC);
  if (hh > 24 || mi > 59 || ss > 60 || frac > USECS_PER_SEC || (hh === 24 && (mi > 0 || ss > 0 || frac > 0))) {
    throw timeOverflow(text);
  }
  const us = hh * USECS_PER_HOUR + mi * USECS_PER_MINUTE + ss * USECS_PER_SEC + frac;
  if (us > USECS_PER_DAY) throw timeOverflow(text);
  return precision === undefined ? us : roundTime(us, precision);
}

/** time_out: `hh:mm:ss` with up to six fractional digits, trailing zeros dropped. */
export function formatTime(us: number): string {
  const hh = Math.floor(us / USECS_PER_HOUR);
  const mi = Math.floor((us % USECS_PER_HOUR) / USECS_PER_MINUTE);
  return `${hh < 10 ? '0' : ''}${hh}:${mi < 10 ? '0' : ''}${mi}:${formatSeconds(us % USECS_PER_MINUTE)}`;
}

/** AdjustTimeForTypmod: rounds half up to `precision` fractional digits (may reach 24:00:00). */
export function roundTime(us: number, precision: number): number {
  if (precision >= TIME_PRECISION_MAX) return us;
  const scale = 10 ** (TIME_PRECISION_MAX - precision);
  return Math.floor((us + scale / 2) / scale) * scale;
}

/** The checked precision of `time(p)`: PostgreSQL reduces p > 6 to 6 (with a warning). */
export function timePrecision(p: number): number {
  if (p < 0) throw new EonError('invalid_parameter_value', `TIME(${p}) precision must not be negative`);
  return Math.min(p, TIME_PRECISION_MAX);
}

/** time_pl_interval / time_mi_interval: only the interval's time part, wrapped into one day. */
export function timePlusInterval(us: number, iv: Interval, sign: 1 | -1): number {
  let r = us + sign * iv.micros;
  r -= Math.trunc(r / USECS_PER_DAY) * USECS_PER_DAY;
  if (r < 0) r += USECS_PER_DAY;
  return r;
}

/** time_mi_time. */
export function timeDifference(a: number, b: number): Interval {
  return new Interval(0, 0, a - b);
}

/** interval_time: the interval's time part brought into one day (months and days dropped). */
export function intervalToTime(iv: Interval): number {
  let r = iv.micros;
  if (r >= USECS_PER_DAY) r -= Math.trunc(r / USECS_PER_DAY) * USECS_PER_DAY;
  else if (r < 0) r += Math.trunc((-r + USECS_PER_DAY - 1) / USECS_PER_DAY) * USECS_PER_DAY;
  return r;
}

/** timestamp_time: the time of day of a timestamp (microseconds since the epoch). */
export function timestampToTime(us: number): number {
  return us - Math.floor(us / USECS_PER_DAY) * USECS_PER_DAY;
}

const TIME_FIELDS: Readonly<Record<string, 'microseconds' | 'milliseconds' | 'second' | 'minute' | 'hour' | 'epoch'>> = {
  microsecond: 'microseconds', microseconds: 'microseconds', us: 'microseconds', usec: 'microseconds', usecs: 'microseconds', useconds: 'microseconds',
  millisecond: 'milliseconds', milliseconds: 'milliseconds', ms: 'milliseconds', msec: 'milliseconds', msecs: 'milliseconds', mseconds: 'milliseconds',
  second: 'second', seconds: 'second', sec: 'second', secs: 'second', s: 'second',
  minute: 'minute', minutes: 'minute', min: 'minute', mins: 'minute', m: 'minute',
  hour: 'hour', hours: 'hour', h: 'hour', hr: 'hour', hrs: 'hour',
  epoch: 'epoch',
};

/** Units of other types: PostgreSQL names them "not supported" for time rather than unknown. */
const OTHER_UNITS = new Set([
  'day', 'days', 'd', 'month', 'months', 'mon', 'mons', 'year', 'years', 'y', 'yr', 'yrs', 'quarter', 'qtr', 'week', 'weeks', 'w',
  'decade', 'decades', 'century', 'centuries', 'millennium', 'millennia', 'dow', 'isodow', 'doy', 'isoyear', 'julian',
  'timezone', 'timezone_hour', 'timezone_minute',
]);

/** time_part_common: EXTRACT(field FROM time) as PostgreSQL's numeric. */
export function extractTime(unit: string, us: number): Numeric {
  const u = unit.toLowerCase();
  const field = TIME_FIELDS[u];
  if (field === undefined) {
    if (OTHER_UNITS.has(u)) throw new EonError('feature_not_supported', `unit "${u}" not supported for type time without time zone`);
    throw new EonError('invalid_parameter_value', `unit "${u}" not recognized for type time without time zone`);
  }
  const inMinute = us % USECS_PER_MINUTE;
  switch (field) {
    case 'microseconds':
      return new Numeric(BigInt(inMinute), 0);
    case 'milliseconds':
      return new Numeric(BigInt(inMinute), 3);
    case 'second':
      return new Numeric(BigInt(inMinute), 6);
    case 'minute':
      return new Numeric(BigInt(Math.floor((us % USECS_PER_HOUR) / USECS_PER_MINUTE)), 0);
    case 'hour':
      return new Numeric(BigInt(Math.floor(us / USECS_PER_HOUR)), 0);
    case 'epoch':
      return new Numeric(BigInt(us), 6);
  }
}
