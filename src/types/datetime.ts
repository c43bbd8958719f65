// Dates (days since 1970-01-01) and timestamps (microseconds since 1970-01-01 00:00:00 UTC):
// PostgreSQL's ISO input and output, calendar arithmetic, EXTRACT fields and date_trunc.

import { EonError } from '../errors/index.js';
import { instantInZoneText, localToUtc, offsetText, sessionTimeZone, utcOffsetSecs } from './time-zone.js';
import { DAYS_PER_MONTH, Interval, USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC, formatSeconds } from './interval.js';

/** Proleptic Gregorian civil date → days since the epoch (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z0: number): { y: number; m: number; d: number } {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** PostgreSQL's date range: 4714-11-24 BC (Julian day 0) to 5874897-12-31, in days since 1970. */
export const DATE_MIN_DAYS = daysFromCivil(-4713, 11, 24);
export const DATE_MAX_DAYS = daysFromCivil(5874897, 12, 31);
/** PostgreSQL's timestamp range: 4714-11-24 00:00 BC up to (not including) 294277-01-01. */
export const TIMESTAMP_MIN_US = DATE_MIN_DAYS * USECS_PER_DAY;
export const TIMESTAMP_END_US = daysFromCivil(294277, 1, 1) * USECS_PER_DAY;

/** A date result, or 22008 'date out of range' (what date ± integer reports). */
export function checkDateRange(days: number): number {
  if (!(days >= DATE_MIN_DAYS && days <= DATE_MAX_DAYS)) throw new EonError('datetime_field_overflow', 'date out of range');
  return days;
}

/** A timestamp result, or 22008 'timestamp out of range'. */
export function checkTimestampRange(us: number): number {
  if (!(us >= TIMESTAMP_MIN_US && us < TIMESTAMP_END_US)) throw new EonError('datetime_field_overflow', 'timestamp out of range');
  return us;
}

/** date → timestamp, which has the narrower range. */
export function dateToTimestamp(days: number): number {
  const us = days * USECS_PER_DAY;
  if (!(us >= TIMESTAMP_MIN_US && us < TIMESTAMP_END_US)) throw new EonError('datetime_field_overflow', 'date out of range for timestamp');
  return us;
}

export function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

const DATE_RE = /^(\d{1,7})-(\d{1,2})-(\d{1,2})(?:\s+(bc|ad))?$/i;
// The zone after the time: an ISO offset, or a name (abbreviation, IANA name, POSIX spec; see time-zone.ts).
const TS_RE = /^(\d{1,7})-(\d{1,2})-(\d{1,2})(?:[ tT]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d*)?)?)?\s*([+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?|(?!(?:bc|ad)$)[a-z][a-z0-9_/+\-:<>]*)?(?:\s+(bc|ad))?$/i;

/** Years written with at most two digits are 1970..2069, as PostgreSQL reads them (not for BC). */
function civilYear(yearText: string, era: string | undefined): number {
  const y = Number(yearText);
  if (era !== undefined && era.toLowerCase() === 'bc') return 1 - y;
  if (yearText.length <= 2) return y < 70 ? y + 2000 : y + 1900;
  return y;
}

/** 'YYYY/MM/DD' reads like 'YYYY-MM-DD' when the year comes first. */
function normalizeDateSeparators(s: string): string {
  return /^\d{3,}\/\d{1,2}\/\d{1,2}(?!\d)/.test(s) ? s.replace('/', '-').replace('/', '-') : s;
}

function checkDate(y: number, m: number, d: number, text: string, kind: string): void {
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
    throw new EonError('datetime_field_overflow', `date/time field value out of range: "${text}"`);
  }
  void kind;
}

