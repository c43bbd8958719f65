// pg_stats: PostgreSQL's view of the planner statistics ANALYZE collected (storage/table-statistics.ts),
// one row per analyzed column. The anyarray and float4[] columns hold PostgreSQL's array text,
// as eon keeps arrays; the element-statistics columns (for array and tsvector columns) are NULL.
// As in PostgreSQL, only tables the session's role may SELECT from are shown (the MCVs and
// histogram hold the table's values).

import { T, formatFloat4, formatText, type ColumnType, type Value } from '../../src/types/index.js';
import { formatArray } from './array-text.js';
import type { SystemEnvironment } from './environment.js';
import { tableOid } from './oids.js';
import { hasTablePrivilege } from './role-catalog.js';
import { NAME, systemTable, type SystemTableDef } from './system-table.js';

/** An array of values of `type` as array_out prints it; NULL when empty (PostgreSQL leaves the slot out). */
function valuesArray(type: ColumnType, values: readonly Value[]): string | null {
  return values.length === 0 ? null : formatArray(values.map((v) => (v === null ? null : formatText(type, v))));
}

function rows(env: SystemEnvironment): Value[][] {
  const out: Value[][] = [];
  for (const table of env.store.listTables()) {
    const stats = env.store.statistics.get(table);
    if (stats === undefined || !hasTablePrivilege(env, null, tableOid(table), 'SELECT')) continue;
    stats.columns.forEach((cs, i) => {
      if (cs === null) return;
      const type = table.columns[i]!.type;
      out.push([
        'public',
        table.name,
        cs.name,
        false,
        cs.nullFrac,
        cs.avgWidth,
        cs.nDistinct,
        valuesArray(type, cs.mcvValues),
        cs.mcvFreqs.length === 0 ? null : formatArray(cs.mcvFreqs.map((f) => formatFloat4(Math.fround(f)))),
        valuesArray(type, cs.histogram),
        cs.correlation,
        null,
        null,
        null,
      ]);
    });
  }
  return out;
}

export function pgStatsTables(): SystemTableDef[] {
  return [
    systemTable(
      'pg_catalog',
      'pg_stats',
      'view',
      [
        ['schemaname', NAME], ['tablename', NAME], ['attname', NAME], ['inherited', T.bool], ['null_frac', T.float4], ['avg_width', T.int4],
        ['n_distinct', T.float4], ['most_common_vals', T.text], ['most_common_freqs', T.text], ['histogram_bounds', T.text], ['correlation', T.float4],
        ['most_common_elems', T.text], ['most_common_elem_freqs', T.text], ['elem_count_histogram', T.text],
      ],
      rows,
    ),
  ];
}
