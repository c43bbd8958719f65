// Date and time functions: the clock (now, current_date, localtimestamp) read from the wall clock
// (now() once per statement turn, clock_timestamp() at each call), current_date and localtimestamp
// in the session's time zone; field extraction, truncation and construction (timestamptz fields
// on its wall time in the session's zone).

import { performance } from 'node:perf_hooks';
import { EonError } from '../../src/errors/index.js';
import { Numeric, dateField, daysFromCivil, daysInMonth, extractField, extractIntervalField, truncTimestamp, type DateField, type Interval, type TypeKind, type Value } from '../../src/types/index.js';
import { fn, type FunctionDef, type ScalarImpl } from './definition.js';
import { sessionTimeZone, utcToLocal } from '../../src/types/time-zone.js';
import { timestamptzToDate, timestamptzZoneField, truncTimestamptz, zoneFieldUnsupported } from '../../src/types/timestamptz.js';

const microsPerMs = 1000;
const microsPerDay = 86_400_000_000;

/** Microseconds since the epoch, finer than Date.now()'s milliseconds. */
export function clockMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * microsPerMs);
}

/** The instant now() reports in this event-loop turn; reset when the turn ends. */
let turnMicros: number | null = null;

/**
 * now() / statement_timestamp(): one instant for everything a statement computes in one turn of
 * the event loop (rows of a multi-row INSERT get the same DEFAULT now(), as in PostgreSQL, where
 * it is the transaction's start). clock_timestamp() keeps reading the wall clock.
 */
export function statementMicros(): number {
  if (turnMicros === null) {
    turnMicros = clockMicros();
    queueMicrotask(() => {
      turnMicros = null;
    });
  }
  return turnMicros;
}

export const clockFunctions: readonly FunctionDef[] = [
  { name: 'now', args: [], returns: 'timestamptz', strict: true, volatile: true, impl: statementMicros },
  { name: 'transaction_timestamp', args: [], returns: 'timestamptz', strict: true, volatile: true, impl: statementMicros },
  { name: 'statement_timestamp', args: [], returns: 'timestamptz', strict: true, volatile: true, impl: statementMicros },
  { name: 'clock_timestamp', args: [], returns: 'timestamptz', strict: true, volatile: true, impl: clockMicros },
  { name: 'localtimestamp', args: [], returns: 'timestamp', strict: true, volatile: true, impl: () => utcToLocal(sessionTimeZone(), statementMicros()) },
  {
    name: 'current_date',
    args: [],
    returns: 'date',
    strict: true,
    volatile: true,
    impl: () => timestamptzToDate(statementMicros()), // today in the session's zone
  },
];

/** Declared so binding types these calls as PostgreSQL does; calling one reports the gap. */
function notYet(name: string): () => never {
  return () => {
    throw new EonError('feature_not_supported', `function ${name} is not supported yet`);
  };
}

const USECS_PER_SEC = 1_000_000;
/** PostgreSQL counts an interval's years as 365.25 days for EXTRACT(EPOCH). */
const SECS_PER_YEAR = 31_557_600;
const SECS_PER_DAY = 86_400;
const DAYS_PER_MONTH = 30;

/** A source value as microseconds since the epoch (dates at midnight). */
function sourceMicros(kind: TypeKind, v: Value): number {
  return kind === 'date' ? (v as number) * microsPerDay : (v as number);
}

/** The field as exact microsecond-units for fields with a fraction, else as an integer. */
function fieldNumeric(field: DateField, kind: TypeKind, v: Value): Numeric {
  if (kind === 'interval') {
    const iv = v as Interval;
    switch (field) {
      case 'microseconds':
        return new Numeric(BigInt(iv.micros % 60_000_000), 0);
      case 'milliseconds':
        return new Numeric(BigInt(iv.micros % 60_000_000), 3);
      case 'second':
        return new Numeric(BigInt(iv.micros % 60_000_000), 6);
      case 'epoch': {
        const years = Math.trunc(iv.months / 12);
        const secs = BigInt(years) * BigInt(SECS_PER_YEAR) + BigInt(iv.months % 12) * BigInt(DAYS_PER_MONTH * SECS_PER_DAY) + BigInt(iv.days) * BigInt(SECS_PER_DAY);
        return new Numeric(secs * BigInt(USECS_PER_SEC) + BigInt(iv.micros), 6);
      }
      default:
        return new Numeric(BigInt(extractIntervalField(field, iv)), 0);
    }
  }
  // timestamptz fields are those of its wall time in the session's zone; its epoch is the instant's.
  const us = kind === 'timestamptz' && field !== 'epoch' ? utcToLocal(sessionTimeZone(), v as number) : sourceMicros(kind, v);
  if (kind === 'date') {
    if (field === 'epoch') return new Numeric(BigInt(v as number) * BigInt(SECS_PER_DAY), 0);
    return new Numeric(BigInt(extractField(field, us, true)), 0);
  }
  const tod = ((us % 60_000_000) + 60_000_000) % 60_000_000;
  switch (field) {
    case 'microseconds':
      return new Numeric(BigInt(tod), 0);
    case 'milliseconds':
      return new Numeric(BigInt(tod), 3);
    case 'second':
      return new Numeric(BigInt(tod), 6);
    case 'epoch':
      return new Numeric(BigInt(us), 6);
    case 'julian':
      throw new EonError('feature_not_supported', 'EXTRACT(JULIAN) is not supported yet');
    default:
      return new Numeric(BigInt(extractField(field, us, false)), 0);
  }
}

