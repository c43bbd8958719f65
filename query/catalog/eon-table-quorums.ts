// eon_tables: each table's effective replication settings (N copies, W acknowledgements per write,
// R replicas per point read), defaults filled in, next to the options it sets itself.

import { tableQuorum } from '../../src/cluster/replication/table-quorum.js';
import { tableOptions } from './reloptions.js';
import { T, type Value } from '../../src/types/index.js';
import { systemTable, type SystemTableDef } from './system-table.js';

export function eonTableQuorums(): SystemTableDef[] {
  return [
    systemTable(
      'pg_catalog',
      'eon_tables',
      'view',
      [['table_name', T.text], ['replicas', T.int4], ['write_quorum', T.int4], ['read_quorum', T.int4], ['options', T.text]],
      (env) =>
        env.store.listTables().map((t): Value[] => {
          const q = tableQuorum(t);
          return [t.name, q.replicas, q.writeQuorum, q.readQuorum, tableOptions(t)?.join(', ') ?? null];
        }),
    ),
  ];
}
