// TRUNCATE [TABLE] t [, …] [RESTART IDENTITY | CONTINUE IDENTITY] [CASCADE | RESTRICT].
// Outside a transaction block every row of the named tables goes in one storage transaction by
// key range (Store.truncateTables), not row by row. Inside a block the rows are deleted through
// the block's write set instead, so ROLLBACK (and ROLLBACK TO) bring them back and COMMIT applies
// the deletes with first-committer-wins like a DELETE: that path is row by row and bounded by
// WRITE_SET_ROWS_MAX. CASCADE and RESTRICT mean the same: no foreign key refers to a table.

import type { TruncateStmt } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import type { Store, TableSchema } from '../../storage/index.js';
import type { WriteSet } from '../../storage/write-set.js';
import { asNode } from '../parse/ast.js';
import type { CompiledStatement, EngineServices } from '../session/compile.js';

export function compileTruncate(s: TruncateStmt, services: EngineServices): CompiledStatement {
  const names: string[] = [];
  for (const r of s.relations ?? []) {
    const rv = asNode(r, 'RangeVar');
    const name = rv?.relname ?? '';
    if (rv?.schemaname !== undefined && rv.schemaname !== 'public') throw new EonError('undefined_table', `relation "${rv.schemaname}.${name}" does not exist`);
    if (!names.includes(name)) names.push(name);
  }
  const restartIdentity = s.restart_seqs === true;
  tablesOf(services.store, names);
  return {
    paramTypes: [],
    columns: null,
    changesCatalog: false,
    async run(_params, _signal, writes) {
      const tables = tablesOf(services.store, names);
      if (writes !== undefined) {
        if (restartIdentity && tables.some((t) => ownedSequences(t).length > 0)) {
          throw new EonError('feature_not_supported', 'TRUNCATE ... RESTART IDENTITY cannot run inside a transaction block yet', {
            detail: 'eon cannot undo a sequence restart at ROLLBACK.',
          });
        }
        for (const t of tables) deleteAllInBlock(writes, t);
      } else {
        await services.ddl.truncateTables(tables.map((t) => t.name));
        if (restartIdentity) for (const t of tables) restartSequences(services.store, t);
      }
      return { command: 'TRUNCATE TABLE', rowCount: 0, columns: null, rows: [] };
    },
  };
}

function tablesOf(store: Store, names: readonly string[]): TableSchema[] {
  return names.map((name) => {
    const t = store.getTable(name);
    if (t !== undefined) return t;
    if (store.getView(name) !== undefined) throw new EonError('wrong_object_type', `"${name}" is not a table`);
    throw new EonError('undefined_table', `relation "${name}" does not exist`);
  });
}

/** Every row the block sees, deleted in its write set (keys gathered first: deleting changes what a scan yields). */
function deleteAllInBlock(writes: WriteSet, table: TableSchema): void {
  const keys = [...writes.scanRows(table)].map((r) => r.key);
  const tx = writes.tx();
  for (const key of keys) tx.delete(table, key);
}

function ownedSequences(table: TableSchema): { name: string; start: string }[] {
  return table.columns.flatMap((c) => (c.sequence === undefined ? [] : [{ name: c.sequence.name, start: c.sequence.start }]));
}

/** RESTART IDENTITY: the sequences the tables' columns own start over (nextval gives their START). */
function restartSequences(store: Store, table: TableSchema): void {
  for (const seq of ownedSequences(table)) if (store.sequences.has(seq.name)) store.sequences.set(seq.name, BigInt(seq.start), false);
}
