// timestamptz operations that depend on a time zone (the session's unless one is given): casts
// to and from timestamp/date, interval arithmetic that keeps wall time across DST, date_trunc and
// the time-zone fields of EXTRACT — PostgreSQL's timestamptz_pl_interval, timestamptz_trunc and
// timestamptz_part over wall time in the zone.

import { EonError } from '../errors/index.js';
import { checkTimestampRange, dateToTimestamp, daysFromCivil, civilFromDays, daysInMonth, truncTimestamp, dateField } from './datetime.js';
import type { Interval } from './interval.js';
import { localToUtc, sessionTimeZone, utcOffsetSecs, utcToLocal, type TimeZone } from './time-zone.js';

const USECS_PER_SEC = 1_000_000;
const USECS_PER_DAY = 86_400_000_000;

/** timestamptz → timestamp: the wall time in the session's zone. */
export function timestamptzToTimestamp(us: number): number {
  return checkTimestampRange(utcToLocal(sessionTimeZone(), us));
}

/** timestamp → timestamptz: the wall time read in the session's zone. */
export function timestampToTimestamptz(local: number): number {
  return checkTimestampRange(localToUtc(sessionTimeZone(), local));
}

/** date → timestamptz: midnight in the session's zone. */
export function dateToTimestamptz(days: number): number {
  return timestampToTimestamptz(dateToTimestamp(days));
}

/** timestamptz → date: the day of its wall time in the session's zone. */
export function timestamptzToDate(us: number): number {
  return Math.floor(utcToLocal(sessionTimeZone(), us) / USECS_PER_DAY);
}

/**
 * timestamptz + interval: months, then days, on the wall time in `zone` (each re-read as an
 * instant there, so '+ 1 day' across a DST change keeps the clock time), then the time part on
 * the instant itself — PostgreSQL's timestamptz_pl_interval.
 */
export function timestamptzPlusInterval(us: number, iv: Interval, zone: TimeZone = sessionTimeZone()): number {
  let t = us;
  if (iv.months !== 0) {
    const local = utcToLocal(zone, t);
    const days = Math.floor(local / USECS_PER_DAY);
    const tod = local - days * USECS_PER_DAY;
    const { y, m, d } = civilFromDays(days);
    const total = y * 12 + (m - 1) + iv.months;
    const ny = Math.floor(total / 12);
    const nm = total - ny * 12 + 1;
    const nd = Math.min(d, daysInMonth(ny, nm));
    t = localToUtc(zone, checkTimestampRange(daysFromCivil(ny, nm, nd) * USECS_PER_DAY + tod));
  }
  if (iv.days !== 0) {
    const local = utcToLocal(zone, t);
    t = localToUtc(zone, checkTimestampRange(local + iv.days * USECS_PER_DAY));
  }
  return checkTimestampRange(t + iv.micros);
}

/** Units date_trunc re-resolves in the zone (a day or longer); shorter ones keep the instant's offset. */
const REZONED_UNITS = new Set(['day', 'week', 'month', 'quarter', 'year', 'decade', 'century', 'millennium']);

/** date_trunc(unit, timestamptz [, zone]): truncated on the wall time in the zone. */
export function truncTimestamptz(unitName: string, us: number, zone: TimeZone = sessionTimeZone()): number {
  const offset = utcOffsetSecs(zone, us) * USECS_PER_SEC;
  const truncated = truncTimestamp(unitName, us + offset);
  const field = dateField(unitName);
  if (REZONED_UNITS.has(field)) return checkTimestampRange(localToUtc(zone, truncated));
  return checkTimestampRange(truncated - offset);
}

/** EXTRACT fields only timestamptz has: the session zone's offset at the instant, in seconds / hours / minutes. */
export function timestamptzZoneField(field: string, us: number): number | null {
  const secs = utcOffsetSecs(sessionTimeZone(), us);
  switch (field.toLowerCase()) {
    case 'timezone':
      return secs;
    case 'timezone_h':
    case 'timezone_hour':
      return Math.trunc(secs / 3600);
    case 'timezone_m':
    case 'timezone_minute':
      return Math.trunc((secs % 3600) / 60);
    default:
      return null;
  }
}

/** EXTRACT(timezone…) from a type without a zone, as PostgreSQL words it. */
export function zoneFieldUnsupported(field: string, typeLabel: string): EonError {
  return new EonError('feature_not_supported', `unit "${field.toLowerCase()}" not supported for type ${typeLabel}`);
}
