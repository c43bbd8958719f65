// pg_class.reloptions of a table: the storage parameters it sets (its N, W, R), as PostgreSQL's
// text[] shows them (`{replicas=3,write_quorum=2}`), NULL when it sets none.

import { reloptionsOf } from '../../src/cluster/replication/table-quorum.js';
import type { TableSchema } from '../../storage/index.js';
import { formatArray } from './array-text.js';

export function reloptionsText(table: TableSchema | null): string | null {
  const options = table === null ? null : reloptionsOf(table);
  return options === null ? null : formatArray(options);
}
