// One column's statistics from a sample of its values, computed as PostgreSQL's ANALYZE does
// (src/backend/commands/analyze.c, compute_scalar_stats): null fraction, average stored width,
// the number of distinct values (the Haas–Stokes Duj1 estimator, stored negative when above a
// tenth of the rows), most common values chosen by analyze_mcv_list, an equi-depth histogram of
// the rest and the correlation of stored order with value order. A sample that is the whole table
// gives exactly PostgreSQL's figures for it.

import { Numeric, compareValues, formatText, typeSize, type ColumnType, type Value } from '../../src/types/index.js';
import type { ColumnStatistics } from '../../storage/index.js';

/** PostgreSQL's default_statistics_target: bounds the MCV list and histogram, and sizes the sample. */
export const STATISTICS_TARGET = 100;
/** Rows ANALYZE samples per table (PostgreSQL: 300 × the statistics target). */
export const SAMPLE_ROWS_MAX = 300 * STATISTICS_TARGET;
/** Most common values kept per column. */
export const MCV_ENTRIES_MAX = STATISTICS_TARGET;
/** Histogram bounds kept per column (the target's number of buckets, plus one). */
export const HISTOGRAM_BOUNDS_MAX = STATISTICS_TARGET + 1;
/** Values wider than this (bytes) count for width and as distinct, but are not compared (PostgreSQL's WIDTH_THRESHOLD). */
export const WIDTH_THRESHOLD_BYTES = 1024;

/** Types without an ordering: MCVs only, no histogram or correlation (PostgreSQL's compute_distinct_stats). */
const UNORDERED_KINDS = new Set(['unknown']);
/** Types without even equality (json): null fraction and width only (PostgreSQL's compute_trivial_stats). */
const TRIVIAL_KINDS = new Set(['json']);

/** Number keys that order values as compareValues does; `exact`: equal keys mean equal values. */
const SORT_KEYS: Partial<Record<string, { key: (v: Value) => number; exact: boolean }>> = {
  int2: { key: (v) => v as number, exact: true },
  int4: { key: (v) => v as number, exact: true },
  date: { key: (v) => v as number, exact: true },
  time: { key: (v) => v as number, exact: true },
  timestamp: { key: (v) => v as number, exact: true },
  timestamptz: { key: (v) => v as number, exact: true },
  int8: { key: (v) => Number(v as bigint), exact: false },
  numeric: { key: (v) => (v as Numeric).toNumber(), exact: false },
};

/** The bytes PostgreSQL would store for a value: the type's fixed length, or a varlena's data plus its header. */
export function storedWidth(type: ColumnType, v: Value): number {
  const fixed = typeSize(type);
  if (fixed > 0) return fixed;
  let data: number;
  if (type.kind === 'numeric' && v instanceof Numeric) data = 2 + 2 * numericDigitGroups(v);
  else if (type.kind === 'bytea' && typeof v === 'string') data = v.length;
  else data = Buffer.byteLength(typeof v === 'string' ? v : formatText(type, v), 'utf8');
  // A short varlena (up to 126 data bytes) has a one-byte header, others four.
  return data + (data + 1 <= 127 ? 1 : 4);
}

/** Base-10000 digits of a numeric as PostgreSQL stores it (leading and trailing zero groups stripped). */
function numericDigitGroups(v: Numeric): number {
  if (v.coef === 0n) return 0;
  const digits = (v.coef < 0n ? -v.coef : v.coef).toString();
  const intLen = digits.length - v.scale;
  // Groups are aligned on the decimal point: pad the integer part on the left, the fraction on the right.
  const intPart = intLen > 0 ? digits.slice(0, intLen) : '';
  const fracPart = intLen >= 0 ? digits.slice(intLen) : '0'.repeat(-intLen) + digits;
  const intPadded = intPart.padStart(Math.ceil(intPart.length / 4) * 4, '0');
  const fracPadded = fracPart.padEnd(Math.ceil(fracPart.length / 4) * 4, '0');
  const groups: string[] = [];
  for (let i = 0; i < intPadded.length; i += 4) groups.push(intPadded.slice(i, i + 4));
  for (let i = 0; i < fracPadded.length; i += 4) groups.push(fracPadded.slice(i, i + 4));
  let first = 0;
  let last = groups.length - 1;
  while (first <= last && groups[first] === '0000') first++;
  while (last >= first && groups[last] === '0000') last--;
  return Math.max(0, last - first + 1);
}

