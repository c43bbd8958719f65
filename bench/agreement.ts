// Whether two engines returned the same answer: numbers within a relative tolerance (engines sum
// in different orders and types), other values as text, rows in order or as multisets.

import type { Cell } from './engines/index.js';

export function numbersAgree(a: number, b: number, relativeTolerance: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= relativeTolerance * Math.max(Math.abs(a), Math.abs(b));
}

/** A cell as comparable text: dates as ISO days, numbers in shortest form. */
function cellText(cell: Cell | Date): string | null {
  if (cell === null) return null;
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell);
}

const NUMERIC = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function cellsAgree(a: Cell | Date, b: Cell | Date, relativeTolerance: number): boolean {
  const x = cellText(a);
  const y = cellText(b);
  if (x === null || y === null) return x === y;
  if (x === y) return true;
  if (NUMERIC.test(x) && NUMERIC.test(y)) return numbersAgree(Number(x), Number(y), relativeTolerance);
  // Fixed-width char(n) columns come back blank-padded from some engines.
  return x.trimEnd() === y.trimEnd();
}

/** Sort key for multiset comparison: text cells as they are, numbers rounded well inside the tolerance. */
function rowSortKey(row: readonly (Cell | Date)[]): string {
  return row
    .map((cell) => {
      const t = cellText(cell);
      if (t === null) return '\u0000';
      return NUMERIC.test(t) ? Number(t).toPrecision(5) : t.trimEnd();
    })
    .join('\u0001');
}

/**
 * The first difference between `got` and `want`, or null when they agree. Without a total order
 * the rows are compared as multisets (both sides sorted).
 */
export function resultDifference(got: readonly Cell[][], want: readonly Cell[][], ordered: boolean, relativeTolerance: number): string | null {
  if (got.length !== want.length) return `${got.length} rows, expected ${want.length}`;
  const sort = (rows: readonly Cell[][]): Cell[][] =>
    rows
      .map((row) => ({ row, key: rowSortKey(row) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((keyed) => keyed.row);
  const g = ordered ? got : sort(got);
  const w = ordered ? want : sort(want);
  for (let i = 0; i < w.length; i++) {
    const gr = g[i]!;
    const wr = w[i]!;
    if (gr.length !== wr.length) return `row ${i + 1}: ${gr.length} columns, expected ${wr.length}`;
    for (let c = 0; c < wr.length; c++) {
      if (!cellsAgree(gr[c]!, wr[c]!, relativeTolerance)) return `row ${i + 1} column ${c + 1}: ${cellText(gr[c]!)}, expected ${cellText(wr[c]!)}`;
    }
  }
  return null;
}
