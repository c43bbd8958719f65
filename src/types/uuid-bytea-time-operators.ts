// The operators of bytea and time beyond comparison: bytea || bytea, time ± interval,
// time - time, date + time. Comparisons of uuid, bytea and time are operators.ts' generic ones.

import { EonError } from '../errors/index.js';
import { T, type ColumnType } from './column-type.js';
import { checkTimestampRange, dateToTimestamp } from './datetime.js';
import type { Interval } from './interval.js';
import type { ResolvedOperator } from './operators.js';
import { timeDifference, timePlusInterval } from './time.js';
import type { Value } from './values.js';

/** Bytes of one bytea value: the longest string V8 holds (PostgreSQL's 1 GB field limit is beyond it). */
export const BYTEA_BYTES_MAX = 2 ** 29 - 24;

function byteaConcat(a: Value, b: Value): Value {
  const x = a as string;
  const y = b as string;
  const n = x.length + y.length;
  if (n > BYTEA_BYTES_MAX) throw new EonError('program_limit_exceeded', `invalid memory alloc request size ${n}`);
  return x + y;
}

function dateTime(days: number, us: number): number {
  return checkTimestampRange(dateToTimestamp(days) + us);
}

/**
 * The operator PostgreSQL picks for these operand kinds among bytea's and time's, or null when
 * the operands are not theirs. An untyped literal takes the type PostgreSQL infers for it there
 * (`time + '1 hour'` reads an interval, `time - '09:00'` a time).
 */
export function resolveUuidByteaTimeOperator(op: string, l: ColumnType, r: ColumnType): ResolvedOperator | null {
  const lk = l.kind;
  const rk = r.kind;
  if (op === '||' && (lk === 'bytea' || rk === 'bytea') && (lk === 'bytea' || lk === 'unknown') && (rk === 'bytea' || rk === 'unknown')) {
    return { resultType: T.bytea, leftType: T.bytea, rightType: T.bytea, fn: byteaConcat };
  }
  if (lk === 'time' && (op === '+' || op === '-') && (rk === 'interval' || (rk === 'unknown' && op === '+'))) {
    const sign = op === '+' ? 1 : -1;
    return { resultType: T.time, leftType: T.time, rightType: T.interval, fn: (a, b) => timePlusInterval(a as number, b as Interval, sign) };
  }
  if ((lk === 'interval' || lk === 'unknown') && rk === 'time' && op === '+') {
    return { resultType: T.time, leftType: T.interval, rightType: T.time, fn: (a, b) => timePlusInterval(b as number, a as Interval, 1) };
  }
  if (lk === 'time' && (rk === 'time' || rk === 'unknown') && op === '-') {
    return { resultType: T.interval, leftType: T.time, rightType: T.time, fn: (a, b) => timeDifference(a as number, b as number) };
  }
  if (lk === 'date' && rk === 'time' && op === '+') {
    return { resultType: T.timestamp, leftType: T.date, rightType: T.time, fn: (a, b) => dateTime(a as number, b as number) };
  }
  if (lk === 'time' && rk === 'date' && op === '+') {
    return { resultType: T.timestamp, leftType: T.time, rightType: T.date, fn: (a, b) => dateTime(b as number, a as number) };
  }
  return null;
}
