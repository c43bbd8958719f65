// Name resolution: the columns visible at one level of a query, and the chain of enclosing
// levels that correlated subqueries reach into.

import { EonError } from '../../src/errors/index.js';
import type { ColumnType } from '../../src/types/index.js';

export interface ScopeColumn {
  /** The range variable (table alias) the column belongs to; null for unnamed derived columns. */
  readonly table: string | null;
  readonly name: string;
  readonly type: ColumnType;
  /** Columns merged away by JOIN USING are not expanded by `*`. */
  readonly hidden?: boolean;
}

export class Scope {
  readonly columns: readonly ScopeColumn[];

  constructor(columns: readonly ScopeColumn[]) {
    this.columns = columns;
  }

  static empty(): Scope {
    return new Scope([]);
  }

  concat(other: Scope): Scope {
    return new Scope([...this.columns, ...other.columns]);
  }

  /** Index of `table.name` (or `name`); -1 if absent; throws 42702 if ambiguous. */
  find(table: string | null, name: string): number {
    let found = -1;
    for (let i = 0; i < this.columns.length; i++) {
      const c = this.columns[i]!;
      if (c.name !== name) continue;
      if (table !== null && c.table !== table) continue;
      if (table === null && c.hidden) continue;
      if (found >= 0) {
        throw new EonError('ambiguous_column', `column reference "${name}" is ambiguous`);
      }
      found = i;
    }
    return found;
  }

  hasTable(table: string): boolean {
    return this.columns.some((c) => c.table === table);
  }
}
