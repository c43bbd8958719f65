// Binary operators with PostgreSQL's operand resolution and errors, plus the comparison, hashing
// and common-type rules every part of the engine shares.

import { EonError } from '../errors/index.js';
import { T, type ColumnType, type TypeKind } from './column-type.js';
import { canCast, castValue, checkInt, checkInt8 } from './cast.js';
import { checkDateRange, dateToTimestamp, timestampDifference, timestampPlusInterval } from './datetime.js';
import { Interval } from './interval.js';
import { Numeric } from './numeric.js';
import { compareJsonbText, jsonbKey } from './jsonb.js';
import { numericPower } from './numeric-transcendental.js';
import { compareCodePoints } from './text-chars.js';
import type { Value } from './values.js';
import { resolveUuidByteaTimeOperator } from './uuid-bytea-time-operators.js';
import { timestamptzPlusInterval } from './timestamptz.js';

export type BinaryFn = (a: Value, b: Value) => Value;

export interface ResolvedOperator {
  readonly resultType: ColumnType;
  readonly leftType: ColumnType;
  readonly rightType: ColumnType;
  readonly fn: BinaryFn;
}

const LABEL: Record<TypeKind, string> = {
  bool: 'boolean', int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision',
  numeric: 'numeric', text: 'text', varchar: 'character varying', date: 'date', timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone', interval: 'interval', unknown: 'unknown', json: 'json', jsonb: 'jsonb',
  uuid: 'uuid', bytea: 'bytea', time: 'time without time zone',
};

const NUMBER_ORDER: Partial<Record<TypeKind, number>> = { int2: 0, int4: 1, int8: 2, numeric: 3, float4: 4, float8: 5 };
const NUMBER_KINDS: TypeKind[] = ['int2', 'int4', 'int8', 'numeric', 'float4', 'float8'];

function noOperator(op: string, l: ColumnType, r: ColumnType): EonError {
  return new EonError('undefined_function', `operator does not exist: ${LABEL[l.kind]} ${op} ${LABEL[r.kind]}`, {
    hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
  });
}

function isText(k: TypeKind): boolean {
  return k === 'text' || k === 'varchar' || k === 'unknown';
}

function isTime(k: TypeKind): boolean {
  return k === 'date' || k === 'timestamp' || k === 'timestamptz';
}

// ---------------------------------------------------------------------------------------------
// Comparison

