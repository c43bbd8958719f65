// Accumulators of the aggregates that keep their input: array_agg (PostgreSQL's array text,
// NULL elements included) and the ordered-set aggregates percentile_cont, percentile_disc and
// mode, which receive their values already sorted by the WITHIN GROUP key (the executor sorts an
// ordered aggregate's rows before feeding them).

import { EonError } from '../../src/errors/index.js';
import { Interval, compareValues, formatText, keyString, type ColumnType, type Value } from '../../src/types/index.js';
import { formatArray } from '../catalog/array-text.js';

/**
 * An aggregate that keeps its input values for a finishing step (array_agg, jsonb_agg): NULL when
 * there are no rows. With `distinct`, each value once (NULL too, as PostgreSQL); `sortDistinct`:
 * in ascending order, NULL last, as PostgreSQL's sort-based DISTINCT leaves them when the call has
 * no ORDER BY.
 */
export abstract class ValueListAccumulator {
  private readonly values: Value[] = [];
  private readonly seen: Set<string> | null;

  constructor(
    protected readonly type: ColumnType,
    distinct: boolean,
    private readonly sortDistinct: boolean,
  ) {
    this.seen = distinct ? new Set() : null;
  }

  add(v: Value): void {
    if (this.seen !== null) {
      const k = v === null ? '\u0000N' : keyString(this.type, v);
      if (this.seen.has(k)) return;
      this.seen.add(k);
    }
    this.values.push(v);
  }

  result(): Value {
    if (this.values.length === 0) return null;
    let values = this.values;
    if (this.sortDistinct) {
      values = [...values].sort((a, b) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : compareValues(this.type, a, b)));
    }
    return this.finish(values);
  }

  protected abstract finish(values: readonly Value[]): Value;
}

/** array_agg(x): the elements in input order as PostgreSQL's array text, NULLs as NULL. */
export class ArrayAggAccumulator extends ValueListAccumulator {
  protected finish(values: readonly Value[]): Value {
    return formatArray(values.map((v) => (v === null ? null : formatText(this.type, v))));
  }
}

/** percentile_cont / percentile_disc / mode over values arriving in WITHIN GROUP order; NULLs are ignored. */
export class OrderedSetAccumulator {
  private readonly values: Value[] = [];

  constructor(
    private readonly name: 'percentile_cont' | 'percentile_disc' | 'mode',
    private readonly type: ColumnType,
  ) {}

  add(v: Value): void {
    if (v !== null) this.values.push(v);
  }

  /** `fraction`: the percentile (float8), checked even when there were no rows, as PostgreSQL does. */
  result(fraction: Value): Value {
    if (this.name === 'mode') return this.mode();
    if (fraction === null) return null;
    const f = fraction as number;
    if (!(f >= 0 && f <= 1)) throw new EonError('numeric_value_out_of_range', `percentile value ${formatG(f)} is not between 0 and 1`);
    const n = this.values.length;
    if (n === 0) return null;
    if (this.name === 'percentile_disc') {
      // The first value whose position (1-based) reaches fraction × rows.
      const row = Math.ceil(f * n);
      return this.values[row > 1 ? row - 1 : 0]!;
    }
    const position = f * (n - 1);
    const lo = Math.floor(position);
    const hi = Math.ceil(position);
    const low = this.values[lo]!;
    if (hi === lo) return low;
    return lerp(this.type, low, this.values[hi]!, position - lo);
  }

  /** The most frequent value; among equally frequent ones the first in WITHIN GROUP order. */
  private mode(): Value {
    let best: Value = null;
    let bestCount = 0;
    let run: Value = null;
    let runCount = 0;
    for (const v of this.values) {
      if (runCount > 0 && compareValues(this.type, v, run) === 0) {
        runCount++;
        continue;
      }
      if (runCount > bestCount) {
        best = run;
        bestCount = runCount;
      }
      run = v;
      runCount = 1;
    }
    return runCount > bestCount ? run : best;
  }
}

/** PostgreSQL's float8_lerp (lo + (hi − lo) × t) and interval_lerp ((hi − lo) × t + lo). */
function lerp(type: ColumnType, lo: Value, hi: Value, t: number): Value {
  if (type.kind === 'interval') return (hi as Interval).sub(lo as Interval).mul(t).add(lo as Interval);
  return (lo as number) + ((hi as number) - (lo as number)) * t;
}

/** C's printf %g (6 significant digits, trailing zeros dropped), which PostgreSQL's message uses. */
export function formatG(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = Number(x.toExponential(5).split('e')[1]);
  if (exp < -4 || exp >= 6) {
    const [mantissa, e] = x.toExponential(5).split('e') as [string, string];
    const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const ev = Number(e);
    return `${m}e${ev < 0 ? '-' : '+'}${String(Math.abs(ev)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(Math.max(0, 5 - exp));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
