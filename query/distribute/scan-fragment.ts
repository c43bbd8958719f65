// Table scans as data-engine kernels: per task, the compilable part of the filter runs as a
// typed-array loop and only the scan's output columns (see column pruning) come back, as one
// Arrow IPC batch; the coordinator turns the batches into rows and applies what the kernel could
// not (the residual).

import { EonError } from '../../src/errors/index.js';
import type { ColumnType, Value } from '../../src/types/index.js';
import { rowsFromBatch, vectorsFromBatch, type ColumnVector, type TableSchema } from '../../storage/index.js';
import { andOf, conjunctsOf, exprChildren, renumberColumns, type Expr } from '../plan/expr.js';
import { rowColumnsRead, type Plan } from '../plan/logical.js';
import { compilePredicate, type Row } from '../execute/compile-expr.js';
import type { ExecContext } from '../execute/context.js';
import type { KeyFilter } from './join-key-filter.js';
import { KERNEL_PRELUDE, KernelBuilder } from './kernel-expr.js';
import type { TopNBound } from './top-n-bound.js';

type ScanPlan = Plan & { kind: 'scan' };

/** What a scan kernel returns from one partition (see storage/batch-collector.ts). */
export interface ScanPartial {
  readonly rows: number;
  readonly ipc: Uint8Array | null;
}

export interface ScanKernel {
  readonly source: string;
  /** Table column ordinals the kernel reads, in batch-slot order. */
  readonly columns: number[];
  readonly args: unknown[];
  /** Table column ordinals sent back, in IPC column order, and their types. */
  readonly sentOrdinals: number[];
  readonly sentTypes: ColumnType[];
  /** Conjuncts of the filter the kernel cannot evaluate; the coordinator applies them. */
  readonly residual: Expr | null;
  /** Conjuncts the kernel evaluates (for EXPLAIN). */
  readonly pushed: Expr | null;
  /** The argument slot a task gets its top-N bound in when issued (see ScanPushdown.bound); null: none. */
  readonly boundArg: number | null;
}

/** Table ordinals a scan outputs (its projection, or every column). */
export function scanOutputOrdinals(scan: ScanPlan): readonly number[] {
  return scan.project ?? scan.table.columns.map((_, i) => i);
}

/**
 * The kernel for one scan. Always succeeds: a filter conjunct the kernel cannot compile stays
 * with the coordinator, which then also needs that conjunct's columns sent back. With
 * `subqueryValue`, uncorrelated scalar subqueries (computed first) are constants to the kernel.
 */
export function compileScanKernel(
  scan: ScanPlan,
  params: readonly Value[],
  keyFilter?: KeyFilter,
  subqueryValue?: (e: Expr & { kind: 'subquery' }) => Value | undefined,
  pushdown: ScanPushdown = {},
): ScanKernel {
  const types = scan.table.columns.map((c) => c.type);
  const pushed: Expr[] = [];
  const residual: Expr[] = [];
  for (const c of conjunctsOf(scan.filter)) {
    // A throwaway builder per conjunct: a failed compile must not leave bindings behind.
    (new KernelBuilder(types, params, { subqueryValue }).predicateTrue(c) === null ? residual : pushed).push(c);
  }
  const sent = new Set(scanOutputOrdinals(scan));
  // Including the columns its correlated subqueries read of the row (their outer references).
  for (const r of residual) rowColumnsRead(r, sent);
  const sentOrdinals = [...sent].sort((a, b) => a - b);
  const kb = new KernelBuilder(types, params, { subqueryValue });
  const slots = sentOrdinals.map((c) => kb.column(c));
  const filters = pushed.map((c) => kb.predicateTrue(c)!);
  if (keyFilter !== undefined) filters.push(keyFilterPredicate(kb, scan.table, keyFilter));
  // A LIMIT above the scan with nothing left for the coordinator to filter: the task stops
  // reading once it has that many rows.
  const stopAt = pushdown.rowsMax !== undefined && residual.length === 0 ? kb.arg(pushdown.rowsMax) : null;
  const rank = residual.length === 0 && pushdown.topN !== undefined ? topNRank(kb, scan.table, pushdown.topN) : null;
  // A top-N above a join: the bound it has reached when the task is issued (null: none yet), set
  // into this argument slot then (see boundArg). A row ranking after it is dropped, residual or not.
  const bound = pushdown.bound;
  const boundRank = bound === undefined ? null : topNRank(kb, scan.table, bound);
  const boundArg = boundRank === null ? null : kb.args.length;
  const boundName = boundRank === null ? null : kb.arg(null);
  const lines = [
    KERNEL_PRELUDE,
    `const out = lib.collector(${kb.arg(slots)});`,
    ...(boundName === null ? [] : [`const topBound = ${boundName} === null ? Infinity : ${boundName};`]),
    ...(rank === null ? [] : [`const tk = lib.topKeys(${kb.arg(pushdown.topN!.count)}), kept = [];`]),
    'let idx = new Uint32Array(0);',
    'for (const b of batches) {',
    '  const sel = b.selection; const len = sel === null ? b.length : sel.length;',
    '  __SETUP__',
    '  if (idx.length < len) idx = new Uint32Array(len);',
    '  let m = 0;',
    ...(stopAt === null ? [] : [`  const room = ${stopAt} - out.collected;`]),
    '  for (let j = 0; j < len; j++) {',
    '    const i = sel === null ? j : sel[j];',
    ...(filters.length === 0 ? [] : [`    if (!(${filters.join(' && ')})) continue;`]),
    ...(boundRank === null ? [] : [`    if (${boundRank} > topBound) continue;`]),
    // A row ranking after the best count so far is dropped at once; the others wait for the end.
    ...(rank === null ? [] : [`    { const r = ${rank}; if (r === r && !tk.admit(r)) continue; }`]),
    '    idx[m++] = i;',
    ...(stopAt === null ? [] : ['    if (m >= room) break;']),
    '  }',
    rank === null ? '  out.add(b, idx, m);' : '  if (m > 0) kept.push([b, idx.slice(0, m)]);',
    ...(stopAt === null ? [] : [`  if (out.collected >= ${stopAt}) break;`]),
    '}',
    // Only rows ranking within the final best count are sent (ties with the last included): rows
    // that arrive in improving order (ORDER BY key DESC over rows stored by key) all pass admit().
    ...(rank === null
      ? []
      : [
          'const bound = tk.bound();',
          'for (const [b, ix] of kept) {',
          '  __SETUP__',
          '  let m = 0;',
          '  for (let j = 0; j < ix.length; j++) { const i = ix[j]; const r = ' + rank + '; if (r === r && r > bound) continue; ix[m++] = i; }',
          '  out.add(b, ix, m);',
          '}',
        ]),
    'return out.finish();',
  ];
  return {
    source: [kb.argBindings(), ...lines].join('\n').replaceAll('__SETUP__', kb.setup.join('\n  ')),
    columns: kb.columns,
    args: kb.args,
    sentOrdinals,
    sentTypes: sentOrdinals.map((c) => types[c]!),
    residual: andOf(residual),
    pushed: andOf(pushed),
    boundArg,
  };
}

