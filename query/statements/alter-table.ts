// ALTER TABLE (AlterTableStmt) and ALTER TABLE … RENAME (RenameStmt), as PostgreSQL 15 runs them:
// every action of one statement is applied to a working copy of the table's schema, the existing
// rows are checked against the result (NOT NULL, new CHECKs) by a query through the normal read
// path (so a cluster checks every partition), and the new schema is handed to `services.ddl` at
// once: all actions or none. Adding or dropping columns moves the table to a new layout
// generation; storage rewrites the stored rows to it (storage/table-rewrite.ts).

import { parseSync, scanSync } from 'libpg-query';
import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint, Node, RenameStmt } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { formatText, typeName, type Value } from '../../src/types/index.js';
import type { CheckConstraint, ColumnSchema, Store, TableSchema, ViewSchema } from '../../storage/index.js';
import { columnRewrite, generationOf, withRewrite } from '../../storage/table-rewrite.js';
import { replicationSettings } from '../../storage/schema.js';
import type { TableQuorumSettings } from '../../src/cluster/replication/table-quorum.js';
import { applyOptionChange, parseOptionNames, parseOptionValues, sameReplicas } from './table-options.js';
import { StatementContext } from '../bind/context.js';
import { viewQuery } from '../bind/view-ref.js';
import { withSystemEnvironment } from '../catalog/index.js';
import { compileExpr } from '../execute/compile-expr.js';
import { ExecContext } from '../execute/context.js';
import { asNode, nodeTag } from '../parse/ast.js';
import { parseOne } from '../parse/parser.js';
import { exprChildren, type Expr } from '../plan/expr.js';
import type { CompiledStatement, EngineServices } from '../session/compile.js';
import { compileStatement } from '../session/compile.js';
import type { QueryResult } from '../session/contract.js';
import { StatementSource, defaultExpr, quoteLiteral, validateCheck, validateDefault } from './column-rules.js';
import { checkIdentifier, collectColumnRefs, columnConstraints, ownedSequenceName, serialType, TABLE_COLUMNS_MAX } from './ddl.js';
import { dataTypeOf } from '../bind/data-type.js';
import { sequenceOptions } from './sequences.js';
import { dropDependentViews } from './views.js';

const DONE: QueryResult = { command: 'ALTER TABLE', rowCount: 0, columns: null, rows: [] };

/** A column of the table being built: where its stored values come from. */
interface WorkColumn {
  col: ColumnSchema;
  /** The ordinal of the old column it keeps, or -1 for a column this statement adds. */
  from: number;
  /** For an added column: what the existing rows hold in it. */
  fill: Value;
}

/** What one ALTER TABLE builds before anything is applied. */
interface Work {
  readonly table: TableSchema;
  columns: WorkColumn[];
  checks: CheckConstraint[];
  /** Checks this statement adds: the existing rows must pass them. */
  newChecks: string[];
  /** Columns whose NOT NULL this statement adds: the existing rows must have values there. */
  newNotNull: Set<string>;
  /** Columns added or dropped: the stored rows move to a new layout. */
  layoutChanged: boolean;
  /** Views CASCADE drops before the change. */
  dropViews: ViewSchema[];
  /** Whether the table has rows (asked at most once). */
  hasRows: () => Promise<boolean>;
  /** Its replication settings (SET/RESET of storage parameters change them). */
  replication: TableQuorumSettings;
}

function utility(run: (writes: unknown) => Promise<QueryResult>): CompiledStatement {
  return {
    paramTypes: [],
    columns: null,
    changesCatalog: true,
    run: (_params, _signal, writes) => run(writes),
  };
}

function refuseInBlock(writes: unknown): void {
  if (writes !== undefined) {
    throw new EonError('feature_not_supported', 'ALTER TABLE inside a transaction block is not supported yet', {
      hint: 'Run it outside BEGIN … COMMIT.',
    });
  }
}

