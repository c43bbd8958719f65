// information_schema's views that tools read to list tables, columns and keys. Identifiers and
// character data are text, cardinal numbers int4 (PostgreSQL's domains over name, varchar, int4).

import { allIndexes } from './index-catalog.js';
import { T } from '../../src/types/index.js';
import type { SystemEnvironment } from './environment.js';
import { listRelations, primaryKeyName, userColumns } from './relations.js';
import { systemTable, type SystemTableDef } from './system-table.js';
import { checkConstraintRows, tableConstraintCheckRows } from './column-rules-catalog.js';
import { columnSizes, dataTypeName, udtName } from './type-info.js';
import { viewDefinition } from './pg-catalog.js';

const YES = 'YES';
const NO = 'NO';

export function informationSchemaTables(all: () => readonly SystemTableDef[]): SystemTableDef[] {
  const tables = (env: SystemEnvironment) => listRelations(env, all()).filter((r) => r.relkind !== 'i' && r.relkind !== 'S');
  const keyed = (env: SystemEnvironment) => env.store.listTables().filter((t) => t.primaryKey.length > 0);
  const db = (env: SystemEnvironment) => env.session.database;
  return [
    systemTable(
      'information_schema',
      'schemata',
      'view',
      [['catalog_name', T.text], ['schema_name', T.text], ['schema_owner', T.text], ['default_character_set_catalog', T.text], ['default_character_set_schema', T.text], ['default_character_set_name', T.text], ['sql_path', T.text]],
      (env) => ['pg_catalog', 'public', 'information_schema'].map((s) => [db(env), s, env.session.user, null, null, null, null]),
    ),
    systemTable(
      'information_schema',
      'tables',
      'view',
      [
        ['table_catalog', T.text], ['table_schema', T.text], ['table_name', T.text], ['table_type', T.text],
        ['self_referencing_column_name', T.text], ['reference_generation', T.text], ['user_defined_type_catalog', T.text],
        ['user_defined_type_schema', T.text], ['user_defined_type_name', T.text], ['is_insertable_into', T.text],
        ['is_typed', T.text], ['commit_action', T.text],
      ],
      (env) =>
        tables(env).map((r) => [
          db(env), r.schema, r.name, r.relkind === 'v' ? 'VIEW' : 'BASE TABLE',
          null, null, null,
          null, null, r.table !== null ? YES : NO,
          NO, null,
        ]),
    ),
    systemTable(
      'information_schema',
      'columns',
      'view',
      [
        ['table_catalog', T.text], ['table_schema', T.text], ['table_name', T.text], ['column_name', T.text],
        ['ordinal_position', T.int4], ['column_default', T.text], ['is_nullable', T.text], ['data_type', T.text],
        ['character_maximum_length', T.int4], ['character_octet_length', T.int4], ['numeric_precision', T.int4],
        ['numeric_precision_radix', T.int4], ['numeric_scale', T.int4], ['datetime_precision', T.int4],
        ['interval_type', T.text], ['udt_catalog', T.text], ['udt_schema', T.text], ['udt_name', T.text],
        ['is_identity', T.text], ['identity_generation', T.text], ['is_generated', T.text], ['is_updatable', T.text],
      ],
      (env) =>
        tables(env).flatMap((r) =>
          r.columns.map((c, i) => {
            const s = columnSizes(c.type);
            return [
              db(env), r.schema, r.name, c.name,
              i + 1, c.identity === undefined ? (c.default ?? null) : null, c.notNull ? NO : YES, dataTypeName(c.type),
              s.characterMaximumLength, s.characterOctetLength, s.numericPrecision,
              s.numericPrecisionRadix, s.numericScale, s.datetimePrecision,
              null, db(env), 'pg_catalog', udtName(c.type),
              c.identity !== undefined ? YES : NO, c.identity === 'always' ? 'ALWAYS' : c.identity === 'by default' ? 'BY DEFAULT' : null, 'NEVER', r.table !== null ? YES : NO,
            ];
          }),
        ),
    ),
    systemTable(
      'information_schema',
      'views',
      'view',
      [
        ['table_catalog', T.text], ['table_schema', T.text], ['table_name', T.text], ['view_definition', T.text],
        ['check_option', T.text], ['is_updatable', T.text], ['is_insertable_into', T.text],
        ['is_trigger_updatable', T.text], ['is_trigger_deletable', T.text], ['is_trigger_insertable_into', T.text],
      ],
      // eon's views are not updatable (PostgreSQL's simple views would be).
      (env) =>
        tables(env)
          .filter((r) => r.relkind === 'v')
          .map((r) => {
            const view = r.schema === 'public' ? env.store.getView(r.name) : undefined;
            return [db(env), r.schema, r.name, view === undefined ? null : viewDefinition(view), 'NONE', NO, NO, NO, NO, NO];
          }),
    ),
    systemTable(
      'information_schema',
      'table_constraints',
      'view',
      [
        ['constraint_catalog', T.text], ['constraint_schema', T.text], ['constraint_name', T.text], ['table_catalog', T.text],
        ['table_schema', T.text], ['table_name', T.text], ['constraint_type', T.text], ['is_deferrable', T.text],
        ['initially_deferred', T.text], ['enforced', T.text], ['nulls_distinct', T.text],
      ],
      (env) => [
        ...keyed(env).map((t) => [db(env), 'public', primaryKeyName(t), db(env), 'public', t.name, 'PRIMARY KEY', NO, NO, YES, null]),
        ...uniqueConstraintsOf(env).map(({ table, index }) => [db(env), 'public', index.name, db(env), 'public', table.name, 'UNIQUE', NO, NO, YES, YES]),
        ...tableConstraintCheckRows(env),
      ],
    ),
    systemTable(
      'information_schema',
      'check_constraints',
      'view',
      [['constraint_catalog', T.text], ['constraint_schema', T.text], ['constraint_name', T.text], ['check_clause', T.text]],
      checkConstraintRows,
    ),
    systemTable(
      'information_schema',
      'key_column_usage',
      'view',
      [
        ['constraint_catalog', T.text], ['constraint_schema', T.text], ['constraint_name', T.text], ['table_catalog', T.text],
        ['table_schema', T.text], ['table_name', T.text], ['column_name', T.text], ['ordinal_position', T.int4],
        ['position_in_unique_constraint', T.int4],
      ],
      (env) =>
        keyed(env).flatMap((t) => {
          const columns = userColumns(t);
          return t.primaryKey.map((k, i) => [db(env), 'public', primaryKeyName(t), db(env), 'public', t.name, columns[k]!.name, i + 1, null]);
        }).concat(
          uniqueConstraintsOf(env).flatMap(({ table, index }) =>
            index.columns.map((k, i) => [db(env), 'public', index.name, db(env), 'public', table.name, table.columns[k]!.name, i + 1, null]),
          ),
        ),
    ),
  ];
}

/** UNIQUE constraints (not plain unique indexes), in table then creation order. */
function uniqueConstraintsOf(env: SystemEnvironment): ReturnType<typeof allIndexes> {
  return allIndexes(env).filter(({ index }) => index.constraint);
}
