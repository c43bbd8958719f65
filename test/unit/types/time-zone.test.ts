// The time-zone layer: TimeZone settings as PostgreSQL reads them, offsets from ICU, wall time ↔
// instant across DST gaps and overlaps, and the zone-dependent timestamptz operations.

import { afterEach, describe, expect, it } from 'vitest';
import { EonError } from '../../../src/errors/index.js';
import { Interval } from '../../../src/types/interval.js';
import { daysFromCivil, formatTimestamp, parseTimestamp } from '../../../src/types/datetime.js';
import {
  UTC_ZONE,
  localToUtc,
  lookupZoneName,
  offsetText,
  parseTimeZoneSetting,
  sessionTimeZone,
  setSessionTimeZone,
  utcOffsetSecs,
  withTimeZone,
  zoneByName,
} from '../../../src/types/time-zone.js';
import { timestamptzPlusInterval, timestamptzToDate, truncTimestamptz } from '../../../src/types/timestamptz.js';
import { isKernelCast, isKernelCall } from '../../../query/distribute/kernel-expr.js';
import { T } from '../../../src/types/index.js';

const US = 1_000_000;
const HOUR = 3600 * US;
/** µs of a UTC wall time. */
function utc(y: number, m: number, d: number, h = 0, mi = 0): number {
  return (daysFromCivil(y, m, d) * 86_400 + h * 3600 + mi * 60) * US;
}

afterEach(() => {
  setSessionTimeZone(UTC_ZONE);
});

describe('TimeZone settings', () => {
  it.each([
    ['Europe/Paris', 'Europe/Paris'],
    ['europe/paris', 'Europe/Paris'],
    ['us/eastern', 'US/Eastern'],
    ['UTC', 'UTC'],
    ['-7', '<-07>+07'],
    ['5.5', '<+05:30>-05:30'],
    ["INTERVAL '+05:30'", '<+05:30>-05:30'],
    ['UTC+3', 'UTC+3'],
    ['+05:30', '+05:30'],
    ['<+07>-7', '<+07>-7'],
  ])('%s shows as %s', (value, shown) => {
    expect(parseTimeZoneSetting(value).name).toBe(shown);
  });

  it('reads POSIX offsets west of Greenwich, numbers and intervals east', () => {
    expect(parseTimeZoneSetting('UTC+3').fixedSecs).toBe(-3 * 3600);
    expect(parseTimeZoneSetting('+05:30').fixedSecs).toBe(-(5 * 3600 + 1800));
    expect(parseTimeZoneSetting('-7').fixedSecs).toBe(-7 * 3600);
    expect(parseTimeZoneSetting("INTERVAL '+05:45'").fixedSecs).toBe(5 * 3600 + 45 * 60);
    // A shown name reads back as the same zone (Settings keeps the shown form).
    expect(parseTimeZoneSetting('<+05:30>-05:30').fixedSecs).toBe(5 * 3600 + 1800);
  });

  it('refuses unknown zones with 22023 and DST rules it cannot follow with 0A000', () => {
    expect(() => parseTimeZoneSetting('xyz')).toThrow(new EonError('invalid_parameter_value', 'invalid value for parameter "TimeZone": "xyz"'));
    expect(() => parseTimeZoneSetting('Mars/Base')).toThrow(EonError);
    expect(() => parseTimeZoneSetting('FOO3BAR')).toThrow(/daylight-saving rules are not supported/);
    expect(() => zoneByName('Nope')).toThrow('time zone "Nope" not recognized');
  });

  it('looks names up as abbreviations first, then zones', () => {
    expect(lookupZoneName('EST')?.fixedSecs).toBe(-5 * 3600);
    expect(lookupZoneName('cest')?.fixedSecs).toBe(2 * 3600);
    expect(lookupZoneName('America/New_York')?.iana).toBe('America/New_York');
    expect(lookupZoneName('XYZ')).toBeNull();
  });
});