/**
 * Statistics of a column from `sample` (its values in the sample's stored order, NULLs included)
 * of a table holding `totalRows` rows. `name` and the type are recorded so a later ALTER TABLE
 * can tell the record is stale.
 */
export function computeColumnStatistics(name: string, type: ColumnType, sample: readonly Value[], totalRows: number): ColumnStatistics {
  const sampleRows = sample.length;
  const base = { name, typeKind: type.kind, correlation: null as number | null };
  const fixed = typeSize(type);
  let nullCount = 0;
  let totalWidth = 0;
  let tooWide = 0;
  /** Comparable values in sample order (too wide ones left out). */
  const values: Value[] = [];
  for (const v of sample) {
    if (v === null) {
      nullCount++;
      continue;
    }
    const w = storedWidth(type, v);
    totalWidth += w;
    if (fixed <= 0 && w > WIDTH_THRESHOLD_BYTES) {
      tooWide++;
      continue;
    }
    values.push(v);
  }
  const nonNull = sampleRows - nullCount;
  if (nonNull === 0) {
    // Only NULLs (or no rows): the column is assumed entirely NULL.
    return { ...base, nullFrac: sampleRows === 0 ? 0 : 1, avgWidth: fixed > 0 ? fixed : 0, nDistinct: 0, mcvValues: [], mcvFreqs: [], histogram: [] };
  }
  // Rounded to float4 as pg_statistic stores it before the figures below use it (n_distinct then matches PostgreSQL's bit for bit).
  const nullFrac = Math.fround(nullCount / sampleRows);
  const avgWidth = fixed > 0 ? fixed : Math.trunc(totalWidth / nonNull);
  if (TRIVIAL_KINDS.has(type.kind)) return { ...base, nullFrac, avgWidth, nDistinct: 0, mcvValues: [], mcvFreqs: [], histogram: [] };
  const ordered = !UNORDERED_KINDS.has(type.kind);

  // Runs of equal values: sorted by value then sample position (ordered types), or grouped by text.
  const order = values.map((_, i) => i);
  let groups: { first: number; count: number; value: Value }[];
  if (ordered) {
    // A number per value orders most types without calling compareValues (the sort's cost); ties
    // of inexact keys (bigint, numeric beyond a double's digits) and NaN fall back to it.
    const numberKey = SORT_KEYS[type.kind];
    if (numberKey === undefined) order.sort((a, b) => compareValues(type, values[a]!, values[b]!) || a - b);
    else {
      const keys = Float64Array.from(values, numberKey.key);
      const exact = numberKey.exact;
      order.sort((a, b) => {
        const d = keys[a]! - keys[b]!;
        if (d < 0) return -1;
        if (d > 0) return 1;
        return (exact && d === 0 ? 0 : compareValues(type, values[a]!, values[b]!)) || a - b;
      });
    }
    groups = [];
    for (let i = 0; i < order.length; i++) {
      const v = values[order[i]!]!;
      const last = groups[groups.length - 1];
      if (last !== undefined && compareValues(type, last.value, v) === 0) last.count++;
      else groups.push({ first: i, count: 1, value: v });
    }
  } else {
    const byText = new Map<string, { first: number; count: number; value: Value }>();
    values.forEach((v, i) => {
      const key = formatText(type, v);
      const g = byText.get(key);
      if (g === undefined) byText.set(key, { first: i, count: 1, value: v });
      else g.count++;
    });
    groups = [...byText.values()];
  }
  const nDistinctSample = groups.length;
  const multiple = groups.filter((g) => g.count > 1);
  const nMultiple = multiple.length;

  let nDistinct: number;
  if (nMultiple === 0) {
    // Every value seen once: assume the column is unique.
    nDistinct = -1 * (1 - nullFrac);
  } else if (tooWide === 0 && nMultiple === nDistinctSample) {
    // Every value seen more than once: assume the column holds just these.
    nDistinct = nDistinctSample;
  } else {
    const f1 = nDistinctSample - nMultiple + tooWide;
    const d = f1 + nMultiple;
    const n = nonNull;
    const N = totalRows * (1 - nullFrac);
    let estimate = N > 0 ? (n * d) / (n - f1 + (f1 * n) / N) : 0;
    if (estimate < d) estimate = d;
    if (estimate > N) estimate = N;
    nDistinct = Math.floor(estimate + 0.5);
  }
  if (nDistinct > 0.1 * totalRows) nDistinct = -(nDistinct / totalRows);

  // Most common values: the repeated values, most frequent first (ties by value, as PostgreSQL's track list).
  const track = [...multiple].sort((a, b) => b.count - a.count).slice(0, MCV_ENTRIES_MAX);
  let mcvCount: number;
  if (track.length === nDistinctSample && tooWide === 0 && nDistinct > 0 && track.length <= MCV_ENTRIES_MAX) mcvCount = track.length;
  else mcvCount = chooseMcvCount(track.map((t) => t.count), nDistinct, nullFrac, sampleRows, totalRows);
  const mcv = track.slice(0, mcvCount);

  let histogram: Value[] = [];
  let correlation: number | null = null;
  if (ordered) {
    // Histogram of the values left once the MCVs are taken out.
    const inMcv = new Set(mcv.map((g) => g.first));
    const rest: Value[] = [];
    for (const g of groups) if (!inMcv.has(g.first)) for (let k = 0; k < g.count; k++) rest.push(g.value);
    let bounds = nDistinctSample - mcv.length;
    if (bounds > HISTOGRAM_BOUNDS_MAX) bounds = HISTOGRAM_BOUNDS_MAX;
    if (bounds >= 2) histogram = histogramBounds(rest, bounds);
    if (values.length > 1) correlation = orderCorrelation(order);
  }
  return {
    ...base,
    nullFrac,
    avgWidth,
    nDistinct,
    mcvValues: mcv.map((g) => g.value),
    mcvFreqs: mcv.map((g) => g.count / sampleRows),
    histogram,
    correlation,
  };
}