/** EXTRACT(TIMEZONE[_HOUR|_MINUTE] …): the session zone's offset for timestamptz; other types have no zone. */
function zoneField(kind: TypeKind, unit: string, v: Value): number | null {
  if (!/^timezone(_h|_m|_hour|_minute)?$/i.test(unit)) return null;
  if (kind !== 'timestamptz') throw zoneFieldUnsupported(unit, kind === 'timestamp' ? 'timestamp without time zone' : kind);
  return timestamptzZoneField(unit, v as number);
}

function extractImpl(kind: TypeKind): ScalarImpl {
  return (args) => {
    const zf = zoneField(kind, args[0] as string, args[1]!);
    if (zf !== null) return new Numeric(BigInt(zf), 0);
    const field = dateField(args[0] as string);
    return fieldNumeric(field, kind, args[1]!);
  };
}

function datePartImpl(kind: TypeKind): ScalarImpl {
  return (args) => zoneField(kind, args[0] as string, args[1]!) ?? fieldNumeric(dateField(args[0] as string), kind, args[1]!).toNumber();
}

function truncImpl(args: readonly Value[]): Value {
  return truncTimestamp(args[0] as string, args[1] as number);
}

function makeDate(args: readonly Value[]): Value {
  const [y, m, d] = args as number[];
  if (m! < 1 || m! > 12 || d! < 1 || d! > daysInMonth(y!, m!) || y === 0) {
    throw new EonError('datetime_field_overflow', `date field value out of range: ${y}-${pad2(m!)}-${pad2(d!)}`);
  }
  return daysFromCivil(y! < 0 ? y! + 1 : y!, m!, d!);
}

function makeTimestamp(args: readonly Value[]): Value {
  const days = makeDate(args.slice(0, 3)) as number;
  const [h, mi] = [args[3] as number, args[4] as number];
  const sec = args[5] as number;
  if (h < 0 || h > 24 || mi < 0 || mi > 59 || sec < 0 || sec > 60) {
    throw new EonError('datetime_field_overflow', `time field value out of range: ${h}:${pad2(mi)}:${sec}`);
  }
  return days * microsPerDay + h * 3_600_000_000 + mi * 60_000_000 + Math.round(sec * USECS_PER_SEC);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const datetimeSources: readonly TypeKind[] = ['date', 'timestamp', 'timestamptz', 'interval'];

export const calendarFunctions: readonly FunctionDef[] = [
  ...datetimeSources.map((src) => fn('date_part', ['text', src], 'float8', datePartImpl(src))),
  ...datetimeSources.map((src) => fn('extract', ['text', src], 'numeric', extractImpl(src))),
  fn('date_trunc', ['text', 'timestamp'], 'timestamp', truncImpl),
  fn('date_trunc', ['text', 'timestamptz'], 'timestamptz', (a) => truncTimestamptz(a[0] as string, a[1] as number)),
  fn('date_trunc', ['text', 'interval'], 'interval', notYet('date_trunc(text, interval)')),
  fn('make_date', ['int4', 'int4', 'int4'], 'date', makeDate),
  fn('make_timestamp', ['int4', 'int4', 'int4', 'int4', 'int4', 'float8'], 'timestamp', makeTimestamp),
  fn('age', ['timestamp', 'timestamp'], 'interval', notYet('age')),
  fn('age', ['timestamptz', 'timestamptz'], 'interval', notYet('age')),
];