export function compileAlterTable(s: AlterTableStmt, text: string, services: EngineServices): CompiledStatement {
  return utility(async (writes) => {
    refuseInBlock(writes);
    return withSystemEnvironment(services.system, () => alterTable(s, text, services)).result;
  });
}

export function compileRename(s: RenameStmt, services: EngineServices): CompiledStatement {
  if (s.renameType !== 'OBJECT_TABLE' && s.renameType !== 'OBJECT_COLUMN') {
    throw new EonError('feature_not_supported', `ALTER … RENAME of ${(s.renameType ?? 'OBJECT_UNKNOWN').replace(/^OBJECT_/, '').toLowerCase()} is not supported yet`);
  }
  if (s.renameType === 'OBJECT_COLUMN' && s.relationType !== 'OBJECT_TABLE') throw new EonError('feature_not_supported', 'ALTER … RENAME COLUMN is supported for tables only');
  return utility(async (writes) => {
    refuseInBlock(writes);
    return rename(s, services);
  });
}

function tableOf(store: Store, name: string, missingOk: boolean): TableSchema | undefined {
  const table = store.getTable(name);
  if (table !== undefined) return table;
  if (store.getView(name) !== undefined) throw new EonError('wrong_object_type', `"${name}" is not a table`);
  if (missingOk) return undefined;
  throw new EonError('undefined_table', `relation "${name}" does not exist`);
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function noColumn(column: string, table: string): EonError {
  return new EonError('undefined_column', `column "${column}" of relation "${table}" does not exist`);
}

// ---- ALTER TABLE ---------------------------------------------------------------------------

async function alterTable(s: AlterTableStmt, text: string, services: EngineServices): Promise<QueryResult> {
  if (s.objtype !== undefined && s.objtype !== 'OBJECT_TABLE') {
    throw new EonError('feature_not_supported', `ALTER ${s.objtype.replace(/^OBJECT_/, '').replaceAll('_', ' ')} is not supported yet`);
  }
  const store = services.store;
  const name = s.relation?.relname ?? '';
  const table = tableOf(store, name, s.missing_ok === true);
  if (table === undefined) return DONE;
  // Parsed again from the statement's own text: locations then point into it (DEFAULT, CHECK text).
  const reparsed = asNode(parseSync(text).stmts?.[0]?.stmt, 'AlterTableStmt') ?? s;
  const source = new StatementSource(text);
  const stmt = new StatementContext(store, []);
  let rows: boolean | undefined;
  const work: Work = {
    table,
    columns: table.columns.map((col, i) => ({ col: { ...col }, from: i, fill: null })),
    checks: (table.checks ?? []).map((k) => ({ ...k })),
    newChecks: [],
    newNotNull: new Set(),
    layoutChanged: false,
    dropViews: [],
    hasRows: async () => (rows ??= await anyRow(services, `SELECT 1 FROM ${quoteIdent(name)} LIMIT 1`)),
    replication: replicationSettings(table),
  };
  for (const n of reparsed.cmds ?? []) {
    const cmd = asNode(n, 'AlterTableCmd');
    if (cmd === undefined) throw new EonError('internal_error', `ALTER TABLE command is a ${nodeTag(n)}`);
    await applyCommand(work, cmd, source, stmt, services);
  }
  if (work.columns.length === 0) throw new EonError('feature_not_supported', 'tables without columns are not supported');
  if (work.columns.length > TABLE_COLUMNS_MAX) throw new EonError('program_limit_exceeded', `tables can have at most ${TABLE_COLUMNS_MAX} columns`);
  for (const k of work.newChecks) validateCheck(work.checks.find((c) => c.name === k)!.expr, { name, columns: work.columns.map((w) => w.col) }, stmt);
  await validateRows(work, services);
  const next = nextSchema(work);
  for (const v of work.dropViews) {
    if (store.getView(v.name) === undefined) continue;
    await dropDependentViews(store, services.ddl, 'view', [v.name], true);
    await services.ddl.dropView(v.name);
  }
  await services.ddl.alterTable(name, next);
  return DONE;
}

async function applyCommand(work: Work, cmd: AlterTableCmd, source: StatementSource, stmt: StatementContext, services: EngineServices): Promise<void> {
  const name = work.table.name;
  const find = (column: string): WorkColumn | undefined => work.columns.find((w) => w.col.name === column);
  const need = (column: string): WorkColumn => {
    const w = find(column);
    if (w === undefined) throw noColumn(column, name);
    return w;
  };
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const d = asNode(cmd.def, 'ColumnDef');
      if (d === undefined) throw new EonError('internal_error', 'ADD COLUMN without a column definition');
      if (find(d.colname ?? '') !== undefined) {
        if (cmd.missing_ok === true) return;
        throw new EonError('duplicate_column', `column "${d.colname ?? ''}" of relation "${name}" already exists`);
      }
      await addColumn(work, d, source, stmt, services);
      return;
    }
    case 'AT_DropColumn': {
      const column = cmd.name ?? '';
      const w = find(column);
      if (w === undefined) {
        if (cmd.missing_ok === true) return;
        throw noColumn(column, name);
      }
      dropColumn(work, w, cmd.behavior === 'DROP_CASCADE', services.store);
      return;
    }
    case 'AT_ColumnDefault': {
      const w = need(cmd.name ?? '');
      if (w.col.identity !== undefined) {
        throw new EonError('syntax_error', `column "${w.col.name}" of relation "${name}" is an identity column`, { hint: 'Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead.' });
      }
      if (w.col.sequence !== undefined) throw new EonError('feature_not_supported', `changing the default of serial column "${w.col.name}" is not supported yet`);
      if (cmd.def === undefined) {
        delete w.col.default;
        return;
      }
      const text = defaultText(source, cmd.def);
      validateDefault(text, w.col, stmt);
      w.col.default = text;
      return;
    }
    case 'AT_SetNotNull': {
      const w = need(cmd.name ?? '');
      if (!w.col.notNull) {
        w.col.notNull = true;
        work.newNotNull.add(w.col.name);
      }
      return;
    }
    case 'AT_DropNotNull': {
      const w = need(cmd.name ?? '');
      if (w.from >= 0 && work.table.primaryKey.includes(w.from)) throw new EonError('invalid_table_definition', `column "${w.col.name}" is in a primary key`);
      if (w.col.identity !== undefined) throw new EonError('invalid_table_definition', `column "${w.col.name}" of relation "${name}" is an identity column`);
      w.col.notNull = false;
      work.newNotNull.delete(w.col.name);
      return;
    }
    case 'AT_AddConstraint': {
      const c = asNode(cmd.def, 'Constraint');
      if (c?.contype !== 'CONSTR_CHECK') {
        const what = c?.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : c?.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : c?.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'this kind of';
        throw new EonError('feature_not_supported', `ALTER TABLE ... ADD ${what} constraint is not supported yet`);
      }
      if (c.skip_validation === true) throw new EonError('feature_not_supported', 'NOT VALID constraints are not supported yet');
      addCheck(work, c, source);
      return;
    }
    case 'AT_DropConstraint': {
      const cname = cmd.name ?? '';
      const i = work.checks.findIndex((k) => k.name === cname);
      if (i >= 0) {
        work.checks.splice(i, 1);
        work.newChecks = work.newChecks.filter((k) => k !== cname);
        return;
      }
      if (work.table.primaryKey.length > 0 && cname === `${name}_pkey`) throw new EonError('feature_not_supported', 'dropping a primary key is not supported yet');
      if ((work.table.indexes ?? []).some((x) => x.constraint && x.name === cname)) throw new EonError('feature_not_supported', 'dropping a UNIQUE constraint with ALTER TABLE is not supported yet');
      if (cmd.missing_ok === true) return;
      throw new EonError('undefined_object', `constraint "${cname}" of relation "${name}" does not exist`);
    }
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions': {
      const list = asNode(cmd.def, 'List')?.items;
      const change = cmd.subtype === 'AT_SetRelOptions' ? parseOptionValues(list, 'alter') : parseOptionNames(list);
      const next = applyOptionChange(work.replication, change);
      // Another N moves rows between nodes (ownership transfer), which is not built.
      if (!sameReplicas(work.replication, next) && (await work.hasRows())) {
        throw new EonError('feature_not_supported', `changing "replicas" of table "${name}" while it has rows is not supported yet`);
      }
      work.replication = next;
      return;
    }
    case 'AT_AlterColumnType':
      throw new EonError('feature_not_supported', 'ALTER TABLE ... ALTER COLUMN ... TYPE is not supported yet');
    default:
      throw new EonError('feature_not_supported', `ALTER TABLE ${alterCommandName(cmd.subtype)} is not supported yet`);
  }
}