export function parseDate(text: string): number {
  let s = normalizeDateSeparators(text.trim());
  if (s.toLowerCase() === 'epoch') return 0;
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (compact !== null) s = `${compact[1]}-${compact[2]}-${compact[3]}`;
  const m = DATE_RE.exec(s);
  if (m === null) {
    // A timestamp's date part is accepted too, as PostgreSQL does for date input.
    const t = TS_RE.exec(s);
    if (t !== null) {
      try {
        return Math.floor(parseTimestamp(s, false) / USECS_PER_DAY);
      } catch (e) {
        // An unknown zone word after the date: reported for date, as PostgreSQL does.
        if (e instanceof EonError && e.code === 'invalid_datetime_format') throw new EonError('invalid_datetime_format', `invalid input syntax for type date: "${text}"`);
        throw e;
      }
    }
    throw new EonError('invalid_datetime_format', `invalid input syntax for type date: "${text}"`);
  }
  // A first field of one or two digits is a month: DateStyle MDY reads '1-02-03' as 2003-01-02.
  const mdy = m[1]!.length <= 2;
  const y = civilYear(mdy ? m[3]! : m[1]!, m[4]);
  const mo = Number(mdy ? m[1] : m[2]);
  const d = Number(mdy ? m[2] : m[3]);
  checkDate(y, mo, d, text, 'date');
  const days = daysFromCivil(y, mo, d);
  if (days < DATE_MIN_DAYS || days > DATE_MAX_DAYS) throw new EonError('datetime_field_overflow', `date out of range: "${text}"`);
  return days;
}

