// Aggregate accumulators (count, sum, avg, min, max, bool_and/or, string_agg; array_agg and the
// ordered-set aggregates in ordered-aggregates.ts) with PostgreSQL's result types: sum(int4) →
// bigint, sum(int8) → numeric, avg(int) → numeric, and so on.

import { EonError } from '../../src/errors/index.js';
import { Interval, Numeric, T, compareValues, keyString, type ColumnType, type Value } from '../../src/types/index.js';
import { numericAvg } from './value-math.js';
import type { AggregateCall } from '../plan/logical.js';
import { ArrayAggAccumulator, OrderedSetAccumulator } from './ordered-aggregates.js';
import { JsonbAggAccumulator } from './jsonb-aggregates.js';

/** Past this magnitude a float64 integer sum may lose units, so the sum moves to bigint. */
const EXACT_NUMBER_SUM_MAX = 2 ** 52;

export interface Accumulator {
  add(v: Value): void;
  result(): Value;
}

export function newAccumulator(call: AggregateCall): Accumulator {
  // array_agg(DISTINCT x) keeps NULL as an element: it does its own DISTINCT.
  if (call.name === 'array_agg') return new ArrayAggAccumulator(call.args[0]?.type ?? T.unknown, call.distinct, call.distinct && call.orderBy.length === 0);
  if (call.name === 'jsonb_agg') return new JsonbAggAccumulator(call.args[0]?.type ?? T.unknown, call.distinct, call.distinct && call.orderBy.length === 0);
  const inner = plainAccumulator(call);
  if (!call.distinct) return inner;
  const argType = call.args[0]?.type ?? T.unknown;
  const seen = new Set<string>();
  return {
    add(v) {
      if (v === null) return;
      const k = keyString(argType, v);
      if (seen.has(k)) return;
      seen.add(k);
      inner.add(v);
    },
    result: () => inner.result(),
  };
}

function plainAccumulator(call: AggregateCall): Accumulator {
  const argType: ColumnType = call.args[0]?.type ?? T.unknown;
  switch (call.name) {
    case 'count_star':
    case 'count': {
      let n = 0;
      return { add: (v) => void (v !== null && n++), result: () => BigInt(n) };
    }
    case 'sum':
      return sumAccumulator(argType);
    case 'avg':
      return avgAccumulator(argType);
    case 'min':
    case 'max': {
      const sign = call.name === 'min' ? -1 : 1;
      let best: Value = null;
      return {
        add(v) {
          if (v === null) return;
          if (best === null || compareValues(argType, v, best) * sign > 0) best = v;
        },
        result: () => best,
      };
    }
    case 'bool_and':
    case 'bool_or': {
      const isAnd = call.name === 'bool_and';
      let acc: boolean | null = null;
      return {
        add(v) {
          if (v === null) return;
          acc = acc === null ? (v as boolean) : isAnd ? acc && (v as boolean) : acc || (v as boolean);
        },
        result: () => acc,
      };
    }
    case 'string_agg':
      throw new EonError('internal_error', 'string_agg is accumulated with its delimiter');
    case 'array_agg':
      return new ArrayAggAccumulator(argType, false, false);
    case 'jsonb_agg':
      return new JsonbAggAccumulator(argType, false, false);
    case 'jsonb_object_agg':
      throw new EonError('internal_error', 'jsonb_object_agg is accumulated with its two arguments');
    case 'mode': {
      // Values arrive in WITHIN GROUP order (see newSlot in operators/hash-aggregate.ts).
      const acc = new OrderedSetAccumulator('mode', argType);
      return { add: (v) => acc.add(v), result: () => acc.result(null) };
    }
    case 'percentile_cont':
    case 'percentile_disc':
      throw new EonError('internal_error', `${call.name} is accumulated with its fraction`);
    case 'grouping':
      throw new EonError('internal_error', 'grouping() is replaced by constants while binding');
  }
}