/** Total order of non-null values of one type (NaN sorts above every number, as in PostgreSQL). */
export function compareValues(type: ColumnType, a: Value, b: Value): number {
  switch (type.kind) {
    case 'numeric':
      return (a as Numeric).compare(b as Numeric);
    case 'int8':
      return (a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0;
    case 'float4':
    case 'float8': {
      const x = a as number;
      const y = b as number;
      if (x < y) return -1;
      if (x > y) return 1;
      if (x === y) return 0;
      const xn = Number.isNaN(x);
      const yn = Number.isNaN(y);
      return xn === yn ? 0 : xn ? 1 : -1;
    }
    case 'jsonb':
      return compareJsonbText(a as string, b as string);
    case 'interval': {
      const x = (a as Interval).sortValue();
      const y = (b as Interval).sortValue();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'bool':
      return a === b ? 0 : a ? 1 : -1;
    case 'text':
    case 'varchar':
    case 'unknown':
      return compareCodePoints(a as string, b as string);
    default: {
      const x = a as number;
      const y = b as number;
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

/** A canonical key: equal SQL values (under `=`) give equal keys. */
export function keyString(type: ColumnType, v: Value): string {
  switch (type.kind) {
    case 'numeric': {
      const n = v as Numeric;
      let coef = n.coef;
      let scale = n.scale;
      while (scale > 0 && coef % 10n === 0n) {
        coef /= 10n;
        scale--;
      }
      return scale === 0 ? coef.toString() : new Numeric(coef, scale).toString();
    }
    case 'interval':
      return String((v as Interval).sortValue());
    case 'jsonb':
      return jsonbKey(v as string);
    case 'bool':
      return v ? 't' : 'f';
    case 'float4':
    case 'float8':
      return Number.isNaN(v) ? 'NaN' : String(v);
    case 'bytea':
      // Any byte may occur, the NULL marker and key separators too: the length keeps keys apart.
      return `${(v as string).length}:${v as string}`;
    default:
      return typeof v === 'string' ? v : String(v);
  }
}

// ---------------------------------------------------------------------------------------------
// Common types

/**
 * PostgreSQL's select_common_type for CASE, COALESCE, IN and UNION: start from the first known
 * type and move to a later one only when the current converts to it implicitly but not back.
 * `context` names the construct in the 42804 message ('UNION', 'CASE', 'COALESCE', 'VALUES').
 */
export function commonType(types: readonly ColumnType[], context: string = 'UNION'): ColumnType {
  const known = types.filter((t) => t.kind !== 'unknown');
  if (known.length === 0) return T.text;
  let p = known[0]!;
  for (const n of known.slice(1)) {
    if (n.kind === p.kind) continue;
    if (category(n.kind) !== category(p.kind)) {
      throw new EonError('datatype_mismatch', `${context} types ${LABEL[p.kind]} and ${LABEL[n.kind]} cannot be matched`);
    }
    if (!isPreferred(p.kind) && canCast(p, n) === 'implicit' && canCast(n, p) !== 'implicit') p = n;
  }
  const same = known.every((t) => t.kind === p.kind && t.precision === p.precision && t.scale === p.scale && t.length === p.length);
  return same ? p : { kind: p.kind };
}

function category(k: TypeKind): string {
  if (NUMBER_ORDER[k] !== undefined) return 'N';
  if (isText(k)) return 'S';
  if (isTime(k)) return 'D';
  return k;
}

function isPreferred(k: TypeKind): boolean {
  return k === 'float8' || k === 'text' || k === 'timestamptz' || k === 'interval' || k === 'bool';
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

const INT4_OPS: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => {
    if (b === 0) throw new EonError('division_by_zero', 'division by zero');
    return Math.trunc(a / b);
  },
  '%': (a, b) => {
    if (b === 0) throw new EonError('division_by_zero', 'division by zero');
    return a % b;
  },
};

function intOp(op: string, kind: 'int2' | 'int4'): BinaryFn | null {
  const f = INT4_OPS[op];
  if (f === undefined) return null;
  if (op === '*') {
    // Products of int4 can pass 2^53: check in bigint when the double is not exact.
    return (a, b) => {
      const p = (a as number) * (b as number);
      if (Number.isSafeInteger(p)) return checkInt(kind, p);
      throw new EonError('numeric_value_out_of_range', `${kind === 'int2' ? 'smallint' : 'integer'} out of range`);
    };
  }
  return (a, b) => checkInt(kind, f(a as number, b as number));
}

function int8Op(op: string): BinaryFn | null {
  switch (op) {
    case '+':
      return (a, b) => checkInt8(toBig(a) + toBig(b));
    case '-':
      return (a, b) => checkInt8(toBig(a) - toBig(b));
    case '*':
      return (a, b) => checkInt8(toBig(a) * toBig(b));
    case '/':
      return (a, b) => {
        const d = toBig(b);
        if (d === 0n) throw new EonError('division_by_zero', 'division by zero');
        return checkInt8(toBig(a) / d);
      };
    case '%':
      return (a, b) => {
        const d = toBig(b);
        if (d === 0n) throw new EonError('division_by_zero', 'division by zero');
        return toBig(a) % d;
      };
    default:
      return null;
  }
}

function toBig(v: Value): bigint {
  return typeof v === 'bigint' ? v : BigInt(v as number);
}

function toNum(v: Value): Numeric {
  if (v instanceof Numeric) return v;
  if (typeof v === 'bigint') return new Numeric(v, 0);
  return new Numeric(BigInt(v as number), 0);
}

function numericOp(op: string): BinaryFn | null {
  switch (op) {
    case '+':
      return (a, b) => toNum(a).add(toNum(b));
    case '-':
      return (a, b) => toNum(a).sub(toNum(b));
    case '*':
      return (a, b) => toNum(a).mul(toNum(b));
    case '/':
      return (a, b) => toNum(a).div(toNum(b));
    case '%':
      return (a, b) => toNum(a).mod(toNum(b));
    default:
      return null;
  }
}

function checkFloat(x: number, inputsFinite: boolean, f4: boolean): number {
  const r = f4 ? Math.fround(x) : x;
  if (inputsFinite && (r === Infinity || r === -Infinity)) {
    throw new EonError('numeric_value_out_of_range', 'value out of range: overflow');
  }
  return r;
}

function toF(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return (v as Numeric).toNumber();
}

function floatOp(op: string, f4: boolean): BinaryFn | null {
  switch (op) {
    case '+':
      return (a, b) => {
        const x = toF(a);
        const y = toF(b);
        return checkFloat(x + y, Number.isFinite(x) && Number.isFinite(y), f4);
      };
    case '-':
      return (a, b) => {
        const x = toF(a);
        const y = toF(b);
        return checkFloat(x - y, Number.isFinite(x) && Number.isFinite(y), f4);
      };
    case '*':
      return (a, b) => {
        const x = toF(a);
        const y = toF(b);
        return checkFloat(x * y, Number.isFinite(x) && Number.isFinite(y), f4);
      };
    case '/':
      return (a, b) => {
        const x = toF(a);
        const y = toF(b);
        if (y === 0 && !Number.isNaN(x)) throw new EonError('division_by_zero', 'division by zero');
        return checkFloat(x / y, Number.isFinite(x) && Number.isFinite(y), f4);
      };
    case '^':
      return (a, b) => {
        const x = toF(a);
        const y = toF(b);
        if (x === 0 && y < 0) throw new EonError('invalid_argument_for_power_function', 'zero raised to a negative power is undefined');
        if (x < 0 && !Number.isInteger(y)) throw new EonError('invalid_argument_for_power_function', 'a negative number raised to a non-integer power yields a complex result');
        return checkFloat(Math.pow(x, y), Number.isFinite(x) && Number.isFinite(y), false);
      };
    default:
      return null;
  }
}

function cmpFn(op: string, type: ColumnType): BinaryFn | null {
  // Fast paths for plain numbers and strings; everything else through compareValues.
  const k = type.kind;
  if (k === 'int2' || k === 'int4' || k === 'date' || k === 'timestamp' || k === 'timestamptz' || k === 'time') {
    switch (op) {
      case '=':
        return (a, b) => a === b;
      case '<>':
        return (a, b) => a !== b;
      case '<':
        return (a, b) => (a as number) < (b as number);
      case '<=':
        return (a, b) => (a as number) <= (b as number);
      case '>':
        return (a, b) => (a as number) > (b as number);
      case '>=':
        return (a, b) => (a as number) >= (b as number);
    }
  }
  if (k === 'text' || k === 'varchar' || k === 'uuid' || k === 'bytea') {
    if (op === '=') return (a, b) => a === b;
    if (op === '<>') return (a, b) => a !== b;
  }
  switch (op) {
    case '=':
      return (a, b) => compareValues(type, a, b) === 0;
    case '<>':
      return (a, b) => compareValues(type, a, b) !== 0;
    case '<':
      return (a, b) => compareValues(type, a, b) < 0;
    case '<=':
      return (a, b) => compareValues(type, a, b) <= 0;
    case '>':
      return (a, b) => compareValues(type, a, b) > 0;
    case '>=':
      return (a, b) => compareValues(type, a, b) >= 0;
    default:
      return null;
  }
}

const COMPARISON = new Set(['=', '<>', '<', '<=', '>', '>=']);

function numberCommon(l: TypeKind, r: TypeKind): TypeKind {
  return NUMBER_ORDER[l]! >= NUMBER_ORDER[r]! ? l : r;
}

function resolved(resultType: ColumnType, leftType: ColumnType, rightType: ColumnType, fn: BinaryFn | null, op: string, l: ColumnType, r: ColumnType): ResolvedOperator {
  if (fn === null) throw noOperator(op, l, r);
  return { resultType, leftType, rightType, fn };
}

export function resolveBinaryOperator(opIn: string, l: ColumnType, r: ColumnType): ResolvedOperator {
  const op = opIn === '!=' ? '<>' : opIn;
  const lk = l.kind;
  const rk = r.kind;
  // An untyped literal next to || is text whatever the other side is (anynonarray || text).
  if (op === '||' && (lk === 'unknown' || rk === 'unknown') && lk !== 'bytea' && rk !== 'bytea') {
    return resolveBinaryOperator(op, lk === 'unknown' ? T.text : l, rk === 'unknown' ? T.text : r);
  }
  // Untyped literals on both sides compare as text.
  if (lk === 'unknown' && rk === 'unknown') return resolveBinaryOperator(op, T.text, T.text);
  const special = resolveUuidByteaTimeOperator(op, l, r);
  if (special !== null) return special;
  if (lk === 'unknown') return resolveBinaryOperator(op, r, r);
  if (rk === 'unknown') return resolveBinaryOperator(op, l, l);

  if (COMPARISON.has(op)) {
    let t: ColumnType | null = null;
    if (NUMBER_ORDER[lk] !== undefined && NUMBER_ORDER[rk] !== undefined) {
      t = { kind: numberCommon(lk, rk) };
      // float4 vs numeric compares in float8 as PostgreSQL casts both ways there.
      if (t.kind === 'float4' && (lk === 'numeric' || rk === 'numeric')) t = T.float8;
    } else if (isText(lk) && isText(rk)) t = T.text;
    else if (isTime(lk) && isTime(rk)) t = lk === rk ? l : rk === 'timestamptz' || lk === 'timestamptz' ? T.timestamptz : T.timestamp;
    else if (lk === rk && (lk === 'bool' || lk === 'interval' || lk === 'uuid' || lk === 'bytea' || lk === 'time' || lk === 'jsonb')) t = l;
    // time converts to interval implicitly: time = interval compares two intervals.
    else if ((lk === 'time' && rk === 'interval') || (lk === 'interval' && rk === 'time')) t = T.interval;
    if (t === null) throw noOperator(op, l, r);
    const bare: ColumnType = { kind: t.kind };
    return resolved(T.bool, bare, bare, cmpFn(op, bare), op, l, r);
  }

  if (op === '||') {
    if (isText(lk) || isText(rk)) {
      // anytextcat is `$1::text || $2`: the cast to text, so booleans read 'true', not 't'.
      const lf = isText(lk) ? (v: Value) => v as string : (v: Value) => castValue(v, l, T.text) as string;
      const rf = isText(rk) ? (v: Value) => v as string : (v: Value) => castValue(v, r, T.text) as string;
      return { resultType: T.text, leftType: isText(lk) ? T.text : l, rightType: isText(rk) ? T.text : r, fn: (a, b) => lf(a) + rf(b) };
    }
    throw noOperator(op, l, r);
  }

  if (op === '~' || op === '~*' || op === '!~' || op === '!~*') {
    if (!isText(lk) || !isText(rk)) throw noOperator(op, l, r);
    const ci = op.endsWith('*');
    const neg = op.startsWith('!');
    return {
      resultType: T.bool,
      leftType: T.text,
      rightType: T.text,
      fn: (a, b) => {
        let re: RegExp;
        try {
          re = new RegExp(b as string, ci ? 'iu' : 'u');
        } catch (e) {
          throw new EonError('invalid_regular_expression', `invalid regular expression: ${(e as Error).message}`);
        }
        return re.test(a as string) !== neg;
      },
    };
  }

  const ln = NUMBER_ORDER[lk] !== undefined;
  const rn = NUMBER_ORDER[rk] !== undefined;
  if (ln && rn) {
    if (op === '^') {
      if ((lk === 'numeric' || rk === 'numeric') && NUMBER_ORDER[lk]! <= NUMBER_ORDER.numeric! && NUMBER_ORDER[rk]! <= NUMBER_ORDER.numeric!) {
        return resolved(T.numeric, T.numeric, T.numeric, (a, b) => numericPower(toNum(a), toNum(b)), op, l, r);
      }
      return resolved(T.float8, T.float8, T.float8, floatOp('^', false), op, l, r);
    }
    const k = numberCommon(lk, rk);
    const t: ColumnType = { kind: k };
    switch (k) {
      case 'int2':
      case 'int4':
        return resolved(t, t, t, intOp(op, k), op, l, r);
      case 'int8':
        return resolved(t, t, t, int8Op(op), op, l, r);
      case 'numeric':
        return resolved(T.numeric, T.numeric, T.numeric, numericOp(op), op, l, r);
      case 'float4':
        // float4 with any other number kind resolves to the float8 (preferred) operator.
        if (lk !== 'float4' || rk !== 'float4') return resolved(T.float8, T.float8, T.float8, floatOp(op, false), op, l, r);
        return resolved(t, t, t, floatOp(op, true), op, l, r);
      default:
        return resolved(T.float8, T.float8, T.float8, floatOp(op, false), op, l, r);
    }
  }
  return resolveDateTimeOperator(op, l, r);
}

function resolveDateTimeOperator(op: string, l: ColumnType, r: ColumnType): ResolvedOperator {
  const lk = l.kind;
  const rk = r.kind;
  const intLike = (k: TypeKind) => k === 'int2' || k === 'int4';
  if (lk === 'date' && intLike(rk) && (op === '+' || op === '-')) {
    const sign = op === '+' ? 1 : -1;
    return { resultType: T.date, leftType: T.date, rightType: T.int4, fn: (a, b) => checkDateRange((a as number) + sign * (b as number)) };
  }
  if (intLike(lk) && rk === 'date' && op === '+') {
    return { resultType: T.date, leftType: T.int4, rightType: T.date, fn: (a, b) => checkDateRange((a as number) + (b as number)) };
  }
  if (lk === 'date' && rk === 'date' && op === '-') {
    return { resultType: T.int4, leftType: T.date, rightType: T.date, fn: (a, b) => (a as number) - (b as number) };
  }
  if (isTime(lk) && rk === 'interval' && (op === '+' || op === '-')) {
    const rt = lk === 'timestamptz' ? T.timestamptz : T.timestamp;
    const toUs = lk === 'date' ? (v: Value) => dateToTimestamp(v as number) : (v: Value) => v as number;
    return {
      resultType: rt,
      leftType: l,
      rightType: T.interval,
      // timestamptz adds days and months on the session zone's wall time (timestamptz.ts).
      fn: lk === 'timestamptz'
        ? (a, b) => timestamptzPlusInterval(a as number, op === '+' ? (b as Interval) : (b as Interval).neg())
        : (a, b) => timestampPlusInterval(toUs(a), op === '+' ? (b as Interval) : (b as Interval).neg()),
    };
  }
  if (lk === 'interval' && isTime(rk) && op === '+') {
    const rt = rk === 'timestamptz' ? T.timestamptz : T.timestamp;
    const toUs = rk === 'date' ? (v: Value) => dateToTimestamp(v as number) : (v: Value) => v as number;
    if (rk === 'timestamptz') return { resultType: rt, leftType: T.interval, rightType: r, fn: (a, b) => timestamptzPlusInterval(b as number, a as Interval) };
    return { resultType: rt, leftType: T.interval, rightType: r, fn: (a, b) => timestampPlusInterval(toUs(b), a as Interval) };
  }
  if ((lk === 'timestamp' || lk === 'timestamptz' || lk === 'date') && (rk === 'timestamp' || rk === 'timestamptz') && op === '-') {
    const t = lk === 'timestamptz' || rk === 'timestamptz' ? T.timestamptz : T.timestamp;
    return { resultType: T.interval, leftType: t, rightType: t, fn: (a, b) => timestampDifference(a as number, b as number) };
  }
  if ((lk === 'timestamp' || lk === 'timestamptz') && rk === 'date' && op === '-') {
    return { resultType: T.interval, leftType: l, rightType: l, fn: (a, b) => timestampDifference(a as number, b as number) };
  }
  if (lk === 'interval' && rk === 'interval' && (op === '+' || op === '-')) {
    return { resultType: T.interval, leftType: T.interval, rightType: T.interval, fn: (a, b) => (op === '+' ? (a as Interval).add(b as Interval) : (a as Interval).sub(b as Interval)) };
  }
  if (lk === 'interval' && NUMBER_KINDS.includes(rk) && (op === '*' || op === '/')) {
    return { resultType: T.interval, leftType: T.interval, rightType: T.float8, fn: (a, b) => (op === '*' ? (a as Interval).mul(b as number) : (a as Interval).div(b as number)) };
  }
  if (NUMBER_KINDS.includes(lk) && rk === 'interval' && op === '*') {
    return { resultType: T.interval, leftType: T.float8, rightType: T.interval, fn: (a, b) => (b as Interval).mul(a as number) };
  }
  throw noOperator(op, l, r);
}