/** AT_SetStatistics → SET STATISTICS: PostgreSQL's subcommand, for the error. */
function alterCommandName(subtype: string | undefined): string {
  return (subtype ?? 'AT_UNKNOWN').replace(/^AT_/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

async function addColumn(work: Work, d: ColumnDef, source: StatementSource, stmt: StatementContext, services: EngineServices): Promise<void> {
  const name = work.table.name;
  const colName = d.colname ?? '';
  checkIdentifier(colName);
  const { isPk, notNull, constraints } = columnConstraints(d, name);
  if (isPk) {
    if (work.table.primaryKey.length > 0) throw new EonError('invalid_table_definition', `multiple primary keys for table "${name}" are not allowed`);
    throw new EonError('feature_not_supported', 'adding a PRIMARY KEY column is not supported yet');
  }
  const serial = serialType(d);
  const type = serial !== undefined ? dataTypeOf({ names: [{ String: { sval: serial } }] }) : dataTypeOf(d.typeName ?? {});
  const col: ColumnSchema = { name: colName, type, notNull };
  const checks: Constraint[] = [];
  for (const c of constraints) {
    if (c.contype === 'CONSTR_DEFAULT') {
      if (col.default !== undefined || serial !== undefined) throw new EonError('syntax_error', `multiple default values specified for column "${colName}" of table "${name}"`);
      if (c.location === undefined) throw new EonError('internal_error', 'DEFAULT without its location');
      col.default = source.expressionAfter(c.location, 'default');
    } else if (c.contype === 'CONSTR_CHECK') {
      checks.push(c);
    } else if (c.contype === 'CONSTR_IDENTITY') {
      throw new EonError('feature_not_supported', 'ALTER TABLE ... ADD COLUMN ... GENERATED AS IDENTITY is not supported yet');
    }
  }
  const others = work.columns.map((w) => w.col);
  if (serial !== undefined) {
    col.notNull = true;
    col.sequence = sequenceOptions(ownedSequenceName(services.store, name, colName, others), serial, []);
    col.default = `nextval(${quoteLiteral(col.sequence.name)}::regclass)`;
  }
  let fill: Value = null;
  if (col.sequence !== undefined) {
    // nextval per existing row would need a value each: refused unless there is no row.
    if (await work.hasRows()) throw new EonError('feature_not_supported', `adding serial column "${colName}" to a table with rows is not supported yet`);
  } else if (col.default !== undefined) {
    validateDefault(col.default, col, stmt);
    const expr = defaultExpr(col, stmt);
    if (isVolatile(expr)) {
      if (await work.hasRows()) {
        throw new EonError('feature_not_supported', `adding column "${colName}" with a volatile DEFAULT to a table with rows is not supported yet`, {
          hint: 'Add the column without a default, then UPDATE it and SET DEFAULT.',
        });
      }
    } else {
      // A stable default is evaluated once: every existing row reads that value, as in PostgreSQL.
      fill = compileExpr(expr)([], new ExecContext({ store: services.store, params: [] }));
    }
  }
  work.columns.push({ col, from: -1, fill });
  work.layoutChanged = true;
  if (col.notNull) work.newNotNull.add(colName);
  for (const c of checks) addCheck(work, c, source);
}

/**
 * Functions eon marks volatile (so plans never fold them) that PostgreSQL calls stable: ADD COLUMN
 * evaluates a default made of them once, as PostgreSQL does.
 */
const STABLE_FUNCTIONS: ReadonlySet<string> = new Set(['now', 'transaction_timestamp', 'statement_timestamp', 'localtimestamp', 'localtime', 'current_time', 'current_date', 'current_timestamp']);

function isVolatile(e: Expr): boolean {
  if (e.kind === 'call' && e.volatile && !STABLE_FUNCTIONS.has(e.name)) return true;
  return exprChildren(e).some(isVolatile);
}

/** The text of SET DEFAULT's expression: from the DEFAULT keyword before it. */
function defaultText(source: StatementSource, def: Node): string {
  const locations: number[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (typeof x !== 'object' || x === null) return;
    for (const [k, v] of Object.entries(x)) {
      if (k === 'location' && typeof v === 'number' && v >= 0) locations.push(v);
      else walk(v);
    }
  };
  walk(def);
  const first = Math.min(...locations);
  const keyword = scanSync(source.sql).tokens.filter((t) => t.start < first && t.text.toLowerCase() === 'default').pop();
  if (keyword === undefined) throw new EonError('internal_error', 'SET DEFAULT without its keyword');
  return source.expressionAfter(keyword.start, 'default');
}

function addCheck(work: Work, c: Constraint, source: StatementSource): void {
  const name = work.table.name;
  if (c.location === undefined) throw new EonError('internal_error', 'CHECK without its location');
  const expr = source.expressionAfter(c.location, 'check');
  const used = new Set([...work.checks.map((k) => k.name), ...(work.table.primaryKey.length > 0 ? [`${name}_pkey`] : []), ...(work.table.indexes ?? []).map((x) => x.name)]);
  let cname = c.conname ?? null;
  if (cname !== null) {
    if (used.has(cname)) throw new EonError('duplicate_object', `constraint "${cname}" for relation "${name}" already exists`);
  } else {
    const read = new Set<string>();
    collectColumnRefs(c.raw_expr, read);
    const known = [...read].filter((n) => work.columns.some((w) => w.col.name === n));
    const base = known.length === 1 ? `${name}_${known[0]}_check` : `${name}_check`;
    cname = base;
    for (let i = 1; used.has(cname); i++) cname = `${base}${i}`;
  }
  work.checks.push({ name: cname, expr });
  work.newChecks.push(cname);
}

function dropColumn(work: Work, w: WorkColumn, cascade: boolean, store: Store): void {
  const table = work.table;
  const name = table.name;
  if (w.from >= 0) {
    if (table.primaryKey.includes(w.from)) throw new EonError('feature_not_supported', `dropping primary-key column "${w.col.name}" is not supported yet`);
    if (table.distributionKey.includes(w.from)) throw new EonError('feature_not_supported', `dropping column "${w.col.name}": the table is distributed by it`);
    if ((table.indexes ?? []).some((x) => x.columns.includes(w.from))) throw new EonError('feature_not_supported', `dropping column "${w.col.name}": an index uses it (drop the index first)`);
    const views = viewsUsingColumn(store, name, w.col.name);
    if (views.length > 0 && !cascade) {
      throw new EonError('dependent_objects_still_exist', `cannot drop column ${w.col.name} of table ${name} because other objects depend on it`, {
        detail: views.map((v) => `view ${v.name} depends on column ${w.col.name} of table ${name}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    work.dropViews.push(...views);
  }
  // CHECK constraints reading the column go with it, as in PostgreSQL.
  work.checks = work.checks.filter((k) => !checkReads(k.expr, w.col.name));
  work.newChecks = work.newChecks.filter((k) => work.checks.some((c) => c.name === k));
  work.newNotNull.delete(w.col.name);
  work.columns = work.columns.filter((x) => x !== w);
  work.layoutChanged = true;
}

function checkReads(expr: string, column: string): boolean {
  const read = new Set<string>();
  collectColumnRefs(parseSync(`SELECT ${expr}`).stmts?.[0]?.stmt, read);
  return read.has(column);
}

/**
 * Views reading `table` whose definition names `column` or reads `*` (eon keeps views as SQL text
 * and does not track the columns they use: a same-named column of another relation counts too).
 */
function viewsUsingColumn(store: Store, table: string, column: string): ViewSchema[] {
  return store.listViews().filter((v) => {
    if (!v.dependsOn.includes(table)) return false;
    let uses = false;
    const walk = (x: unknown): void => {
      if (uses) return;
      if (Array.isArray(x)) return x.forEach(walk);
      if (typeof x !== 'object' || x === null) return;
      const ref = asNode(x as Node, 'ColumnRef');
      if (ref !== undefined) {
        const fields = ref.fields ?? [];
        const last = fields[fields.length - 1];
        if (last !== undefined && (asNode(last, 'A_Star') !== undefined || asNode(last, 'String')?.sval === column)) uses = true;
        return;
      }
      // A whole-row reference (SELECT t FROM t) reads every column.
      for (const v2 of Object.values(x)) walk(v2);
    };
    walk(viewQuery(v));
    return uses;
  });
}

/** Checks the existing rows against the new NOT NULLs and CHECKs, through one query per rule. */
async function validateRows(work: Work, services: EngineServices): Promise<void> {
  const name = work.table.name;
  if (work.newNotNull.size === 0 && work.newChecks.length === 0) return;
  // The table as it will be: kept columns under their names, added ones as their fill value.
  const select = work.columns
    .map((w) => (w.from >= 0 ? `${quoteIdent(work.table.columns[w.from]!.name)} AS ${quoteIdent(w.col.name)}` : `${w.fill === null ? 'NULL' : quoteLiteral(formatText(w.col.type, w.fill))}::${typeName(w.col.type)} AS ${quoteIdent(w.col.name)}`))
    .join(', ');
  const from = `(SELECT ${select} FROM ${quoteIdent(name)}) AS ${quoteIdent(name)}`;
  for (const w of work.columns) {
    if (!work.newNotNull.has(w.col.name)) continue;
    if (w.from < 0 && w.fill !== null) continue;
    if (w.from < 0 ? await work.hasRows() : await anyRow(services, `SELECT 1 FROM ${from} WHERE ${quoteIdent(w.col.name)} IS NULL LIMIT 1`)) {
      throw new EonError('not_null_violation', `column "${w.col.name}" of relation "${name}" contains null values`);
    }
  }
  for (const cname of work.newChecks) {
    const k = work.checks.find((c) => c.name === cname)!;
    if (await anyRow(services, `SELECT 1 FROM ${from} WHERE NOT (${k.expr}) LIMIT 1`)) {
      throw new EonError('check_violation', `check constraint "${cname}" of relation "${name}" is violated by some row`);
    }
  }
}

async function anyRow(services: EngineServices, sql: string): Promise<boolean> {
  const st = parseOne(sql);
  if (st === null) throw new EonError('internal_error', `no statement in ${sql}`);
  const result = await compileStatement(st, services, []).run([]);
  return result.rows.length > 0;
}

function nextSchema(work: Work): TableSchema {
  const old = work.table;
  const ordinal = (o: number): number => {
    const i = work.columns.findIndex((w) => w.from === o);
    if (i < 0) throw new EonError('internal_error', `column ${o} of "${old.name}" is gone but still keyed`);
    return i;
  };
  const { rewrites: _r, generation: _g, checks: _c, replicas: _n, writeQuorum: _w, readQuorum: _q, ...rest } = old;
  const next: TableSchema = {
    ...rest,
    ...work.replication,
    columns: work.columns.map((w) => w.col),
    primaryKey: old.primaryKey.map(ordinal),
    distributionKey: old.distributionKey.map(ordinal),
    ...(work.checks.length > 0 ? { checks: work.checks } : {}),
    ...(old.indexes === undefined ? {} : { indexes: old.indexes.map((x) => ({ ...x, columns: x.columns.map(ordinal) })) }),
  };
  if (!work.layoutChanged) {
    return { ...next, ...(old.generation === undefined ? {} : { generation: old.generation }), ...(old.rewrites === undefined ? {} : { rewrites: old.rewrites }) };
  }
  const generation = generationOf(old) + 1;
  const rewrite = columnRewrite(generation, work.columns.map((w) => w.from), work.columns.map((w) => w.fill));
  return { ...next, generation, rewrites: withRewrite(old.rewrites, rewrite) };
}

// ---- RENAME --------------------------------------------------------------------------------

async function rename(s: RenameStmt, services: EngineServices): Promise<QueryResult> {
  const store = services.store;
  const name = s.relation?.relname ?? '';
  const table = tableOf(store, name, s.missing_ok === true);
  if (table === undefined) return DONE;
  const newName = s.newname ?? '';
  checkIdentifier(newName);
  if (s.renameType === 'OBJECT_TABLE') {
    if (newName === name) throw new EonError('duplicate_table', `relation "${newName}" already exists`);
    if (store.getTable(newName) !== undefined || store.getView(newName) !== undefined || store.sequences.has(newName)) {
      throw new EonError('duplicate_table', `relation "${newName}" already exists`);
    }
    const views = store.listViews().filter((v) => v.dependsOn.includes(name));
    if (views.length > 0) throw refuseForViews(`rename table "${name}"`, views);
    await services.ddl.alterTable(name, { ...table, name: newName });
    return DONE;
  }
  const column = s.subname ?? '';
  const at = table.columns.findIndex((c) => c.name === column);
  if (at < 0) throw new EonError('undefined_column', `column "${column}" does not exist`);
  if (table.columns.some((c) => c.name === newName)) throw new EonError('duplicate_column', `column "${newName}" of relation "${name}" already exists`);
  const views = viewsUsingColumn(store, name, column);
  if (views.length > 0) throw refuseForViews(`rename column "${column}" of table "${name}"`, views);
  const columns = table.columns.map((c, i) => (i === at ? { ...c, name: newName } : c));
  const checks = (table.checks ?? []).map((k) => (checkReads(k.expr, column) ? { ...k, expr: renameIdentifier(k.expr, column, newName) } : k));
  await services.ddl.alterTable(name, { ...table, columns, ...(checks.length > 0 ? { checks } : {}) });
  return DONE;
}

/** eon keeps a view's definition as SQL text: renaming what it names would break it. */
function refuseForViews(what: string, views: readonly ViewSchema[]): EonError {
  return new EonError('feature_not_supported', `cannot ${what}: view ${views.map((v) => `"${v.name}"`).join(', ')} depends on it, and eon keeps view definitions as SQL text`, {
    hint: 'Drop the view, rename, and create the view again.',
  });
}

/** A CHECK's text with every identifier token `from` replaced by `to` (quoted). */
function renameIdentifier(expr: string, from: string, to: string): string {
  const bytes = Buffer.from(expr, 'utf8');
  const parts: Buffer[] = [];
  let at = 0;
  for (const t of scanSync(expr).tokens) {
    const word = bytes.subarray(t.start, t.end).toString('utf8');
    const ident = word.startsWith('"') ? word.slice(1, -1).replaceAll('""', '"') : word.toLowerCase();
    if (ident !== from || !(word.startsWith('"') || /^[A-Za-z_][A-Za-z0-9_$]*$/.test(word))) continue;
    parts.push(bytes.subarray(at, t.start), Buffer.from(quoteIdent(to), 'utf8'));
    at = t.end;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts).toString('utf8');
}
