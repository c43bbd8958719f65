// Column DEFAULTs and CHECK constraints: their SQL text as CREATE TABLE wrote it (kept in the
// table's schema, so it survives restarts and travels through the cluster catalog), and that text
// bound again when a statement writes the table: defaults fill columns a row leaves out, checks
// refuse rows for which an expression is false (NULL passes, as in PostgreSQL).

import { parseSync, scanSync } from 'libpg-query';
import type { Node } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { formatText, type Value } from '../../src/types/index.js';
import type { ColumnSchema, TableSchema } from '../../storage/index.js';
import { asNode } from '../parse/ast.js';
import type { Expr } from '../plan/expr.js';
import { LevelContext, StatementContext } from '../bind/context.js';
import { withSystemEnvironment, type SystemEnvironment } from '../catalog/environment.js';
import { bindExpr } from '../bind/bind-expr.js';
import { Scope } from '../bind/scope.js';
import { coerce, requireBoolean } from '../bind/typing.js';
import { compileExpr, type Row } from '../execute/compile-expr.js';
import { ExecContext } from '../execute/context.js';

/** Parsed stored expressions kept per text (DEFAULT and CHECK texts are few and reused by every write). */
export const STORED_EXPR_CACHE_ENTRIES_MAX = 4_096;

const parsed = new Map<string, Node>();

/** The expression a stored text holds, parsed by PostgreSQL's grammar as a select-list item. */
function storedExpr(text: string): Node {
  let n = parsed.get(text);
  if (n !== undefined) return n;
  const stmt = asNode(parseSync(`SELECT ${text}`).stmts?.[0]?.stmt, 'SelectStmt');
  const val = asNode(stmt?.targetList?.[0], 'ResTarget')?.val;
  if (val === undefined) throw new EonError('internal_error', `stored expression does not parse: ${text}`);
  if (parsed.size >= STORED_EXPR_CACHE_ENTRIES_MAX) parsed.clear();
  parsed.set(text, val);
  return val;
}

/** Binds with aggregates, window functions refused under PostgreSQL's names for the clause. */
function bindStored(n: Node, level: LevelContext, clause: string): Expr {
  level.noAggregates = clause;
  level.noWindows = clause;
  return bindExpr(n, level);
}

// ---- source text of DEFAULT and CHECK in CREATE TABLE --------------------------------------

/** Keywords that end a DEFAULT expression: the next column constraint starts there. */
const CONSTRAINT_KEYWORDS = new Set(['not', 'null', 'check', 'primary', 'unique', 'references', 'constraint', 'default', 'generated', 'collate', 'deferrable', 'initially']);

interface Token {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The source tokens of a statement, for cutting the text of DEFAULT and CHECK expressions out of it. */
export class StatementSource {
  private readonly tokens: readonly Token[];
  /** The statement as UTF-8: the scanner's offsets and the tree's locations count bytes. */
  private readonly bytes: Buffer;

  constructor(readonly sql: string) {
    this.tokens = scanSync(sql).tokens.map((t) => ({ start: t.start, end: t.end, text: t.text }));
    this.bytes = Buffer.from(sql, 'utf8');
  }

  private slice(start: number, end: number): string {
    return this.bytes.subarray(start, end).toString('utf8');
  }

