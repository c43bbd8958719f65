// avg over exact numbers: PostgreSQL's numeric_avg divides with numeric division's result scale.

import { Numeric } from '../../src/types/index.js';

export function numericAvg(sum: Numeric, count: number): Numeric {
  return sum.div(new Numeric(BigInt(count), 0));
}