describe('offsets and wall time', () => {
  const paris = parseTimeZoneSetting('Europe/Paris');

  it('follows DST, local mean time in the far past, and clamps beyond ICU range', () => {
    expect(utcOffsetSecs(paris, utc(2026, 1, 15))).toBe(3600);
    expect(utcOffsetSecs(paris, utc(2026, 7, 15))).toBe(7200);
    expect(utcOffsetSecs(paris, utc(1800, 1, 1))).toBe(9 * 60 + 21);
    expect(utcOffsetSecs(paris, utc(290000, 1, 1))).toBe(3600);
    // The change happens at 01:00 UTC on the last Sunday of March.
    expect(utcOffsetSecs(paris, utc(2026, 3, 29, 0, 59))).toBe(3600);
    expect(utcOffsetSecs(paris, utc(2026, 3, 29, 1, 0))).toBe(7200);
  });

  it('resolves a gap with the offset before it and an overlap to the later instant', () => {
    expect(localToUtc(paris, utc(2026, 3, 29, 2, 30))).toBe(utc(2026, 3, 29, 1, 30));
    expect(localToUtc(paris, utc(2026, 10, 25, 2, 30))).toBe(utc(2026, 10, 25, 1, 30));
    expect(localToUtc(paris, utc(2026, 10, 25, 3, 30))).toBe(utc(2026, 10, 25, 2, 30));
  });

  it('prints offsets as PostgreSQL does', () => {
    expect([offsetText(0), offsetText(7200), offsetText(-12600), offsetText(561)]).toEqual(['+00', '+02', '-03:30', '+00:09:21']);
  });
});

describe('timestamptz in the session zone', () => {
  it('reads and prints in the session zone, which withTimeZone restores', () => {
    withTimeZone(parseTimeZoneSetting('Asia/Kolkata'), () => {
      expect(formatTimestamp(utc(2026, 1, 1, 12), true)).toBe('2026-01-01 17:30:00+05:30');
      expect(parseTimestamp('2026-01-01 17:30', true)).toBe(utc(2026, 1, 1, 12));
      expect(parseTimestamp('2026-01-01 12:00 America/New_York', true)).toBe(utc(2026, 1, 1, 17));
    });
    expect(sessionTimeZone()).toBe(UTC_ZONE);
    expect(formatTimestamp(utc(2026, 1, 1, 12), true)).toBe('2026-01-01 12:00:00+00');
  });

  it('adds days on wall time and hours on the instant across DST', () => {
    setSessionTimeZone(parseTimeZoneSetting('Europe/Paris'));
    const noon = utc(2026, 3, 28, 11); // 12:00 +01
    expect(timestamptzPlusInterval(noon, new Interval(0, 1, 0))).toBe(utc(2026, 3, 29, 10)); // 12:00 +02
    expect(timestamptzPlusInterval(noon, new Interval(0, 0, 24 * HOUR))).toBe(utc(2026, 3, 29, 11)); // 13:00 +02
    expect(timestamptzPlusInterval(noon, new Interval(1, 0, 0))).toBe(utc(2026, 4, 28, 10));
  });

  it('truncates and takes the date on wall time', () => {
    setSessionTimeZone(parseTimeZoneSetting('America/New_York'));
    const lateEvening = utc(2026, 7, 2, 3, 30); // 23:30 -04 on July 1st
    expect(timestamptzToDate(lateEvening)).toBe(daysFromCivil(2026, 7, 1));
    expect(truncTimestamptz('day', lateEvening)).toBe(utc(2026, 7, 1, 4));
    expect(truncTimestamptz('day', lateEvening, zoneByName('UTC'))).toBe(utc(2026, 7, 2));
  });
});

describe('data-engine kernels', () => {
  it('never compute zone-dependent casts or calls (they stay on the coordinator)', () => {
    const ts = { kind: 'column' as const, index: 0, type: T.timestamptz };
    expect(isKernelCast({ kind: 'cast', arg: ts, type: T.date } as never)).toBe(false);
    expect(isKernelCast({ kind: 'cast', arg: ts, type: T.timestamp } as never)).toBe(false);
    expect(isKernelCall({ kind: 'call', name: 'extract', args: [{ kind: 'const', type: T.text, value: 'day' }, ts], type: T.numeric } as never)).toBe(false);
    expect(isKernelCall({ kind: 'call', name: 'date_trunc', args: [{ kind: 'const', type: T.text, value: 'day' }, ts], type: T.timestamptz } as never)).toBe(false);
  });
});
