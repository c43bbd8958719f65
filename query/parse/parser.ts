// SQL text → statements, parsed by PostgreSQL's own grammar (libpg-query): the statements a
// session handles itself (transaction control, SET/SHOW, EXPLAIN, COPY, maintenance) become
// eon's statement kinds, SQL the binder reads stays PostgreSQL's typed parse tree.

import { loadModule, parseSync } from 'libpg-query';
import type { DefElem, Node, RawStmt, TransactionStmt, VariableSetStmt } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { asNode, constLiteral, nodeTag, stringOf, type NodeTag } from './ast.js';
import { copyStatementOf, type CopyStatement } from './copy-statement.js';
import { rewriteExpandArray } from './expand-array-rewrite.js';
import { closeCursorStatement, declareCursorStatement, fetchStatement, type CursorStatement } from './cursor-statement.js';

// The WASM module loads once per process (and per worker thread that parses).
await loadModule();

export type Statement =
  /** SQL the binder reads: `ast` is the wrapped statement node (SelectStmt, InsertStmt, …). */
  | { kind: 'query'; ast: Node; text: string }
  | { kind: 'explain'; analyze: boolean; inner: Statement; text: string }
  | {
      kind: 'transaction';
      action: 'begin' | 'commit' | 'rollback' | 'savepoint' | 'rollback_to' | 'release';
      /** The savepoint named by SAVEPOINT, ROLLBACK TO and RELEASE. */
      savepoint?: string;
      /** BEGIN / START TRANSACTION ISOLATION LEVEL …, lower case ('serializable', 'read committed'). */
      isolation?: string;
      text: string;
    }
  /** SET name = value; value null: RESET / SET … TO DEFAULT (name 'all' for RESET ALL). */
  | {
      kind: 'set';
      name: string;
      value: string | null;
      text: string;
      /** SET … TO DEFAULT (tag SET, not RESET). */
      toDefault?: boolean;
      /** SET LOCAL, SET TRANSACTION: until the end of the transaction block only. */
      local?: boolean;
    }
  | { kind: 'show'; name: string; text: string }
  /** CHECKPOINT / VACUUM [table] fold row deltas into columnar segments now; ANALYZE (and VACUUM ANALYZE: `analyze`) collects planner statistics. */
  | { kind: 'maintenance'; action: 'checkpoint' | 'vacuum' | 'analyze'; table: string | null; text: string; analyze?: true }
  | CopyStatement
  | CursorStatement
  | { kind: 'unsupported'; feature: string; text: string };

/** Statement nodes the binder reads. */
const QUERY_TAGS: ReadonlySet<NodeTag> = new Set<NodeTag>(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'CreateStmt', 'DropStmt', 'CreateSeqStmt', 'ViewStmt', 'CreateTableAsStmt', 'TruncateStmt', 'AlterTableStmt', 'RenameStmt', 'IndexStmt', 'CreateRoleStmt', 'AlterRoleStmt', 'DropRoleStmt', 'GrantStmt']);

/** What PostgreSQL calls the statements eon parses but does not run yet (0A000 names them). */
const FEATURE_NAMES: Partial<Record<NodeTag, string>> = {
  CreateSchemaStmt: 'CREATE SCHEMA',
  CreateFunctionStmt: 'CREATE FUNCTION',
  CreateRoleStmt: 'CREATE ROLE',
  CreatedbStmt: 'CREATE DATABASE',
  CreateExtensionStmt: 'CREATE EXTENSION',
  CreateTrigStmt: 'CREATE TRIGGER',
  CompositeTypeStmt: 'CREATE TYPE',
  CreateEnumStmt: 'CREATE TYPE',
  CreateDomainStmt: 'CREATE DOMAIN',
  AlterTableStmt: 'ALTER TABLE',
  RenameStmt: 'ALTER … RENAME',
  AlterRoleStmt: 'ALTER ROLE',
  AlterSeqStmt: 'ALTER SEQUENCE',
  GrantStmt: 'GRANT',
  GrantRoleStmt: 'GRANT',
  ClusterStmt: 'CLUSTER',
  ReindexStmt: 'REINDEX',
  ListenStmt: 'LISTEN',
  NotifyStmt: 'NOTIFY',
  UnlistenStmt: 'UNLISTEN',
  LockStmt: 'LOCK',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  DeallocateStmt: 'DEALLOCATE',
  DeclareCursorStmt: 'DECLARE',
  FetchStmt: 'FETCH',
  ClosePortalStmt: 'CLOSE',
  CommentStmt: 'COMMENT',
  DoStmt: 'DO',
  CallStmt: 'CALL',
  MergeStmt: 'MERGE',
  DiscardStmt: 'DISCARD',
  LoadStmt: 'LOAD',
  DropRoleStmt: 'DROP ROLE',
  DropdbStmt: 'DROP DATABASE',
};