export function parseTimestamp(text: string, withZone: boolean): number {
  const s = normalizeDateSeparators(text.trim());
  if (s.toLowerCase() === 'epoch') return 0;
  const m = TS_RE.exec(s);
  if (m === null) {
    throw new EonError('invalid_datetime_format', `invalid input syntax for type timestamp${withZone ? ' with time zone' : ''}: "${text}"`);
  }
  const y = civilYear(m[1]!, m[9]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  checkDate(y, mo, d, text, 'timestamp');
  const hh = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const ss = Number(m[6] ?? 0);
  if (hh > 24 || mi > 59 || ss > 60 || (hh === 24 && (mi > 0 || ss > 0))) {
    throw new EonError('datetime_field_overflow', `date/time field value out of range: "${text}"`);
  }
  const frac = m[7] === undefined || m[7] === '.' ? 0 : Math.round(Number('0' + m[7]) * USECS_PER_SEC);
  let us = daysFromCivil(y, mo, d) * USECS_PER_DAY + hh * USECS_PER_HOUR + mi * USECS_PER_MINUTE + ss * USECS_PER_SEC + frac;
  const zone = m[8];
  // timestamp ignores a written zone, but it must still be one.
  if (!withZone && zone !== undefined && instantInZoneText(zone, us) === null) {
    throw new EonError('invalid_datetime_format', `invalid input syntax for type timestamp: "${text}"`);
  }
  if (withZone) {
    // No zone written: the wall time is read in the session's zone (DST gaps and overlaps as PostgreSQL resolves them).
    const at = zone === undefined ? localToUtc(sessionTimeZone(), us) : instantInZoneText(zone, us);
    if (at === null) throw new EonError('invalid_datetime_format', `invalid input syntax for type timestamp with time zone: "${text}"`);
    us = at;
  }
  if (!(us >= TIMESTAMP_MIN_US && us < TIMESTAMP_END_US)) throw new EonError('datetime_field_overflow', `timestamp out of range: "${text}"`);
  return us;
}

export function formatDate(days: number): string {
  const { y, m, d } = civilFromDays(days);
  if (y <= 0) return `${pad(1 - y, 4)}-${pad(m, 2)}-${pad(d, 2)} BC`;
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

export function formatTimestamp(utcOrLocal: number, withZone: boolean): string {
  // timestamptz prints the instant's wall time in the session's zone, then that zone's offset.
  const offset = withZone ? utcOffsetSecs(sessionTimeZone(), utcOrLocal) : 0;
  const us = utcOrLocal + offset * USECS_PER_SEC;
  const days = Math.floor(us / USECS_PER_DAY);
  const rest = us - days * USECS_PER_DAY;
  const { y, m, d } = civilFromDays(days);
  const hh = Math.floor(rest / USECS_PER_HOUR);
  const mi = Math.floor((rest % USECS_PER_HOUR) / USECS_PER_MINUTE);
  const sec = formatSeconds(rest % USECS_PER_MINUTE);
  const date = `${pad(y <= 0 ? 1 - y : y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
  return `${date} ${pad(hh, 2)}:${pad(mi, 2)}:${sec}${withZone ? offsetText(offset) : ''}${y <= 0 ? ' BC' : ''}`;
}

/** timestamp + interval: months first (day clamped to the month's end), then days, then time. */
export function timestampPlusInterval(us: number, iv: Interval): number {
  let t = us;
  if (iv.months !== 0) {
    const days = Math.floor(t / USECS_PER_DAY);
    const tod = t - days * USECS_PER_DAY;
    const { y, m, d } = civilFromDays(days);
    const total = y * 12 + (m - 1) + iv.months;
    const ny = Math.floor(total / 12);
    const nm = total - ny * 12 + 1;
    const nd = Math.min(d, daysInMonth(ny, nm));
    t = daysFromCivil(ny, nm, nd) * USECS_PER_DAY + tod;
  }
  return checkTimestampRange(t + iv.days * USECS_PER_DAY + iv.micros);
}

/** timestamp - timestamp: days and time, as PostgreSQL's interval_justify_hours leaves them. */
export function timestampDifference(a: number, b: number): Interval {
  const diff = a - b;
  const days = Math.trunc(diff / USECS_PER_DAY);
  return new Interval(0, days, diff - days * USECS_PER_DAY);
}

export type DateField =
  | 'microseconds' | 'milliseconds' | 'second' | 'minute' | 'hour' | 'day' | 'month' | 'quarter' | 'year'
  | 'decade' | 'century' | 'millennium' | 'dow' | 'isodow' | 'doy' | 'week' | 'isoyear' | 'epoch' | 'julian';

const FIELD_ALIASES: Record<string, DateField> = {
  microsecond: 'microseconds', microseconds: 'microseconds', us: 'microseconds', usec: 'microseconds', usecs: 'microseconds',
  millisecond: 'milliseconds', milliseconds: 'milliseconds', ms: 'milliseconds', msec: 'milliseconds', msecs: 'milliseconds',
  second: 'second', seconds: 'second', sec: 'second', secs: 'second', s: 'second',
  minute: 'minute', minutes: 'minute', min: 'minute', mins: 'minute', m: 'minute',
  hour: 'hour', hours: 'hour', h: 'hour', hr: 'hour', hrs: 'hour',
  day: 'day', days: 'day', d: 'day',
  month: 'month', months: 'month', mon: 'month', mons: 'month',
  quarter: 'quarter', qtr: 'quarter',
  year: 'year', years: 'year', y: 'year', yr: 'year', yrs: 'year',
  decade: 'decade', decades: 'decade', century: 'century', centuries: 'century',
  millennium: 'millennium', millennia: 'millennium', dow: 'dow', isodow: 'isodow', doy: 'doy',
  week: 'week', weeks: 'week', w: 'week', isoyear: 'isoyear', epoch: 'epoch', julian: 'julian',
};

export function dateField(name: string): DateField {
  const f = FIELD_ALIASES[name.toLowerCase()];
  if (f === undefined) throw new EonError('invalid_parameter_value', `unit "${name}" not recognized for type timestamp without time zone`);
  return f;
}

function isoWeek(days: number): { week: number; isoyear: number } {
  const dow = ((days % 7) + 7 + 3) % 7; // Monday = 0 (1970-01-01 was a Thursday)
  const thursday = days - dow + 3;
  const { y } = civilFromDays(thursday);
  const jan1 = daysFromCivil(y, 1, 1);
  return { week: Math.floor((thursday - jan1) / 7) + 1, isoyear: y };
}

/**
 * A field of a timestamp (µs), as an exact number of microsecond-aware units: seconds come back
 * with their fraction. `isDate` marks date sources (time fields are then errors, as PostgreSQL says).
 */
export function extractField(field: DateField, us: number, isDate: boolean): number {
  const days = Math.floor(us / USECS_PER_DAY);
  const tod = us - days * USECS_PER_DAY;
  const { y, m, d } = civilFromDays(days);
  if (isDate && ['microseconds', 'milliseconds', 'second', 'minute', 'hour'].includes(field)) {
    throw new EonError('feature_not_supported', `unit "${field}" not supported for type date`);
  }
  switch (field) {
    case 'microseconds':
      return tod % USECS_PER_MINUTE;
    case 'milliseconds':
      return (tod % USECS_PER_MINUTE) / 1000;
    case 'second':
      return (tod % USECS_PER_MINUTE) / USECS_PER_SEC;
    case 'minute':
      return Math.floor((tod % USECS_PER_HOUR) / USECS_PER_MINUTE);
    case 'hour':
      return Math.floor(tod / USECS_PER_HOUR);
    case 'day':
      return d;
    case 'month':
      return m;
    case 'quarter':
      return Math.floor((m - 1) / 3) + 1;
    case 'year':
      return y > 0 ? y : y - 1;
    case 'decade':
      return Math.floor(y / 10);
    case 'century':
      return y > 0 ? Math.floor((y + 99) / 100) : -Math.floor((99 - (y - 1)) / 100);
    case 'millennium':
      return y > 0 ? Math.floor((y + 999) / 1000) : -Math.floor((999 - (y - 1)) / 1000);
    case 'dow':
      return ((days % 7) + 7 + 4) % 7;
    case 'isodow': {
      const dow = ((days % 7) + 7 + 4) % 7;
      return dow === 0 ? 7 : dow;
    }
    case 'doy':
      return days - daysFromCivil(y, 1, 1) + 1;
    case 'week':
      return isoWeek(days).week;
    case 'isoyear': {
      const iy = isoWeek(days).isoyear;
      return iy > 0 ? iy : iy - 1;
    }
    case 'epoch':
      return us / USECS_PER_SEC;
    case 'julian':
      return days + 2440588 + tod / USECS_PER_DAY;
  }
}

export function extractIntervalField(field: DateField, iv: Interval): number {
  // Adding 0 turns the -0 that truncating a small negative leaves into 0, as PostgreSQL prints it.
  return intervalFieldRaw(field, iv) + 0;
}

function intervalFieldRaw(field: DateField, iv: Interval): number {
  switch (field) {
    case 'microseconds':
      return iv.micros % USECS_PER_MINUTE;
    case 'milliseconds':
      return (iv.micros % USECS_PER_MINUTE) / 1000;
    case 'second':
      return (iv.micros % USECS_PER_MINUTE) / USECS_PER_SEC;
    case 'minute':
      return Math.trunc((iv.micros % USECS_PER_HOUR) / USECS_PER_MINUTE);
    case 'hour':
      return Math.trunc(iv.micros / USECS_PER_HOUR);
    case 'day':
      return iv.days;
    case 'month':
      return iv.months % 12;
    case 'quarter':
      return Math.trunc((iv.months % 12) / 3) + 1;
    case 'year':
      return Math.trunc(iv.months / 12);
    case 'decade':
      return Math.trunc(iv.months / 120);
    case 'century':
      return Math.trunc(iv.months / 1200);
    case 'millennium':
      return Math.trunc(iv.months / 12000);
    case 'epoch':
      return (
        (Math.trunc(iv.months / 12) * 365.25 * USECS_PER_DAY + (iv.months % 12) * DAYS_PER_MONTH * USECS_PER_DAY + iv.days * USECS_PER_DAY + iv.micros) /
        USECS_PER_SEC
      );
    default:
      throw new EonError('feature_not_supported', `unit "${field}" not supported for type interval`);
  }
}

/** date_trunc(unit, timestamp). */
export function truncTimestamp(unitName: string, us: number): number {
  const field = dateField(unitName);
  const days = Math.floor(us / USECS_PER_DAY);
  const tod = us - days * USECS_PER_DAY;
  const { y, m } = civilFromDays(days);
  const at = (yy: number, mm: number, dd: number) => daysFromCivil(yy, mm, dd) * USECS_PER_DAY;
  switch (field) {
    case 'microseconds':
      return us;
    case 'milliseconds':
      return us - (((us % 1000) + 1000) % 1000);
    case 'second':
      return days * USECS_PER_DAY + tod - (tod % USECS_PER_SEC);
    case 'minute':
      return days * USECS_PER_DAY + tod - (tod % USECS_PER_MINUTE);
    case 'hour':
      return days * USECS_PER_DAY + tod - (tod % USECS_PER_HOUR);
    case 'day':
      return days * USECS_PER_DAY;
    case 'week': {
      const dow = ((days % 7) + 7 + 3) % 7;
      return (days - dow) * USECS_PER_DAY;
    }
    case 'month':
      return at(y, m, 1);
    case 'quarter':
      return at(y, Math.floor((m - 1) / 3) * 3 + 1, 1);
    case 'year':
      return at(y, 1, 1);
    case 'decade':
      return at(Math.floor(y / 10) * 10, 1, 1);
    case 'century':
      return at(Math.floor((y - 1) / 100) * 100 + 1, 1, 1);
    case 'millennium':
      return at(Math.floor((y - 1) / 1000) * 1000 + 1, 1, 1);
    default:
      throw new EonError('feature_not_supported', `unit "${unitName}" not supported for date_trunc`);
  }
}
