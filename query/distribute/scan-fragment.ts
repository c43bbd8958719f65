// Table scans as data-engine kernels: per partition, the compilable part of the filter runs as a
// typed-array loop and only the columns the plan reads come back, as one Arrow IPC batch; the
// coordinator turns the batches into rows and applies what the kernel could not (the residual).

import { T, type ColumnType, type Value } from '../../src/types/index.js';
import { rowsFromBatch } from '../../storage/index.js';
import { columnsUsed, type Expr } from '../plan/expr.js';
import type { Plan } from '../plan/logical.js';
import type { Row } from '../execute/compile-expr.js';
import { KERNEL_PRELUDE, KernelBuilder } from './kernel-expr.js';

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
  readonly outputOrdinals: number[];
  readonly outputTypes: ColumnType[];
  /** Conjuncts of the filter the kernel cannot evaluate; the coordinator applies them. */
  readonly residual: Expr | null;
  /** Conjuncts the kernel evaluates (for EXPLAIN). */
  readonly pushed: Expr | null;
}

function conjunctsOf(e: Expr | null): Expr[] {
  if (e === null) return [];
  return e.kind === 'and' ? e.args.flatMap(conjunctsOf) : [e];
}

function andOf(parts: Expr[]): Expr | null {
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : { kind: 'and', type: T.bool, args: parts };
}

/**
 * The kernel for one scan whose rows the plan reads in columns `needed`. Always succeeds: a filter
 * the kernel cannot compile stays with the coordinator, which then needs that filter's columns too.
 */
export function compileScanKernel(scan: ScanPlan, params: readonly Value[], needed: ReadonlySet<number>): ScanKernel {
  const types = scan.table.columns.map((c) => c.type);
  const pushed: Expr[] = [];
  const residual: Expr[] = [];
  for (const c of conjunctsOf(scan.filter)) {
    // A throwaway builder per conjunct: a failed compile must not leave bindings behind.
    (new KernelBuilder(types, params).predicateTrue(c) === null ? residual : pushed).push(c);
  }
  const output = new Set(needed);
  for (const r of residual) columnsUsed(r, output);
  const outputOrdinals = [...output].sort((a, b) => a - b);
  const kb = new KernelBuilder(types, params);
  const slots = outputOrdinals.map((c) => kb.column(c));
  const filters = pushed.map((c) => kb.predicateTrue(c)!);
  const lines = [
    KERNEL_PRELUDE,
    `const out = lib.collector(${kb.arg(slots)});`,
    'let idx = new Uint32Array(0);',
    'for (const b of batches) {',
    '  const sel = b.selection; const len = sel === null ? b.length : sel.length;',
    '  __SETUP__',
    '  if (idx.length < len) idx = new Uint32Array(len);',
    '  let m = 0;',
    '  for (let j = 0; j < len; j++) {',
    '    const i = sel === null ? j : sel[j];',
    ...(filters.length === 0 ? [] : [`    if (!(${filters.join(' && ')})) continue;`]),
    '    idx[m++] = i;',
    '  }',
    '  out.add(b, idx, m);',
    '}',
    'return out.finish();',
  ];
  return {
    source: [kb.argBindings(), ...lines].join('\n').replace('__SETUP__', kb.setup.join('\n  ')),
    columns: kb.columns,
    args: kb.args,
    outputOrdinals,
    outputTypes: outputOrdinals.map((c) => types[c]!),
    residual: andOf(residual),
    pushed: andOf(pushed),
  };
}

/** Rows of full table width from every partition's batch (unsent columns are null). */
export function scanPartialsToRows(scan: ScanPlan, kernel: ScanKernel, partials: readonly ScanPartial[]): Row[] {
  const width = scan.columns.length;
  const rows: Row[] = [];
  for (const part of partials) {
    if (part.rows === 0) continue;
    if (part.ipc === null) {
      // No column is read (count(*) over a join, say): the rows only have to exist.
      for (let i = 0; i < part.rows; i++) rows.push(new Array<Value>(width).fill(null));
      continue;
    }
    for (const r of rowsFromBatch(part.ipc, kernel.outputTypes, kernel.outputOrdinals, width)) rows.push(r);
  }
  return rows;
}