/** What a plan above a scan lets its kernel stop at (see scanPushdowns in partition-fragments.ts). */
export interface ScanPushdown {
  /** A LIMIT's count plus offset: the task stops reading once it has this many rows. */
  readonly rowsMax?: number;
  /** ORDER BY … LIMIT: only rows whose first sort key may rank within the first `count` are sent. */
  readonly topN?: ScanTopN;
  /** ORDER BY … LIMIT above a join: rows ranking after the top-N's worst kept row are dropped. */
  readonly bound?: TopNBound;
}

export interface ScanTopN {
  /** Table ordinal of the first sort key (a column of the scan). */
  readonly ordinal: number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
  /** LIMIT + OFFSET, at most TOP_KEYS_MAX. */
  readonly count: number;
}

/**
 * Kernel source of a row's rank by the first sort key (smaller ranks first: the key, negated for
 * DESC; NULL at ±Infinity by NULLS FIRST/LAST; NaN, which is not ranked, always passes); null
 * when the key is not a number or bigint column.
 */
function topNRank(kb: KernelBuilder, table: TableSchema, topN: Pick<ScanTopN, 'ordinal' | 'descending' | 'nullsFirst'>): string | null {
  const column = table.columns[topN.ordinal]!;
  const key = kb.value({ kind: 'column', type: column.type, index: topN.ordinal, name: column.name });
  if (key === null || (key.rep !== 'num' && key.rep !== 'big')) return null;
  const rank = topN.descending ? `-(${key.code})` : key.code;
  const nullRank = topN.nullsFirst ? '-Infinity' : 'Infinity';
  return `((${key.nullCode}) ? ${nullRank} : ${rank})`;
}

/** Kernel source true when the row's key column (a table ordinal in `kb`) is among the filter's keys. */
export function keyFilterPredicate(kb: KernelBuilder, table: TableSchema, keyFilter: KeyFilter): string {
  const column = table.columns[keyFilter.ordinal]!;
  const key = kb.value({ kind: 'column', type: column.type, index: keyFilter.ordinal, name: column.name });
  if (key === null || key.scale !== 0) throw new EonError('internal_error', `no kernel key filter on ${column.name}`);
  const bitmap = key.rep === 'num' ? keyBitmapOf(keyFilter.values) : null;
  if (bitmap === null) return `(!(${key.nullCode}) && ${kb.arg(keyFilter.values)}.has(${key.code}))`;
  // Integer keys test one bit of a bitmap over their range: several times cheaper than Set.has.
  const bits = kb.arg(bitmap.bits);
  const low = kb.arg(bitmap.low);
  const test = `inKeys_${bits}`;
  kb.setup.push(`const ${test} = (d) => d >= 0 && d < ${bits}.length * 32 && ((${bits}[d >>> 5] >>> (d & 31)) & 1) === 1;`);
  return `(!(${key.nullCode}) && ${test}(${key.code} - ${low}))`;
}

