// The /v1/tables body: the catalog as JSON (tables, typed columns, keys).

import { typeName } from '../../src/types/index.js';
import type { TableSchema } from '../../storage/index.js';

/** The part of the store REST reads; a fake in tests. */
export interface CatalogSource {
  listTables(): readonly TableSchema[];
  /** Live rows including dead-but-not-yet-compacted ones: an estimate, not a count. */
  estimatedRows?(table: TableSchema): number;
}

export interface TableJson {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: string; readonly nullable: boolean }[];
  /** Column names; empty when the table has a hidden row id as its key. */
  readonly primaryKey: readonly string[];
  readonly distributionKey: readonly string[];
  readonly rowEstimate?: number;
}

export function catalogJson(source: CatalogSource): { tables: TableJson[] } {
  return {
    tables: source.listTables().map((t) => ({
      name: t.name,
      columns: t.columns.map((c) => ({ name: c.name, type: typeName(c.type), nullable: !c.notNull })),
      primaryKey: t.primaryKey.map((i) => t.columns[i]?.name ?? `#${i}`),
      distributionKey: t.distributionKey.map((i) => t.columns[i]?.name ?? `#${i}`),
      ...(source.estimatedRows === undefined ? {} : { rowEstimate: source.estimatedRows(t) }),
    })),
  };
}
