// Casts between types with PostgreSQL's semantics and the contexts pg_cast allows them in.

import { EonError } from '../errors/index.js';
import type { ColumnType, TypeKind } from './column-type.js';
import { dateToTimestamp } from './datetime.js';
import { Interval, USECS_PER_DAY } from './interval.js';
import { FLOAT4_SIG_DIGITS, Numeric, pow10 } from './numeric.js';
import { formatText, parseText } from './text-io.js';
import { intervalToTime, roundTime, timestampToTime } from './time.js';
import type { Value } from './values.js';
import { castJson, isJsonKind, jsonCastContext } from './jsonb-cast.js';
import { dateToTimestamptz, timestampToTimestamptz, timestamptzToDate, timestamptzToTimestamp } from './timestamptz.js';

export type CastContext = 'implicit' | 'assignment' | 'explicit' | 'none';

const NUMBER_ORDER: Partial<Record<TypeKind, number>> = { int2: 0, int4: 1, int8: 2, numeric: 3, float4: 4, float8: 5 };
const LABEL: Record<TypeKind, string> = {
  bool: 'boolean', int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision',
  numeric: 'numeric', text: 'text', varchar: 'character varying', date: 'date', timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone', interval: 'interval', unknown: 'unknown', json: 'json', jsonb: 'jsonb',
  uuid: 'uuid', bytea: 'bytea', time: 'time without time zone',
};

/** In which context a cast from → to is allowed (pg_cast's castcontext). */
export function canCast(from: ColumnType, to: ColumnType): CastContext {
  const f = from.kind;
  const t = to.kind;
  if (f === t) return 'implicit';
  if (f === 'unknown') return 'implicit';
  const fo = NUMBER_ORDER[f];
  const tn = NUMBER_ORDER[t];
  if (fo !== undefined && tn !== undefined) {
    // Widening is implicit; narrowing is for assignment (float → numeric too).
    return tn > fo ? 'implicit' : 'assignment';
  }
  if ((t === 'text' || t === 'varchar') && (f === 'text' || f === 'varchar')) return 'implicit';
  if (t === 'text' || t === 'varchar') return 'assignment';
  if (f === 'text' || f === 'varchar') return 'explicit';
  if (isJsonKind(f) || isJsonKind(t)) return jsonCastContext(f, t);
  if (f === 'bool' && t === 'int4') return 'explicit';
  if (f === 'int4' && t === 'bool') return 'explicit';
  if (f === 'date' && (t === 'timestamp' || t === 'timestamptz')) return 'implicit';
  if (f === 'timestamp' && t === 'timestamptz') return 'implicit';
  if ((f === 'timestamp' || f === 'timestamptz') && t === 'date') return 'assignment';
  if (f === 'timestamptz' && t === 'timestamp') return 'assignment';
  if (f === 'time' && t === 'interval') return 'implicit';
  if ((f === 'interval' || f === 'timestamp' || f === 'timestamptz') && t === 'time') return 'assignment';
  return 'none';
}

function outOfRange(kind: TypeKind): EonError {
  const name = kind === 'int2' ? 'smallint' : kind === 'int4' ? 'integer' : 'bigint';
  return new EonError('numeric_value_out_of_range', `${name} out of range`);
}

const LIMITS = { int2: [-32768, 32767], int4: [-2147483648, 2147483647] } as const;

/** Checks an integer result against its type's range (22003 otherwise). */
export function checkInt(kind: 'int2' | 'int4', n: number): number {
  const [lo, hi] = LIMITS[kind];
  if (!(n >= lo && n <= hi)) throw outOfRange(kind);
  return n === 0 ? 0 : n;
}

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;
export function checkInt8(n: bigint): bigint {
  if (n < INT8_MIN || n > INT8_MAX) throw outOfRange('int8');
  return n;
}

