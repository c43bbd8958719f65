// ALTER TABLE's layout changes as storage applies them: from the generation a node holds to the
// one the new schema names, through the table's kept rewrites (schema.ts, ColumnRewrite), as one
// mapping from stored rows to rows of the new layout.

import type { Value } from '../src/types/values.js';
import { EonError } from '../src/errors/index.js';
import { decodeRow, encodeRow } from './row-codec.js';
import { TABLE_REWRITES_KEPT_MAX } from './schema.js';
import type { ColumnRewrite, TableSchema } from './schema.js';

/** Per column of the new layout: the stored column it is read from, or the value it takes. */
export type LayoutMapping = readonly ({ readonly from: number } | { readonly value: Value })[];

export function generationOf(table: TableSchema): number {
  return table.generation ?? 0;
}

/** The rewrite record for one layout change (fill: the values of the columns `from` marks -1). */
export function columnRewrite(generation: number, from: readonly number[], fill: readonly Value[]): ColumnRewrite {
  return { generation, from: [...from], fill: encodeRow(fill).toString('base64') };
}

/** `rewrites` with `next` appended, keeping the latest TABLE_REWRITES_KEPT_MAX. */
export function withRewrite(rewrites: readonly ColumnRewrite[] | undefined, next: ColumnRewrite): ColumnRewrite[] {
  return [...(rewrites ?? []), next].slice(-TABLE_REWRITES_KEPT_MAX);
}

/**
 * How rows stored under `held` become rows of `next`: null when the layout is the same. Throws
 * when `next` no longer keeps every change since `held` (a node down through too many ALTERs).
 */
export function layoutMapping(held: TableSchema, next: TableSchema): LayoutMapping | null {
  const from = generationOf(held);
  const to = generationOf(next);
  if (from === to) return null;
  if (to < from) throw new EonError('invalid_table_definition', `table "${next.name}" is at layout ${from} here, newer than ${to}`);
  let mapping: LayoutMapping = held.columns.map((_, i) => ({ from: i }));
  for (let g = from + 1; g <= to; g++) {
    const r = (next.rewrites ?? []).find((x) => x.generation === g);
    if (r === undefined) {
      throw new EonError('invalid_table_definition', `table "${next.name}" cannot be brought from layout ${from} to ${to} here: the change to ${g} is no longer kept`);
    }
    const fill = decodeRow(Buffer.from(r.fill, 'base64'));
    const prev = mapping;
    mapping = r.from.map((o, i) => {
      if (o < 0) return { value: fill[i] ?? null };
      const m = prev[o];
      if (m === undefined) throw new EonError('invalid_table_definition', `table "${next.name}": layout ${g} reads column ${o} of ${prev.length}`);
      return m;
    });
  }
  if (mapping.length !== next.columns.length) {
    throw new EonError('invalid_table_definition', `table "${next.name}": layout ${to} has ${mapping.length} columns, its schema ${next.columns.length}`);
  }
  return mapping;
}

/** A stored row (its table's columns, then a hidden row id when `rowId`) in the new layout. */
export function mapRow(mapping: LayoutMapping, row: readonly Value[], oldWidth: number, rowId: boolean): Value[] {
  const out = new Array<Value>(mapping.length + (rowId ? 1 : 0));
  for (let i = 0; i < mapping.length; i++) {
    const m = mapping[i]!;
    out[i] = 'from' in m ? (row[m.from] ?? null) : m.value;
  }
  if (rowId) out[mapping.length] = row[oldWidth] ?? null;
  return out;
}
