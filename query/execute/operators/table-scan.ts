// A table's rows read on the coordinator: one row by primary key, a key range, a secondary-index
// lookup, a system table computed now, or the whole table streamed from the store (or through a
// transaction block's write set, so the block sees its own writes), the scan's filter applied and
// its projected columns kept. Large tables' scans run in the data engines instead (query/distribute).

import type { ColumnType, Value } from '../../../src/types/index.js';
import { keyOf, type TableSchema } from '../../../storage/index.js';
import { systemTableRows } from '../../catalog/index.js';
import { columnsUsed } from '../../plan/expr.js';
import type { Plan } from '../../plan/logical.js';
import { compileExpr, compilePredicate } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { indexScanRows } from '../index-scan.js';
import { keyRangeRows } from '../key-range-scan.js';
import { checkServedHere } from '../served-here.js';
import { batchesOf } from './drive.js';
import { groupKey } from './group-key.js';
import type { BatchStream, PhysicalOperator, Row } from './operator.js';

/** Held rows by primary key (their group key: values compared as GROUP BY does), built once per held set. */
const heldKeys = new WeakMap<Row[], Map<string, Row>>();

function keyTypes(table: TableSchema): ColumnType[] {
  return table.primaryKey.map((o) => table.columns[o]!.type);
}

function heldByKey(table: TableSchema, held: Row[]): Map<string, Row> {
  let map = heldKeys.get(held);
  if (map === undefined) {
    const types = keyTypes(table);
    map = new Map();
    for (const row of held) map.set(groupKey(keyOf(table, row), types), row);
    heldKeys.set(held, map);
  }
  return map;
}

export class TableScan implements PhysicalOperator {
  constructor(readonly plan: Plan & { kind: 'scan' }) {}

  *run(ctx: ExecContext): BatchStream {
    const plan = this.plan;
    const pred = plan.filter === null ? null : compilePredicate(plan.filter);
    // The filter reads stored rows (table ordinals); the output keeps the projected columns.
    const project = plan.project;
    const shape = project === undefined ? (row: Row) => row : (row: Row) => project.map((o) => row[o]!);
    // Under a LIMIT the source is read only until it has given that many rows (synchronously, so
    // the rows still come from one turn of the event loop).
    const rowsMax = ctx.scanRowsMax.get(plan) ?? Infinity;
    const keep = (rows: Iterable<Row>): Row[] => {
      const out: Row[] = [];
      if (rowsMax <= 0) return out;
      for (const row of rows) {
        if (pred !== null && !pred(row, ctx)) continue;
        out.push(shape(row));
        if (out.length >= rowsMax) break;
      }
      return out;
    };
    // A table the transaction block wrote is read through its write set (own writes visible).
    const writes = ctx.writes?.touches(plan.table) === true ? ctx.writes : undefined;
    // Rows fetched from the nodes that serve the table's partitions (the filter stays whole on a
    // lookup's scan, so it alone picks the rows; a lookup goes through a map by key).
    const held = ctx.heldRows.get(plan);
    if (held !== undefined) {
      if (plan.keyLookup === null) {
        yield* batchesOf(keep(held));
        return;
      }
      const key = plan.keyLookup.map((e) => compileExpr(e)([], ctx));
      if (key.includes(null)) return;
      const row = heldByKey(plan.table, held).get(groupKey(key, keyTypes(plan.table)));
      if (row !== undefined) yield keep([row]);
      return;
    }
    if (plan.keyLookup !== null) {
      const key = plan.keyLookup.map((e) => compileExpr(e)([], ctx));
      if (!key.includes(null)) checkServedHere(ctx, plan.table, 'a primary-key lookup in a transaction block or per row of a subquery', key);
      const row = key.includes(null) ? undefined : writes !== undefined ? writes.get(plan.table, key) : ctx.store.get(plan.table, key);
      if (row !== undefined) yield keep([row]);
      return;
    }
    checkServedHere(ctx, plan.table, 'a scan of a table the transaction block wrote, an index scan, or a scan per row of a subquery');
    if (plan.keyRange !== undefined) {
      yield* batchesOf(keep(keyRangeRows(ctx.store, writes, plan.table, plan.keyRange, ctx).map((e) => e.row)));
      return;
    }
    // Through a secondary index; a table the block wrote is scanned whole below (its rows are not indexed yet).
    const viaIndex = plan.indexLookup !== undefined && writes === undefined ? indexScanRows(ctx.store, plan.table, plan.indexLookup, ctx) : null;
    if (viaIndex !== null) {
      yield* batchesOf(keep(viaIndex.map((e) => e.row)));
      return;
    }
    // Only the columns the output and the filter read are made into values.
    const read = project === undefined ? null : [...new Set([...project, ...(plan.filter === null ? [] : columnsUsed(plan.filter))])];
    // A system table's rows are computed now (query/catalog), not read from the store. Read to the
    // end before the first row is handed on: the store's rows are the newest committed as the
    // iteration proceeds, so it must not span an await (see Store.scanValues).
    const source: Iterable<Value[]> = systemTableRows(plan.table) ?? (writes !== undefined ? writes.scanValues(plan.table) : ctx.store.scanValues(plan.table, read));
    yield* batchesOf(keep(source));
  }
}