/** Parses a script into its statements (an empty script gives []). */
export function parseScript(sql: string): Statement[] {
  const bytes = scriptBytes(sql);
  return rawStatements(sql).map((raw) => statementOf(raw, sql, bytes));
}

/** Parses exactly one statement (extended protocol Parse). */
export function parseOne(sql: string): Statement | null {
  const raws = rawStatements(sql);
  if (raws.length > 1) {
    throw new EonError('syntax_error', 'cannot insert multiple commands into a prepared statement');
  }
  return raws[0] === undefined ? null : statementOf(raws[0], sql, scriptBytes(sql));
}

/** The script as UTF-8 when it has non-ASCII characters (the parser's offsets count bytes), else null. */
function scriptBytes(sql: string): Buffer | null {
  return /^[\x00-\x7f]*$/.test(sql) ? null : Buffer.from(sql, 'utf8');
}

function rawStatements(sql: string): RawStmt[] {
  if (sql === '') return []; // libpg-query refuses the empty string; PostgreSQL answers it as an empty query
  try {
    return parseSync(sql).stmts ?? [];
  } catch (e) {
    const details = (e as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    const message = details?.message ?? (e instanceof Error ? e.message : String(e));
    // libpg-query's cursor is 0-based; PostgreSQL reports 1-based character positions.
    const position = details?.cursorPosition;
    // The grammar itself refuses CREATE ROLE public/none, with PostgreSQL's reserved_name code.
    const code = /^role name ".*" is reserved$/.test(message) ? 'reserved_name' : 'syntax_error';
    throw new EonError(code, message, position === undefined ? {} : { position: position + 1 });
  }
}

/** A statement of the script: its span (UTF-8 byte offsets; stmt_len 0 means "to the end") cut out of `bytes`. */
function statementOf(raw: RawStmt, script: string, bytes: Buffer | null): Statement {
  const start = raw.stmt_location ?? 0;
  const end = (raw.stmt_len ?? 0) === 0 ? undefined : start + raw.stmt_len!;
  if (start === 0 && end === undefined) return statementOfNode(raw.stmt!, script.trim());
  const text = bytes === null ? script.slice(start, end) : bytes.subarray(start, end).toString('utf8');
  return statementOfNode(raw.stmt!, text.trim());
}

function statementOfNode(node: Node, text: string): Statement {
  const tag = nodeTag(node);
  if (QUERY_TAGS.has(tag)) return { kind: 'query', ast: text.includes('_pg_expandarray') ? rewriteExpandArray(node) : node, text };
  switch (tag) {
    case 'ExplainStmt': {
      const e = asNode(node, 'ExplainStmt')!;
      const analyze = (e.options ?? []).some((o) => {
        const d = asNode(o, 'DefElem');
        return d?.defname === 'analyze' && defElemBoolean(d);
      });
      return { kind: 'explain', analyze, inner: statementOfNode(e.query!, text), text };
    }
    case 'TransactionStmt':
      return transactionStatement(asNode(node, 'TransactionStmt')!, text);
    case 'VariableSetStmt':
      return setStatement(asNode(node, 'VariableSetStmt')!, text);
    case 'VariableShowStmt':
      return { kind: 'show', name: (asNode(node, 'VariableShowStmt')!.name ?? '').toLowerCase(), text };
    case 'CheckPointStmt':
      return { kind: 'maintenance', action: 'checkpoint', table: null, text };
    case 'VacuumStmt': {
      const v = asNode(node, 'VacuumStmt')!;
      const rels = v.rels ?? [];
      if (rels.length > 1) return { kind: 'unsupported', feature: `${v.is_vacuumcmd === true ? 'VACUUM' : 'ANALYZE'} of several tables`, text };
      const relation = asNode(rels[0], 'VacuumRelation')?.relation;
      const alsoAnalyze = v.is_vacuumcmd === true && (v.options ?? []).some((o) => {
        const d = asNode(o, 'DefElem');
        return d?.defname === 'analyze' && defElemBoolean(d);
      });
      return { kind: 'maintenance', action: v.is_vacuumcmd === true ? 'vacuum' : 'analyze', table: relation?.relname ?? null, text, ...(alsoAnalyze ? { analyze: true as const } : {}) };
    }
    case 'CopyStmt':
      return copyStatementOf(asNode(node, 'CopyStmt')!, text);
    case 'DeclareCursorStmt':
      return declareCursorStatement(asNode(node, 'DeclareCursorStmt')!, text);
    case 'FetchStmt':
      return fetchStatement(asNode(node, 'FetchStmt')!, text);
    case 'ClosePortalStmt':
      return closeCursorStatement(asNode(node, 'ClosePortalStmt')!, text);
    default:
      return { kind: 'unsupported', feature: FEATURE_NAMES[tag] ?? tag.replace(/Stmt$/, '').toUpperCase(), text };
  }
}

function transactionStatement(t: TransactionStmt, text: string): Statement {
  switch (t.kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START': {
      if (transactionOption(t.options, 'transaction_read_only') === true) return { kind: 'unsupported', feature: 'READ ONLY transactions', text };
      const isolation = transactionOption(t.options, 'transaction_isolation');
      return typeof isolation === 'string' ? { kind: 'transaction', action: 'begin', isolation, text } : { kind: 'transaction', action: 'begin', text };
    }
    case 'TRANS_STMT_COMMIT':
      return { kind: 'transaction', action: 'commit', text };
    case 'TRANS_STMT_ROLLBACK':
      return { kind: 'transaction', action: 'rollback', text };
    case 'TRANS_STMT_SAVEPOINT':
      return { kind: 'transaction', action: 'savepoint', savepoint: t.savepoint_name ?? '', text };
    case 'TRANS_STMT_RELEASE':
      return { kind: 'transaction', action: 'release', savepoint: t.savepoint_name ?? '', text };
    case 'TRANS_STMT_ROLLBACK_TO':
      return { kind: 'transaction', action: 'rollback_to', savepoint: t.savepoint_name ?? '', text };
    default:
      return { kind: 'unsupported', feature: 'two-phase commit', text };
  }
}