/** Rounds half to even, as rint() does for float → int casts. */
function rint(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

function toNumeric(v: Value, from: TypeKind): Numeric {
  switch (from) {
    case 'int2':
    case 'int4':
      return new Numeric(BigInt(v as number), 0);
    case 'int8':
      return new Numeric(v as bigint, 0);
    case 'numeric':
      return v as Numeric;
    case 'float4':
      return Numeric.fromNumber(v as number, FLOAT4_SIG_DIGITS);
    case 'float8':
      return Numeric.fromNumber(v as number);
    default:
      throw new EonError('cannot_coerce', `cannot cast type ${LABEL[from]} to numeric`);
  }
}

function toFloat(v: Value, from: TypeKind): number {
  switch (from) {
    case 'int2':
    case 'int4':
    case 'float4':
    case 'float8':
      return v as number;
    case 'int8':
      return Number(v as bigint);
    case 'numeric': {
      // PostgreSQL converts through float8in: out of the double's range is an error, not ±Infinity or 0.
      const n = v as Numeric;
      const x = n.toNumber();
      if (!Number.isFinite(x) || (x === 0 && n.coef !== 0n)) {
        throw new EonError('numeric_value_out_of_range', `"${n.toString()}" is out of range for type double precision`);
      }
      return x;
    }
    default:
      throw new EonError('cannot_coerce', `cannot cast type ${LABEL[from]} to double precision`);
  }
}

function toInteger(v: Value, from: TypeKind, to: 'int2' | 'int4' | 'int8'): number | bigint {
  let big: bigint;
  switch (from) {
    case 'int2':
    case 'int4':
      big = BigInt(v as number);
      break;
    case 'int8':
      big = v as bigint;
      break;
    case 'float4':
    case 'float8': {
      const x = v as number;
      if (!Number.isFinite(x)) throw outOfRange(to);
      const r = rint(x);
      if (to !== 'int8') return checkInt(to, r);
      if (r < -9.223372036854776e18 || r >= 9.223372036854776e18) throw outOfRange('int8');
      return BigInt(r);
    }
    case 'numeric':
      big = (v as Numeric).coefAt(0);
      break;
    case 'bool':
      // pg_cast has boolean → integer only.
      if (to !== 'int4') throw new EonError('cannot_coerce', `cannot cast type boolean to ${LABEL[to]}`);
      return v ? 1 : 0;
    default:
      throw new EonError('cannot_coerce', `cannot cast type ${LABEL[from]} to ${LABEL[to]}`);
  }
  if (to === 'int8') return checkInt8(big);
  const [lo, hi] = LIMITS[to];
  if (big < BigInt(lo) || big > BigInt(hi)) throw outOfRange(to);
  return Number(big);
}

/** Applies numeric(p,s) / varchar(n) modifiers. Explicit casts truncate varchar; assignment errors. */
export function applyTypmod(v: Value, to: ColumnType, explicit: boolean): Value {
  if (v === null) return null;
  if (to.kind === 'numeric' && to.precision !== undefined) return (v as Numeric).toTypmod(to.precision, to.scale ?? 0);
  if (to.kind === 'varchar' && to.length !== undefined) {
    const s = v as string;
    if (s.length <= to.length) return s;
    const chars = [...s];
    if (chars.length <= to.length) return s;
    if (explicit || chars.slice(to.length).every((c) => c === ' ')) return chars.slice(0, to.length).join('');
    throw new EonError('string_data_right_truncation', `value too long for type character varying(${to.length})`);
  }
  if (to.kind === 'time' && to.precision !== undefined) return roundTime(v as number, to.precision);
  return v;
}

/** Converts a non-null value of type `from` to `to`. */
export function castValue(v: Value, from: ColumnType, to: ColumnType, explicit = false): Value {
  if (v === null) return null;
  const f = from.kind;
  const t = to.kind;
  let out: Value;
  if (f === t) out = v;
  else if (f === 'unknown' || ((f === 'text' || f === 'varchar') && t !== 'text' && t !== 'varchar')) {
    out = parseText({ kind: t }, v as string);
  } else if (isJsonKind(f) || isJsonKind(t)) {
    const j = castJson(v, f, t, (k) => LABEL[k]);
    out = j.kind === t || (j.kind === 'text' && t === 'varchar') ? j.value : castValue(j.value, { kind: j.kind }, { kind: t }, explicit);
  } else {
    switch (t) {
      case 'text':
      case 'varchar':
        // boolean → text is booltext ('true'), not boolout ('t').
        out = f === 'bool' ? (v ? 'true' : 'false') : formatText(from, v);
        break;
      case 'int2':
      case 'int4':
      case 'int8':
        out = toInteger(v, f, t);
        break;
      case 'float8':
        out = toFloat(v, f);
        break;
      case 'float4': {
        const x = toFloat(v, f);
        const r = Math.fround(x);
        if (Number.isFinite(x) && !Number.isFinite(r)) throw new EonError('numeric_value_out_of_range', 'value out of range: overflow');
        if (r === 0 && x !== 0) throw new EonError('numeric_value_out_of_range', 'value out of range: underflow');
        out = r;
        break;
      }
      case 'numeric':
        out = toNumeric(v, f);
        break;
      case 'bool':
        if (f === 'int4') out = v !== 0;
        else throw new EonError('cannot_coerce', `cannot cast type ${LABEL[f]} to boolean`);
        break;
      case 'date':
        if (f === 'timestamptz') out = timestamptzToDate(v as number); // the day in the session's zone
        else if (f === 'timestamp') out = Math.floor((v as number) / USECS_PER_DAY);
        else throw new EonError('cannot_coerce', `cannot cast type ${LABEL[f]} to date`);
        break;
      case 'timestamp':
      case 'timestamptz':
        if (f === 'date') out = t === 'timestamptz' ? dateToTimestamptz(v as number) : dateToTimestamp(v as number);
        else if (f === t) out = v;
        // Between the two, through the session's time zone.
        else if (f === 'timestamp') out = timestampToTimestamptz(v as number);
        else if (f === 'timestamptz') out = timestamptzToTimestamp(v as number);
        else throw new EonError('cannot_coerce', `cannot cast type ${LABEL[f]} to ${LABEL[t]}`);
        break;
      case 'time':
        if (f === 'timestamp' || f === 'timestamptz') out = timestampToTime(f === 'timestamptz' ? timestamptzToTimestamp(v as number) : (v as number));
        else if (f === 'interval') out = intervalToTime(v as Interval);
        else throw new EonError('cannot_coerce', `cannot cast type ${LABEL[f]} to ${LABEL[t]}`);
        break;
      case 'interval':
        if (v instanceof Interval) out = v;
        else if (f === 'time') out = new Interval(0, 0, v as number);
        else throw new EonError('cannot_coerce', `cannot cast type ${LABEL[f]} to interval`);
        break;
      default:
        throw new EonError('cannot_coerce', `cannot cast type ${LABEL[f]} to ${LABEL[t]}`);
    }
  }
  return applyTypmod(out, to, explicit);
}

export { pow10 };
