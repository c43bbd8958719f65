// A runtime filter from an ORDER BY … LIMIT above a join to a scan under it (as DuckDB's and
// DataFusion's dynamic filters): once the top-N keeps a full set of rows, a row of the scan whose
// first sort key ranks after the worst kept row's can only produce output rows that rank after it
// too, so scan tasks issued from then on drop it in the data engine. The bound only tightens; ties
// are kept (later sort keys decide). Ranks are the kernel's (see topNRank in scan-fragment.ts):
// the key, negated for DESC, NULL at ±Infinity by NULLS FIRST/LAST.

import type { ColumnType, Value } from '../../src/types/index.js';
import { Numeric } from '../../src/types/numeric.js';
import { physicalOf } from '../../storage/index.js';

export type KernelRank = number | bigint;

export class TopNBound {
  private current: KernelRank | null = null;

  constructor(
    /** Table ordinal of the scan column the first sort key is. */
    readonly ordinal: number,
    readonly descending: boolean,
    readonly nullsFirst: boolean,
    private readonly rankOf: (key: Value) => KernelRank | null,
  ) {}

  /** The first sort key of the top-N's worst kept row: rows ranking after it cannot enter. */
  report(key: Value): void {
    const r = this.rankOf(key);
    // NaN ranks nowhere (the kernel lets NaN keys through): it bounds nothing.
    if (r === null || r !== r) return;
    if (this.current === null || r < this.current) this.current = r;
  }

  /** The rank a row may have at most to still enter the top-N (null: no bound yet). */
  get rank(): KernelRank | null {
    return this.current;
  }
}

/**
 * A bound for a scan column of this type, or null when the kernel has no exact rank for it (only
 * integers, floats and fixed-scale numerics, whose coordinator values convert exactly).
 */
export function topNBoundFor(type: ColumnType, ordinal: number, descending: boolean, nullsFirst: boolean): TopNBound | null {
  const rank = rankOfValue(type);
  if (rank === null) return null;
  return new TopNBound(ordinal, descending, nullsFirst, (v) => {
    if (v === null) return nullsFirst ? -Infinity : Infinity;
    const r = rank(v);
    if (r === null) return null;
    return descending ? -r : r;
  });
}

/** The kernel's value of a column's non-null coordinator value (before DESC's negation). */
function rankOfValue(type: ColumnType): ((v: Value) => KernelRank | null) | null {
  switch (type.kind) {
    case 'int2':
    case 'int4':
    case 'float4':
    case 'float8':
      return (v) => (typeof v === 'number' ? v : null);
    case 'int8':
      return (v) => (typeof v === 'bigint' ? v : null);
    case 'numeric': {
      if (physicalOf(type) !== 'scaled') return null;
      const scale = type.scale ?? 0;
      // Stored as coefficient × 10^-scale in doubles: a value of a smaller scale is scaled up exactly.
      return (v) => {
        if (!(v instanceof Numeric) || v.scale > scale) return null;
        const coef = Number(v.coef * 10n ** BigInt(scale - v.scale));
        return Number.isSafeInteger(coef) ? coef : null;
      };
    }
    default:
      return null;
  }
}
