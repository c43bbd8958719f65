// Functions over explicit time zones: timezone(zone, …) — what `x AT TIME ZONE zone` calls — and
// the three-argument date_trunc. A zone is a name (abbreviation, IANA zone, POSIX spec: see
// src/types/time-zone.ts) or an interval (a fixed offset east of UTC).

import { formatText, T, type Interval, type Value } from '../../src/types/index.js';
import { checkTimestampRange } from '../../src/types/datetime.js';
import { intervalZone, timestampAtZone, timestamptzAtZone, zoneByName, type TimeZone } from '../../src/types/time-zone.js';
import { truncTimestamptz } from '../../src/types/timestamptz.js';
import { fn, type FunctionDef } from './definition.js';

function namedZone(v: Value): TimeZone {
  return zoneByName(v as string);
}

function offsetZone(v: Value): TimeZone {
  const iv = v as Interval;
  return intervalZone(iv.months, iv.days, iv.micros, formatText(T.interval, iv));
}

export const timeZoneFunctions: readonly FunctionDef[] = [
  // timestamp AT TIME ZONE z: the wall time read in z → an instant; timestamptz AT TIME ZONE z: the reverse.
  fn('timezone', ['text', 'timestamp'], 'timestamptz', (a) => checkTimestampRange(timestampAtZone(namedZone(a[0]!), a[1] as number))),
  fn('timezone', ['text', 'timestamptz'], 'timestamp', (a) => checkTimestampRange(timestamptzAtZone(namedZone(a[0]!), a[1] as number))),
  fn('timezone', ['interval', 'timestamp'], 'timestamptz', (a) => checkTimestampRange(timestampAtZone(offsetZone(a[0]!), a[1] as number))),
  fn('timezone', ['interval', 'timestamptz'], 'timestamp', (a) => checkTimestampRange(timestamptzAtZone(offsetZone(a[0]!), a[1] as number))),
  fn('date_trunc', ['text', 'timestamptz', 'text'], 'timestamptz', (a) => truncTimestamptz(a[0] as string, a[1] as number, namedZone(a[2]!))),
];
