// The planner's one cardinality estimator: the share of a relation's rows a filter keeps and the
// rows an equi-join yields, from the statistics ANALYZE keeps (storage/table-statistics.ts) as
// PostgreSQL's selectivity functions use them (selfuncs.c: eqsel through the MCV list,
// scalarineqsel through the histogram, range pairs as clauselist_selectivity combines them,
// nulltestsel, scalararraysel, patternsel's histogram test, eqjoinsel's 1/max(nd1, nd2)).
// Without statistics — a table never analyzed, a derived table, an expression on a column — it
// falls back to fixed guesses, exactly those the planner used before statistics existed, so such
// plans do not change.

import { compareValues, type ColumnType, type Value } from '../../src/types/index.js';
import { likeMatcher } from '../../src/types/like-pattern.js';
import { Interval, Numeric } from '../../src/types/index.js';
import type { ColumnStatistics, TableStatistics } from '../../storage/index.js';
import { planChildren, type Plan } from '../plan/logical.js';
import { conjunctsOf, type Expr } from '../plan/expr.js';

/** A filter conjunct nothing is known about keeps this share of the rows. */
export const FILTER_SELECTIVITY = 0.25;
/** Without statistics: an equality with a constant, or a LIKE, keeps this share (an IN list this per item). */
export const EQUALITY_SELECTIVITY = 0.1;
/** Without statistics: one range bound keeps this share (two bounds on a column about a ninth). */
export const RANGE_SELECTIVITY = 1 / 3;
/** PostgreSQL's DEFAULT_RANGE_INEQ_SEL: a range whose two bounds' estimates leave (about) nothing. */
export const EMPTY_RANGE_SELECTIVITY = 0.005;
/** LIKE tests the pattern on the histogram's bounds when it has at least this many (else the fixed guess). */
export const LIKE_HISTOGRAM_BOUNDS_MIN = 10;

/** What the estimator knows of a relation: its rows now, and statistics by column ordinal. */
export interface RelationStatistics {
  readonly rows: number;
  readonly columns: readonly (ColumnStatistics | null)[];
}

/** A column's distinct non-null values in a relation of `rows` rows; undefined when unknown. */
export function distinctValues(stats: ColumnStatistics, rows: number): number | undefined {
  if (stats.nDistinct > 0) return stats.nDistinct;
  if (stats.nDistinct < 0) return Math.max(1, -stats.nDistinct * rows);
  return undefined;
}

/** The share of row pairs an equality of two columns keeps, from their distinct counts (PostgreSQL's eqjoinsel without MCVs). */
export function equiJoinSelectivity(distinctLeft: number, distinctRight: number): number {
  return 1 / Math.max(1, distinctLeft, distinctRight);
}

/** The share of rows one conjunct keeps; with `stats`, columns are the relation's ordinals. */
export function conjunctSelectivity(e: Expr, stats?: RelationStatistics): number {
  if (stats !== undefined) {
    const s = statisticsSelectivity(e, stats);
    if (s !== undefined) return clamp(s);
  }
  return guessedSelectivity(e);
}

/**
 * The share of rows a conjunction keeps. Conjuncts multiply (assumed independent), except that a
 * lower and an upper bound on one column with statistics are estimated together as a range.
 */
export function filterSelectivity(conjuncts: readonly Expr[], stats?: RelationStatistics): number {
  if (stats === undefined) return conjuncts.reduce((s, c) => s * guessedSelectivity(c), 1);
  const ranges = new Map<number, { lower?: number; upper?: number; nullFrac: number }>();
  let selectivity = 1;
  for (const c of conjuncts) {
    const bound = rangeBound(c, stats);
    if (bound === null) {
      selectivity *= conjunctSelectivity(c, stats);
      continue;
    }
    const r = ranges.get(bound.column) ?? { nullFrac: bound.nullFrac };
    const side = bound.lower ? 'lower' : 'upper';
    // Two bounds on one side: the tighter one counts (the other multiplies as PostgreSQL does).
    if (r[side] === undefined) r[side] = bound.selectivity;
    else selectivity *= bound.selectivity;
    ranges.set(bound.column, r);
  }
  for (const r of ranges.values()) {
    if (r.lower !== undefined && r.upper !== undefined) {
      let s = r.lower + r.upper - 1 + r.nullFrac;
      if (s <= 0) s = s < -0.01 ? 1e-10 : EMPTY_RANGE_SELECTIVITY;
      selectivity *= clamp(s);
    } else selectivity *= r.lower ?? r.upper ?? 1;
  }
  return selectivity;
}