  /** The text of the expression after the keyword (DEFAULT, CHECK) at or after `location`. */
  expressionAfter(location: number, keyword: 'default' | 'check'): string {
    let i = this.tokens.findIndex((t) => t.start >= location && t.text.toLowerCase() === keyword);
    if (i < 0) throw new EonError('internal_error', `no ${keyword} at ${location}`);
    i++;
    if (keyword === 'check') {
      // CHECK ( expr ) [NO INHERIT]: the text between the parentheses.
      const open = this.tokens[i];
      if (open?.text !== '(') throw new EonError('internal_error', 'CHECK without its parenthesis');
      let depth = 0;
      for (let j = i; j < this.tokens.length; j++) {
        const t = this.tokens[j]!.text;
        if (t === '(') depth++;
        else if (t === ')' && --depth === 0) return this.slice(open.end, this.tokens[j]!.start).trim();
      }
      throw new EonError('internal_error', 'CHECK without its closing parenthesis');
    }
    const first = this.tokens[i];
    if (first === undefined) throw new EonError('internal_error', 'DEFAULT without an expression');
    let depth = 0;
    let last = first;
    for (let j = i; j < this.tokens.length; j++) {
      const t = this.tokens[j]!;
      const lower = t.text.toLowerCase();
      if (depth === 0 && j > i && (t.text === ',' || t.text === ')' || CONSTRAINT_KEYWORDS.has(lower))) break;
      if (t.text === '(' || t.text === '[') depth++;
      else if (t.text === ')' || t.text === ']') depth--;
      last = t;
    }
    return this.slice(first.start, last.end);
  }
}

/** Checks a DEFAULT text binds without the row's columns and converts to the column's type. */
export function validateDefault(text: string, column: ColumnSchema, stmt: StatementContext): void {
  bindDefault(text, column, stmt);
}

/** Checks a CHECK text binds against the table's columns and is boolean. */
export function validateCheck(text: string, table: Pick<TableSchema, 'columns' | 'name'>, stmt: StatementContext): void {
  bindCheck(text, table, stmt);
}

function bindDefault(text: string, column: ColumnSchema, stmt: StatementContext): Expr {
  const level = new LevelContext(stmt, Scope.empty(), null);
  let e: Expr;
  try {
    e = bindStored(storedExpr(text), level, 'DEFAULT expressions');
  } catch (err) {
    if (err instanceof EonError && err.code === 'undefined_column') throw new EonError('feature_not_supported', 'cannot use column reference in DEFAULT expression');
    throw err;
  }
  return coerce(e, column.type, 'assignment', stmt.params);
}

function bindCheck(text: string, table: Pick<TableSchema, 'columns' | 'name'>, stmt: StatementContext): Expr {
  const scope = new Scope(table.columns.map((c) => ({ table: table.name, name: c.name, type: c.type })));
  const level = new LevelContext(stmt, scope, null);
  return requireBoolean(bindStored(storedExpr(text), level, 'check constraints'), 'CHECK', stmt.params);
}

// ---- applying them ---------------------------------------------------------------------------

/** Whether a column gets something other than NULL when a row leaves it out. */
export function hasDefault(column: ColumnSchema): boolean {
  return column.default !== undefined || column.sequence !== undefined;
}

/** The expression a column's DEFAULT stands for (NULL when it has none), typed as the column. */
export function defaultExpr(column: ColumnSchema, stmt: StatementContext): Expr {
  if (column.sequence !== undefined) return bindDefault(`nextval(${quoteLiteral(column.sequence.name)})`, column, stmt);
  if (column.default === undefined) return { kind: 'const', type: column.type, value: null };
  return bindDefault(column.default, column, stmt);
}

export function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Defaults for the columns a write leaves out: filled into each row before it is checked. */
export interface DefaultFill {
  readonly ordinals: readonly number[];
  readonly fns: readonly ((row: Row, ctx: ExecContext) => Value)[];
}

/** Null when none of `omitted` has a default (the rows keep their NULLs: no work per row). */
export function bindDefaultFill(table: TableSchema, omitted: readonly number[], stmt: StatementContext): DefaultFill | null {
  const ordinals = omitted.filter((i) => hasDefault(table.columns[i]!));
  if (ordinals.length === 0) return null;
  return { ordinals, fns: ordinals.map((i) => compileExpr(defaultExpr(table.columns[i]!, stmt))) };
}

export function fillDefaults(fill: DefaultFill, row: Row, ctx: ExecContext): void {
  const { ordinals, fns } = fill;
  for (let k = 0; k < ordinals.length; k++) row[ordinals[k]!] = fns[k]!([], ctx);
}

/** A table's CHECK constraints, compiled; null when it has none. */
export interface CompiledChecks {
  readonly table: TableSchema;
  readonly checks: readonly { name: string; fn: (row: Row, ctx: ExecContext) => Value }[];
}

export function bindChecks(table: TableSchema, stmt: StatementContext): CompiledChecks | null {
  const list = table.checks ?? [];
  if (list.length === 0) return null;
  return { table, checks: list.map((c) => ({ name: c.name, fn: compileExpr(bindCheck(c.expr, table, stmt)) })) };
}

/** Throws 23514 for the first check the row makes false (NULL is not false). */
export function enforceChecks(compiled: CompiledChecks, row: Row, ctx: ExecContext, where?: string): void {
  for (const c of compiled.checks) {
    if (c.fn(row, ctx) !== false) continue;
    const { table } = compiled;
    throw new EonError('check_violation', `new row for relation "${table.name}" violates check constraint "${c.name}"`, {
      detail: `Failing row contains (${row.map((v, j) => (v === null ? 'null' : formatText(table.columns[j]!.type, v))).join(', ')}).`,
      ...(where === undefined ? {} : { where }),
    });
  }
}



// ---- COPY FROM --------------------------------------------------------------------------------

/** What COPY FROM applies per row: defaults of the columns it leaves out, then the checks. */
export interface CopyRules {
  readonly fill: DefaultFill | null;
  readonly checks: CompiledChecks | null;
  readonly ctx: ExecContext;
}

/** Null when the table has neither defaults for the omitted columns nor checks (no work per row). */
export function bindCopyRules(table: TableSchema, targets: readonly number[], env: SystemEnvironment | undefined): CopyRules | null {
  const omitted = table.columns.map((_, i) => i).filter((i) => !targets.includes(i));
  if (!omitted.some((i) => hasDefault(table.columns[i]!)) && (table.checks ?? []).length === 0) return null;
  if (env === undefined) throw new EonError('feature_not_supported', 'COPY into a table with defaults or checks needs a session');
  const stmt = new StatementContext(env.store, []);
  const { result } = withSystemEnvironment(env, () => ({ fill: bindDefaultFill(table, omitted, stmt), checks: bindChecks(table, stmt) }));
  return { ...result, ctx: new ExecContext({ store: env.store, params: [] }) };
}