/** Key bitmaps span at most this many values (4 MiB of bits); wider key sets stay a Set. */
const KEY_BITMAP_RANGE_MAX = 2 ** 25;
const keyBitmaps = new WeakMap<ReadonlySet<Value>, { bits: Uint32Array; low: number } | null>();

/**
 * The keys as a bitmap on shared memory (every task reads the same copy) when they are all
 * integers spanning at most KEY_BITMAP_RANGE_MAX values; else null. Built once per key set.
 */
function keyBitmapOf(values: ReadonlySet<Value>): { bits: Uint32Array; low: number } | null {
  if (keyBitmaps.has(values)) return keyBitmaps.get(values)!;
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      low = NaN;
      break;
    }
    if (v < low) low = v;
    if (v > high) high = v;
  }
  let out: { bits: Uint32Array; low: number } | null = null;
  if (values.size > 0 && Number.isFinite(low) && high - low < KEY_BITMAP_RANGE_MAX) {
    const bits = new Uint32Array(new SharedArrayBuffer(Math.ceil((high - low + 1) / 32) * 4));
    for (const v of values) {
      const d = (v as number) - low;
      bits[d >>> 5]! |= 1 << (d & 31);
    }
    out = { bits, low };
  }
  keyBitmaps.set(values, out);
  return out;
}

/**
 * The scan's output rows from one task's batch: rows of the sent columns, filtered by the
 * residual (renumbered to those rows) and narrowed to the scan's output when more was sent.
 */
export function scanPartialRows(scan: ScanPlan, kernel: ScanKernel, part: ScanPartial, ctx: ExecContext): Row[] {
  if (part.rows === 0) return [];
  const sentWidth = kernel.sentOrdinals.length;
  // No column is read (count(*) over a join, say): the rows only have to exist — and pass the
  // residual, which may read none of them (EXISTS over another table).
  let rows = part.ipc === null ? Array.from({ length: part.rows }, (): Row => []) : rowsFromBatch(part.ipc, kernel.sentTypes, kernel.sentOrdinals.map((_, i) => i), sentWidth);
  const residual = kernel.residual;
  if (residual !== null && readsRowInSubquery(residual)) {
    // A correlated subquery reads the row by table ordinal (its outer references are not
    // renumbered): it gets the row laid out as the table's, unsent columns NULL.
    const width = scan.table.columns.length;
    const pred = compilePredicate(residual);
    rows = rows.filter((r) => {
      const full: Row = new Array(width).fill(null);
      for (let i = 0; i < sentWidth; i++) full[kernel.sentOrdinals[i]!] = r[i]!;
      return pred(full, ctx);
    });
  } else if (residual !== null) {
    const at = new Map(kernel.sentOrdinals.map((o, i) => [o, i]));
    const pred = compilePredicate(renumberColumns(residual, (o) => at.get(o)!));
    rows = rows.filter((r) => pred(r, ctx));
  }
  const output = scanOutputOrdinals(scan);
  if (output.length === sentWidth) return rows;
  const pick = output.map((o) => kernel.sentOrdinals.indexOf(o));
  return rows.map((r) => pick.map((i) => r[i]!));
}

/** Whether `e` holds a correlated subquery (which may read the row `e` is evaluated on). */
function readsRowInSubquery(e: Expr): boolean {
  if ((e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') && e.correlated) return true;
  return exprChildren(e).some(readsRowInSubquery);
}

/** A scan's output as the data engines sent it: per task, one chunk of column vectors. */
export interface ScanBatches {
  readonly length: number;
  /** Each chunk's vectors are the scan's output columns, in order. */
  readonly chunks: readonly { readonly length: number; readonly vectors: readonly ColumnVector[] }[];
}

/**
 * The scan's output as column vectors, without making rows; null when the coordinator still has
 * a filter to apply (a residual) or no column was sent.
 */
export function scanPartialsToBatches(scan: ScanPlan, kernel: ScanKernel, partials: readonly ScanPartial[]): ScanBatches | null {
  if (kernel.residual !== null) return null;
  const pick = scanOutputOrdinals(scan).map((o) => kernel.sentOrdinals.indexOf(o));
  const chunks: { length: number; vectors: ColumnVector[] }[] = [];
  let length = 0;
  for (const part of partials) {
    if (part.rows === 0) continue;
    if (part.ipc === null) return null;
    const { vectors } = vectorsFromBatch(part.ipc, kernel.sentTypes);
    chunks.push({ length: part.rows, vectors: pick.map((i) => vectors[i]!) });
    length += part.rows;
  }
  return { length, chunks };
}