/**
 * PostgreSQL's analyze_mcv_list: of the candidate counts (descending), how many are common
 * enough to keep — a value stays when its count is significantly (two standard deviations of
 * the hypergeometric sampling error) above what an average non-MCV value would get. A sample
 * of the whole table keeps them all.
 */
export function chooseMcvCount(counts: readonly number[], nDistinct: number, nullFrac: number, sampleRows: number, totalRows: number): number {
  let n = Math.min(counts.length, MCV_ENTRIES_MAX);
  if (sampleRows >= totalRows) return n;
  const distinctTable = nDistinct < 0 ? -nDistinct * totalRows : nDistinct;
  let sum = 0;
  for (let i = 0; i < n - 1; i++) sum += counts[i]!;
  while (n > 0) {
    let selec = 1 - sum / sampleRows - nullFrac;
    selec = Math.min(1, Math.max(0, selec));
    const otherDistinct = distinctTable - (n - 1);
    if (otherDistinct > 1) selec /= otherDistinct;
    const N = totalRows;
    const s = sampleRows;
    const K = (N * counts[n - 1]!) / s;
    const variance = (s * K * (N - K) * (N - s)) / (N * N * (N - 1));
    const stddev = Math.sqrt(Math.max(0, variance));
    if (counts[n - 1]! > selec * s + 2 * stddev + 0.5) break;
    n--;
    if (n === 0) break;
    sum -= counts[n - 1]!;
  }
  return n;
}

/** `count` bounds taken at equal steps through sorted `values` (first and last included), PostgreSQL's way. */
export function histogramBounds(values: readonly Value[], count: number): Value[] {
  const nvals = values.length;
  const delta = Math.floor((nvals - 1) / (count - 1));
  const deltaFrac = (nvals - 1) % (count - 1);
  const out: Value[] = [];
  let pos = 0;
  let posFrac = 0;
  for (let i = 0; i < count; i++) {
    out.push(values[pos]!);
    pos += delta;
    posFrac += deltaFrac;
    if (posFrac >= count - 1) {
      pos++;
      posFrac -= count - 1;
    }
  }
  return out;
}

/** Pearson correlation between sample position and sorted rank: `sorted[i]` is the sample position of the i-th smallest value. */
export function orderCorrelation(sorted: readonly number[]): number {
  const n = sorted.length;
  let xy = 0;
  for (let i = 0; i < n; i++) xy += i * sorted[i]!;
  const xsum = ((n - 1) * n) / 2;
  const x2sum = ((n - 1) * n * (2 * n - 1)) / 6;
  const denominator = n * x2sum - xsum * xsum;
  return denominator === 0 ? 1 : (n * xy - xsum * xsum) / denominator;
}
