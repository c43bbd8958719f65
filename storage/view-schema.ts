// Views as the catalog stores them: the defining query's SQL text (re-parsed and bound where the
// view is used, so names resolve then), the column names and types it had when it was created,
// and the relations it reads (DROP TABLE/VIEW checks them: PostgreSQL's dependencies).

import type { ColumnType } from '../src/types/column-type.js';

export interface ViewColumn {
  name: string;
  type: ColumnType;
}

export interface ViewSchema {
  /** From the same sequence as table ids, so a view's OID never meets a table's. */
  id: number;
  name: string;
  /** The defining SELECT as written (without CREATE VIEW … AS). */
  query: string;
  columns: ViewColumn[];
  /** Tables and views the query reads, by name. */
  dependsOn: string[];
}

export interface ViewDefinition {
  name: string;
  query: string;
  columns: ViewColumn[];
  dependsOn: string[];
  /** An id the cluster's catalog assigned; unset: the view's old id (OR REPLACE) or the next local one. */
  id?: number;
}
