// Small value computations the aggregates need, expressed with src/types' exact arithmetic.

import { Interval, Numeric } from '../../src/types/index.js';

export function numericFromBigInt(v: bigint): Numeric {
  return new Numeric(v, 0);
}

/** avg = sum / count with numeric division's result scale, as PostgreSQL's numeric_avg. */
export function numericAvg(sum: Numeric, count: number): Numeric {
  return sum.div(new Numeric(BigInt(count), 0));
}

export function intervalAdd(a: Interval, b: Interval): Interval {
  return a.add(b);
}

export function intervalDivide(a: Interval, count: number): Interval {
  return a.div(count);
}