/** The fixed guesses used without statistics. */
function guessedSelectivity(e: Expr): number {
  if (e.kind === 'binary' && (isConstant(e.left) || isConstant(e.right))) {
    if (e.op === '=') return EQUALITY_SELECTIVITY;
    if (e.op === '<' || e.op === '<=' || e.op === '>' || e.op === '>=') return RANGE_SELECTIVITY;
  }
  if (e.kind === 'like') return e.negate ? 1 - EQUALITY_SELECTIVITY : EQUALITY_SELECTIVITY;
  if (e.kind === 'in_list' && !e.negate) return Math.min(FILTER_SELECTIVITY * 2, EQUALITY_SELECTIVITY * e.list.length);
  return FILTER_SELECTIVITY;
}

function clamp(s: number): number {
  return Number.isNaN(s) ? FILTER_SELECTIVITY : Math.min(1, Math.max(0, s));
}

/** A constant or parameter (casts of one included): the same for every row. */
function isConstant(e: Expr): boolean {
  return e.kind === 'const' || e.kind === 'param' || (e.kind === 'cast' && isConstant(e.arg));
}

/** The value of a constant expression when it is known at planning (not a parameter); undefined otherwise. */
function constantValue(e: Expr): { value: Value; type: ColumnType } | undefined {
  if (e.kind === 'const') return { value: e.value, type: e.type };
  if (e.kind === 'cast') {
    const inner = constantValue(e.arg);
    if (inner === undefined) return undefined;
    try {
      return { value: inner.value === null ? null : e.fn(inner.value), type: e.type };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const MIRROR: Readonly<Record<string, string>> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** `column op constant` with the column on the left (mirrored when written the other way). */
function columnComparison(e: Expr, stats: RelationStatistics): { stats: ColumnStatistics; column: Expr & { kind: 'column' }; op: string; other: Expr } | null {
  if (e.kind !== 'binary' || MIRROR[e.op] === undefined) return null;
  let column = e.left;
  let other = e.right;
  let op = e.op;
  if (column.kind !== 'column') {
    [column, other] = [other, column];
    op = MIRROR[op]!;
  }
  if (column.kind !== 'column' || !isConstant(other)) return null;
  const cs = columnStatsOf(column, stats);
  return cs === undefined ? null : { stats: cs, column, op, other };
}

function columnStatsOf(column: Expr & { kind: 'column' }, stats: RelationStatistics): ColumnStatistics | undefined {
  const cs = stats.columns[column.index];
  return cs === null || cs === undefined || cs.typeKind !== column.type.kind ? undefined : cs;
}

/** A range bound on a column with statistics and a known constant: which column, which side, its selectivity. */
function rangeBound(e: Expr, stats: RelationStatistics): { column: number; lower: boolean; selectivity: number; nullFrac: number } | null {
  const cmp = columnComparison(e, stats);
  if (cmp === null || !['<', '<=', '>', '>='].includes(cmp.op)) return null;
  const c = constantValue(cmp.other);
  if (c === undefined || c.value === null || c.type.kind !== cmp.column.type.kind) return null;
  return { column: cmp.column.index, lower: cmp.op === '>' || cmp.op === '>=', selectivity: clamp(inequalitySelectivity(cmp.stats, cmp.column.type, cmp.op, c.value)), nullFrac: cmp.stats.nullFrac };
}

/** A conjunct's selectivity from statistics; undefined when they say nothing of it. */
function statisticsSelectivity(e: Expr, stats: RelationStatistics): number | undefined {
  switch (e.kind) {
    case 'binary': {
      const cmp = columnComparison(e, stats);
      if (cmp === null) return undefined;
      const c = constantValue(cmp.other);
      const known = c !== undefined && c.type.kind === cmp.column.type.kind ? c.value : undefined;
      if (cmp.op === '=' || cmp.op === '<>') {
        if (c !== undefined && c.value === null) return 0;
        const eq = known === undefined ? nonConstantEquality(cmp.stats, stats.rows) : constantEquality(cmp.stats, cmp.column.type, known, stats.rows);
        return cmp.op === '=' ? eq : 1 - eq - cmp.stats.nullFrac;
      }
      if (known === undefined || known === null) return undefined;
      return inequalitySelectivity(cmp.stats, cmp.column.type, cmp.op, known);
    }
    case 'is_null': {
      if (e.arg.kind !== 'column') return undefined;
      const cs = columnStatsOf(e.arg, stats);
      if (cs === undefined) return undefined;
      return e.negate ? 1 - cs.nullFrac : cs.nullFrac;
    }
    case 'in_list': {
      if (e.arg.kind !== 'column') return undefined;
      const cs = columnStatsOf(e.arg, stats);
      if (cs === undefined || !e.list.every(isConstant)) return undefined;
      let sum = 0;
      for (const item of e.list) {
        const c = constantValue(item);
        if (c !== undefined && c.value === null) continue;
        sum += c === undefined || c.type.kind !== e.arg.type.kind ? nonConstantEquality(cs, stats.rows) : constantEquality(cs, e.arg.type, c.value, stats.rows);
      }
      sum = Math.min(1, sum);
      return e.negate ? 1 - sum - cs.nullFrac : sum;
    }
    case 'like': {
      if (e.arg.kind !== 'column') return undefined;
      const cs = columnStatsOf(e.arg, stats);
      const pattern = constantValue(e.pattern);
      if (cs === undefined || pattern === undefined || typeof pattern.value !== 'string') return undefined;
      const match = likeMatcher(pattern.value, e.caseInsensitive);
      const s = matchingShare(cs, (v) => typeof v === 'string' && match(v));
      return e.negate ? 1 - s - cs.nullFrac : s;
    }
    case 'or': {
      let s = 0;
      for (const branch of e.args) {
        const b = filterSelectivity(conjunctsOf(branch), stats);
        s = s + b - s * b;
      }
      return s;
    }
    default:
      return undefined;
  }
}

/** PostgreSQL's var_eq_const: the MCV's frequency, else an even share of what the MCVs leave. */
function constantEquality(cs: ColumnStatistics, type: ColumnType, value: Value, rows: number): number {
  if (value === null) return 0;
  for (let i = 0; i < cs.mcvValues.length; i++) {
    if (sameValue(type, cs.mcvValues[i]!, value)) return cs.mcvFreqs[i]!;
  }
  const mcvTotal = cs.mcvFreqs.reduce((a, b) => a + b, 0);
  let s = clamp(1 - mcvTotal - cs.nullFrac);
  const distinct = distinctValues(cs, rows);
  if (distinct !== undefined) {
    const others = distinct - cs.mcvValues.length;
    if (others > 1) s /= others;
  } else s = Math.min(s, EQUALITY_SELECTIVITY);
  const least = cs.mcvFreqs[cs.mcvFreqs.length - 1];
  return least !== undefined && s > least ? least : s;
}

/** PostgreSQL's var_eq_non_const (a parameter): the non-null share over the distinct values. */
function nonConstantEquality(cs: ColumnStatistics, rows: number): number {
  const distinct = distinctValues(cs, rows);
  if (distinct === undefined) return EQUALITY_SELECTIVITY;
  const s = (1 - cs.nullFrac) / distinct;
  const most = cs.mcvFreqs[0];
  return most !== undefined && s > most ? most : s;
}

function sameValue(type: ColumnType, a: Value, b: Value): boolean {
  try {
    return compareValues(type, a, b) === 0;
  } catch {
    return false;
  }
}

/**
 * PostgreSQL's scalarineqsel: the MCVs that satisfy `column op value`, plus the histogram's
 * share of the rest (half of it without a histogram).
 */
export function inequalitySelectivity(cs: ColumnStatistics, type: ColumnType, op: string, value: Value): number {
  const holds = (v: Value): boolean => {
    const c = compareValues(type, v, value);
    return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
  };
  let mcvShare = 0;
  let mcvTotal = 0;
  cs.mcvValues.forEach((v, i) => {
    mcvTotal += cs.mcvFreqs[i]!;
    if (holds(v)) mcvShare += cs.mcvFreqs[i]!;
  });
  const rest = clamp(1 - mcvTotal - cs.nullFrac);
  let histogramShare = 0.5;
  if (cs.histogram.length >= 2) {
    const below = histogramFractionBelow(cs.histogram, type, value);
    histogramShare = op === '<' || op === '<=' ? below : 1 - below;
  }
  return mcvShare + rest * histogramShare;
}

/** The share of a histogram's population below `value`: whole buckets, and the bucket it falls in by linear interpolation where values are numbers. */
export function histogramFractionBelow(bounds: readonly Value[], type: ColumnType, value: Value): number {
  const n = bounds.length;
  if (compareValues(type, value, bounds[0]!) <= 0) return 0;
  if (compareValues(type, value, bounds[n - 1]!) >= 0) return 1;
  // The bucket [bounds[lo], bounds[lo + 1]) holding value.
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (compareValues(type, bounds[mid]!, value) < 0) lo = mid;
    else hi = mid;
  }
  const a = scalarOf(bounds[lo]!);
  const b = scalarOf(bounds[lo + 1]!);
  const v = scalarOf(value);
  let within = 0.5;
  if (a !== undefined && b !== undefined && v !== undefined && b > a) within = Math.min(1, Math.max(0, (v - a) / (b - a)));
  return (lo + within) / (n - 1);
}

/** A value on a number line for interpolation inside a histogram bucket (PostgreSQL's convert_to_scalar, numbers and times only). */
function scalarOf(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Numeric) return v.toNumber();
  if (v instanceof Interval) return v.sortValue();
  return undefined;
}

/**
 * The share of rows whose value passes `test` (a LIKE): the MCVs that pass, plus the share of the
 * histogram's bounds that pass applied to the rest (the fixed guess when the histogram is short).
 */
function matchingShare(cs: ColumnStatistics, test: (v: Value) => boolean): number {
  let share = 0;
  let mcvTotal = 0;
  cs.mcvValues.forEach((v, i) => {
    mcvTotal += cs.mcvFreqs[i]!;
    if (test(v)) share += cs.mcvFreqs[i]!;
  });
  const rest = clamp(1 - mcvTotal - cs.nullFrac);
  let restShare = EQUALITY_SELECTIVITY;
  if (cs.histogram.length >= LIKE_HISTOGRAM_BOUNDS_MIN) restShare = cs.histogram.filter(test).length / cs.histogram.length;
  return share + rest * restShare;
}

type ScanPlan = Plan & { kind: 'scan' };
/** A scanned table's statistics from ANALYZE, if any (absent: the estimator's fixed guesses). */
export type ScanStatistics = (scan: ScanPlan) => TableStatistics | undefined;

/** The share of rows a filter above a scan is assumed to keep (a scan's own filter is estimated per conjunct). */
export const FILTER_NODE_SELECTIVITY = 0.3;

/**
 * Input rows per group assumed for a grouped aggregate's size (no column statistics yet): a
 * per-key aggregate of a detail table (TPC-H Q18's line items per order) then counts as smaller
 * than the table of its keys, which runs second and is filtered by its keys.
 */
export const AGGREGATE_ROWS_PER_GROUP = 4;

/**
 * A rough size of a plan's output: a table's rows, cut by its filter's conjuncts (see filterSelectivity: from the table's statistics when `statsOf` has them) and by FILTER_NODE_SELECTIVITY per filter node above it; an inner,
 * semi or anti join as its smaller side (joins on keys mostly keep the matches of the smaller
 * side), an outer join as the side it keeps, a grouped aggregate AGGREGATE_ROWS_PER_GROUP times
 * smaller than its input.
 */
export function estimateRows(p: Plan, rowsOf: (scan: ScanPlan) => number, statsOf?: ScanStatistics): number {
  if (p.kind === 'scan') {
    if (p.filter === null) return rowsOf(p);
    const rows = rowsOf(p);
    const stats = statsOf?.(p);
    return rows * filterSelectivity(conjunctsOf(p.filter), stats === undefined ? undefined : { rows, columns: stats.columns });
  }
  if (p.kind === 'join') {
    const l = estimateRows(p.left, rowsOf, statsOf);
    const r = estimateRows(p.right, rowsOf, statsOf);
    if (p.joinType === 'left') return l;
    if (p.joinType === 'right') return r;
    if (p.joinType === 'full' || p.joinType === 'cross') return Math.max(l, r);
    return Math.min(l, r);
  }
  const below = Math.max(0, ...planChildren(p).map((c) => estimateRows(c, rowsOf, statsOf)));
  if (p.kind === 'aggregate') return p.groupBy.length === 0 ? 1 : below / AGGREGATE_ROWS_PER_GROUP;
  return p.kind === 'filter' ? below * FILTER_NODE_SELECTIVITY : below;
}