/** A transaction option's value: the isolation level's text, or read-only/deferrable as a boolean. */
function transactionOption(options: readonly Node[] | undefined, name: string): string | boolean | undefined {
  for (const o of options ?? []) {
    const d = asNode(o, 'DefElem');
    if (d?.defname !== name) continue;
    const s = stringOf(d.arg);
    return s !== undefined ? s.toLowerCase() : defElemBoolean(d);
  }
  return undefined;
}

/** A DefElem's boolean: absent argument is true (EXPLAIN (ANALYZE)), else true/on/1. */
function defElemBoolean(d: DefElem): boolean {
  if (d.arg === undefined) return true;
  const c = asNode(d.arg, 'A_Const');
  if (c !== undefined) {
    const lit = constLiteral(c);
    if (lit.kind === 'integer') return lit.value !== 0;
    if (lit.kind === 'boolean') return lit.value;
  }
  const b = asNode(d.arg, 'Boolean');
  if (b !== undefined) return b.boolval ?? false;
  const s = stringOf(d.arg)?.toLowerCase();
  return s === 'true' || s === 'on' || s === '1';
}

function setStatement(s: VariableSetStmt, text: string): Statement {
  const name = (s.name ?? '').toLowerCase();
  const local = s.is_local === true ? { local: true } : {};
  switch (s.kind) {
    case 'VAR_SET_VALUE':
      return { kind: 'set', name, value: settingValue(s.args ?? []), text, ...local };
    case 'VAR_SET_DEFAULT':
      return { kind: 'set', name, value: null, text, toDefault: true, ...local };
    case 'VAR_RESET':
      return { kind: 'set', name, value: null, text };
    case 'VAR_RESET_ALL':
      return { kind: 'set', name: 'all', value: null, text };
    case 'VAR_SET_MULTI': {
      // SET TRANSACTION … / SET SESSION CHARACTERISTICS AS TRANSACTION …: only the isolation level matters.
      if (transactionOption(s.args, 'transaction_read_only') === true) return { kind: 'unsupported', feature: 'READ ONLY transactions', text };
      const isolation = transactionOption(s.args, 'transaction_isolation');
      return {
        kind: 'set',
        name: name === 'transaction' ? 'transaction_isolation' : 'default_transaction_isolation',
        value: typeof isolation === 'string' ? isolation : 'read committed', // READ WRITE, [NOT] DEFERRABLE: nothing to change
        text,
        // SET TRANSACTION lasts for the block; SET SESSION CHARACTERISTICS for the session.
        ...(name === 'transaction' ? { local: true } : {}),
      };
    }
    default:
      return { kind: 'unsupported', feature: `SET ${name.toUpperCase()} FROM CURRENT`, text };
  }
}

/** A SET value as PostgreSQL's GUC machinery sees it: list items joined by ', '. */
function settingValue(args: readonly Node[]): string {
  return args
    .map((a) => {
      const c = asNode(a, 'A_Const');
      if (c !== undefined) {
        const lit = constLiteral(c);
        switch (lit.kind) {
          case 'integer':
            return String(lit.value);
          case 'number':
          case 'string':
          case 'bits':
            return lit.text;
          case 'boolean':
            return lit.value ? 'on' : 'off';
          case 'null':
            return '';
          default: {
            const never: never = lit;
            return never;
          }
        }
      }
      // SET TIME ZONE INTERVAL '…' (the only typed value the grammar allows): PostgreSQL's
      // `INTERVAL '…'` form, which the TimeZone setting reads as an offset east of UTC.
      const cast = asNode(a, 'TypeCast');
      const literal = stringOf(cast?.arg) ?? '';
      const typeName = cast?.typeName?.names?.map((n) => stringOf(n)).join('.') ?? '';
      return /(^|\.)interval$/.test(typeName) ? `INTERVAL '${literal}'` : literal;
    })
    .join(', ');
}