function sumAccumulator(t: ColumnType): Accumulator {
  switch (t.kind) {
    case 'int2':
    case 'int4': {
      let n = 0;
      let big = 0n;
      let any = false;
      return {
        add(v) {
          if (v === null) return;
          any = true;
          n += v as number;
          if (n > EXACT_NUMBER_SUM_MAX || n < -EXACT_NUMBER_SUM_MAX) {
            big += BigInt(n);
            n = 0;
          }
        },
        result: () => (any ? big + BigInt(n) : null),
      };
    }
    case 'int8': {
      let s = 0n;
      let any = false;
      return {
        add(v) {
          if (v === null) return;
          any = true;
          s += v as bigint;
        },
        result: () => (any ? Numeric.fromBigInt(s) : null),
      };
    }
    case 'numeric': {
      let coef = 0n;
      let scale = 0;
      let any = false;
      return {
        add(v) {
          if (v === null) return;
          any = true;
          const x = v as Numeric;
          if (x.scale > scale) {
            coef *= 10n ** BigInt(x.scale - scale);
            scale = x.scale;
          }
          coef += x.scale === scale ? x.coef : x.coef * 10n ** BigInt(scale - x.scale);
        },
        result: () => (any ? new Numeric(coef, scale) : null),
      };
    }
    case 'float4':
    case 'float8': {
      let s = 0;
      let any = false;
      const f4 = t.kind === 'float4';
      return {
        add(v) {
          if (v === null) return;
          any = true;
          s += v as number;
        },
        result: () => (any ? (f4 ? Math.fround(s) : s) : null),
      };
    }
    case 'interval': {
      let s: Interval | null = null;
      return {
        add(v) {
          if (v === null) return;
          s = s === null ? (v as Interval) : s.add(v as Interval);
        },
        result: () => s,
      };
    }
    default:
      throw new EonError('undefined_function', `function sum(${t.kind}) does not exist`);
  }
}

function avgAccumulator(t: ColumnType): Accumulator {
  let count = 0;
  if (t.kind === 'float4' || t.kind === 'float8') {
    let s = 0;
    return {
      add(v) {
        if (v === null) return;
        count++;
        s += v as number;
      },
      result: () => (count === 0 ? null : s / count),
    };
  }
  if (t.kind === 'interval') {
    const sum = sumAccumulator(t);
    return {
      add(v) {
        if (v === null) return;
        count++;
        sum.add(v);
      },
      result: () => (count === 0 ? null : (sum.result() as Interval).div(count)),
    };
  }
  const sum = sumAccumulator(t.kind === 'int8' ? T.numeric : t);
  const toNumeric = t.kind === 'int8' ? (v: Value) => Numeric.fromBigInt(v as bigint) : (v: Value) => v;
  return {
    add(v) {
      if (v === null) return;
      count++;
      sum.add(toNumeric(v));
    },
    result() {
      if (count === 0) return null;
      const s = sum.result();
      const asNumeric = typeof s === 'bigint' ? Numeric.fromBigInt(s) : (s as Numeric);
      return numericAvg(asNumeric, count);
    },
  };
}

/** string_agg(value, delimiter): concatenation in input order, NULL values skipped. */
export class StringAggAccumulator {
  private parts: string[] = [];
  private delims: string[] = [];
  /** string_agg(DISTINCT x, d): the (x, d) pairs seen, as PostgreSQL removes duplicate argument rows. */
  private readonly seen: Set<string> | null;
  constructor(distinct = false) {
    this.seen = distinct ? new Set() : null;
  }
  add(v: Value, delim: Value): void {
    if (v === null) return;
    if (this.seen !== null) {
      const k = JSON.stringify([v, delim]);
      if (this.seen.has(k)) return;
      this.seen.add(k);
    }
    this.parts.push(v as string);
    this.delims.push(delim === null ? '' : (delim as string));
  }
  result(): Value {
    if (this.parts.length === 0) return null;
    let out = this.parts[0]!;
    for (let i = 1; i < this.parts.length; i++) out += this.delims[i]! + this.parts[i]!;
    return out;
  }
}
