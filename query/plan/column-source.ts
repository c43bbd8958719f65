// Where an output column of a plan comes from: the table scan and column whose value it carries
// unchanged, through projections, filters, group keys and the sides of joins that keep their
// rows' values (both sides of an inner join, the left side of left, semi and anti joins).

import type { Plan } from './logical.js';

type ScanPlan = Plan & { kind: 'scan' };

export interface ColumnSource {
  readonly scan: ScanPlan;
  /** The table ordinal of the column. */
  readonly ordinal: number;
}

/** The scan column that output column `col` of `p` carries, or null when it is computed or comes another way. */
export function columnSource(p: Plan, col: number): ColumnSource | null {
  switch (p.kind) {
    case 'scan': {
      const ordinal = p.project === undefined ? col : p.project[col];
      return ordinal === undefined ? null : { scan: p, ordinal };
    }
    case 'project': {
      const e = p.exprs[col];
      return e?.kind === 'column' ? columnSource(p.input, e.index) : null;
    }
    case 'filter':
      return columnSource(p.input, col);
    case 'aggregate': {
      const g = p.groupBy[col];
      return g?.kind === 'column' ? columnSource(p.input, g.index) : null;
    }
    case 'join': {
      const leftWidth = p.left.columns.length;
      if (p.joinType === 'semi' || p.joinType === 'anti') return columnSource(p.left, col);
      if (col < leftWidth) return p.joinType === 'inner' || p.joinType === 'left' ? columnSource(p.left, col) : null;
      return p.joinType === 'inner' ? columnSource(p.right, col - leftWidth) : null;
    }
    default:
      return null;
  }
}
