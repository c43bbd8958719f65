// SQL text → statements: eon's own handling for the statements node-sql-parser lacks (EXPLAIN,
// transaction control, SET/SHOW/RESET) and node-sql-parser (PostgreSQL mode) for the rest, with
// string literals lifted out first so quoting rules are PostgreSQL's, not the parser's.

import nodeSqlParser from 'node-sql-parser';
import { EonError } from '../../src/errors/index.js';
import { parseCopy, type CopyStatement } from './copy-statement.js';
import { splitStatements, stringTokenValue, tokenize, type StatementText, type Token } from './lexer.js';
import { rewritePgSyntax } from './pg-syntax.js';

const { Parser } = nodeSqlParser;
const parser = new Parser();
const PARSE_OPTIONS = { database: 'PostgresQL' } as const;

/** Integer literals beyond this lose precision as JS numbers, so they are lifted like strings. */
const SAFE_INTEGER_DIGITS_MAX = 15;

/** The raw node-sql-parser AST (loosely typed: the binder checks every shape it reads). */
export type Ast = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface LiftedLiterals {
  /** Placeholder index → literal. Strings keep their decoded text; numbers their source text. */
  readonly values: readonly { kind: 'string' | 'number'; text: string }[];
  /** Identifiers written in double quotes (case preserved). */
  readonly quotedIdents: ReadonlySet<string>;
  /**
   * INTERSECT ALL / EXCEPT ALL, which node-sql-parser cannot parse: the ALL is removed and noted
   * here per operator (a statement must use one form of each operator throughout).
   */
  readonly setOpAll?: { readonly intersect: boolean; readonly except: boolean };
}

export type Statement =
  | { kind: 'query'; ast: Ast; literals: LiftedLiterals; text: string }
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
  | { kind: 'set'; name: string; value: string | null; text: string }
  | { kind: 'show'; name: string; text: string }
  /** CHECKPOINT / VACUUM [table] fold row deltas into columnar segments now; ANALYZE is accepted. */
  | { kind: 'maintenance'; action: 'checkpoint' | 'vacuum' | 'analyze'; table: string | null; text: string }
  | CopyStatement
  | { kind: 'unsupported'; feature: string; text: string };

/** Statements whose first word names a feature eon does not have yet (0A000, not 42601). */
const UNSUPPORTED_LEADING = new Set([
  'alter', 'grant', 'revoke', 'cluster', 'reindex', 'listen', 'notify',
  'lock', 'prepare', 'execute', 'deallocate', 'declare', 'fetch', 'move', 'close', 'comment', 'do', 'call', 'merge', 'truncate', 'discard', 'load',
]);

/** Parses a script into its statements (an empty script gives []). */
export function parseScript(sql: string): Statement[] {
  return splitStatements(sql).map((s) => parseStatementText(s));
}

/** Parses exactly one statement (extended protocol Parse). */
export function parseOne(sql: string): Statement | null {
  const parts = splitStatements(sql);
  if (parts.length > 1) {
    throw new EonError('syntax_error', 'cannot insert multiple commands into a prepared statement');
  }
  return parts[0] === undefined ? null : parseStatementText(parts[0]);
}

function word(t: Token | undefined): string {
  return t !== undefined && t.kind === 'ident' ? t.text.toLowerCase() : '';
}

function parseStatementText(st: StatementText): Statement {
  const { tokens, text } = st;
  const w0 = word(tokens[0]);
  const w1 = word(tokens[1]);
  if (w0 === 'explain') {
    let i = 1;
    let analyze = false;
    while (['analyze', 'verbose', 'costs'].includes(word(tokens[i]))) {
      if (word(tokens[i]) === 'analyze') analyze = true;
      i++;
    }
    const rest = tokens[i];
    if (rest === undefined) throw new EonError('syntax_error', 'syntax error at end of input');
    const innerText = text.slice(rest.start);
    const inner = parseStatementText({
      text: innerText,
      offset: st.offset + rest.start,
      tokens: tokens.slice(i).map((t) => ({ ...t, start: t.start - rest.start, end: t.end - rest.start })),
    });
    return { kind: 'explain', analyze, inner, text };
  }
  if (w0 === 'begin' || (w0 === 'start' && w1 === 'transaction')) {
    const isolation = isolationLevel(tokens);
    return isolation === null ? { kind: 'transaction', action: 'begin', text } : { kind: 'transaction', action: 'begin', isolation, text };
  }
  if (w0 === 'commit' || w0 === 'end') return { kind: 'transaction', action: 'commit', text };
  if (w0 === 'rollback' || w0 === 'abort') {
    const to = tokens.findIndex((t) => word(t) === 'to');
    if (w0 === 'rollback' && to > 0) return { kind: 'transaction', action: 'rollback_to', savepoint: savepointName(tokens, to + 1, text), text };
    return { kind: 'transaction', action: 'rollback', text };
  }
  if (w0 === 'savepoint') return { kind: 'transaction', action: 'savepoint', savepoint: savepointName(tokens, 1, text, false), text };
  if (w0 === 'release') return { kind: 'transaction', action: 'release', savepoint: savepointName(tokens, 1, text), text };
  if (w0 === 'set' && (w1 === 'transaction' || (w1 === 'session' && word(tokens[2]) === 'characteristics'))) {
    // SET TRANSACTION … / SET SESSION CHARACTERISTICS AS TRANSACTION …: only the isolation level matters.
    if (tokens.some((t, i) => word(t) === 'read' && word(tokens[i + 1]) === 'only')) return { kind: 'unsupported', feature: 'READ ONLY transactions', text };
    const isolation = isolationLevel(tokens) ?? 'read committed'; // READ WRITE, [NOT] DEFERRABLE: nothing to change
    return { kind: 'set', name: w1 === 'transaction' ? 'transaction_isolation' : 'default_transaction_isolation', value: isolation, text };
  }
  if (w0 === 'set') return parseSet(tokens, text);
  if (w0 === 'reset') {
    return { kind: 'set', name: tokens.slice(1).map((t) => t.text).join(' ').toLowerCase(), value: null, text };
  }
  if (w0 === 'show') {
    const name = tokens.slice(1).map((t) => t.text).join(' ').toLowerCase();
    if (name === '') throw new EonError('syntax_error', 'syntax error at end of input');
    return { kind: 'show', name, text };
  }
  if (w0 === 'checkpoint' || w0 === 'vacuum' || w0 === 'analyze') {
    const last = tokens.length > 1 ? tokens[tokens.length - 1]! : undefined;
    const table = last === undefined || last.kind === 'op' ? null : last.kind === 'quoted_ident' ? last.text.slice(1, -1) : last.text.toLowerCase();
    if (w0 === 'checkpoint' && tokens.length > 1) throw new EonError('syntax_error', `syntax error at or near "${tokens[1]!.text}"`, { position: st.offset + tokens[1]!.start + 1 });
    const options = new Set(['full', 'freeze', 'verbose', 'analyze']);
    return { kind: 'maintenance', action: w0, table: table !== null && options.has(table) ? null : table, text };
  }
  if (w0 === 'copy') return parseCopy(st);
  if (UNSUPPORTED_LEADING.has(w0)) return { kind: 'unsupported', feature: w0.toUpperCase(), text };
  if (w0 === 'create' && !['table', 'temp', 'temporary', 'unlogged'].includes(w1)) {
    return { kind: 'unsupported', feature: `CREATE ${w1.toUpperCase()}`, text };
  }
  if (w0 === 'insert') {
    const fast = parseInsertValues(st);
    if (fast !== null) return fast;
  }
  return parseWithNodeSqlParser(st);
}

/** The name after SAVEPOINT / RELEASE [SAVEPOINT] / ROLLBACK … TO [SAVEPOINT], from token `at`. */
function savepointName(tokens: Token[], at: number, text: string, optionalKeyword = true): string {
  let i = at;
  if (optionalKeyword && word(tokens[i]) === 'savepoint' && tokens[i + 1] !== undefined) i++;
  const t = tokens[i];
  if (t === undefined) throw new EonError('syntax_error', 'syntax error at end of input', { position: text.length + 1 });
  if (tokens[i + 1] !== undefined) throw new EonError('syntax_error', `syntax error at or near "${tokens[i + 1]!.text}"`);
  if (t.kind === 'quoted_ident') return t.text.slice(1, -1);
  if (t.kind !== 'ident') throw new EonError('syntax_error', `syntax error at or near "${t.text}"`);
  return t.text.toLowerCase();
}

/** The level of an ISOLATION LEVEL clause ('read committed', 'serializable', …), or null. */
function isolationLevel(tokens: Token[]): string | null {
  const at = tokens.findIndex((t, i) => word(t) === 'isolation' && word(tokens[i + 1]) === 'level');
  if (at < 0) return null;
  const first = word(tokens[at + 2]);
  if (first === 'read' || first === 'repeatable') {
    const second = word(tokens[at + 3]);
    if (second === '') throw new EonError('syntax_error', 'syntax error at end of input');
    return `${first} ${second}`;
  }
  if (first === '') throw new EonError('syntax_error', 'syntax error at end of input');
  return first;
}

function parseSet(tokens: Token[], text: string): Statement {
  let i = 1;
  const scope = word(tokens[i]);
  if (scope === 'session' || scope === 'local') i++;
  if (word(tokens[i]) === 'time' && word(tokens[i + 1]) === 'zone') {
    return { kind: 'set', name: 'timezone', value: settingValue(tokens.slice(i + 2)), text };
  }
  const nameTok = tokens[i];
  if (nameTok === undefined) throw new EonError('syntax_error', 'syntax error at end of input');
  let name = nameTok.kind === 'quoted_ident' ? nameTok.text.slice(1, -1) : nameTok.text.toLowerCase();
  i++;
  while (tokens[i]?.text === '.' && tokens[i + 1] !== undefined) {
    name += '.' + tokens[i + 1]!.text.toLowerCase();
    i += 2;
  }
  const eq = tokens[i];
  if (eq === undefined || (eq.text !== '=' && word(eq) !== 'to')) {
    throw new EonError('syntax_error', `syntax error at or near "${eq?.text ?? 'end of input'}"`, {
      position: eq === undefined ? text.length : eq.start + 1,
    });
  }
  const valueTokens = tokens.slice(i + 1);
  if (valueTokens.length === 0) throw new EonError('syntax_error', 'syntax error at end of input');
  const value = word(valueTokens[0]) === 'default' && valueTokens.length === 1 ? null : settingValue(valueTokens);
  return { kind: 'set', name, value, text };
}

function settingValue(tokens: Token[]): string {
  return tokens
    .filter((t) => t.text !== ',')
    .map((t) => (t.kind === 'string' ? stringTokenValue(t.text) : t.kind === 'quoted_ident' ? t.text.slice(1, -1) : t.text))
    .join(tokens.some((t) => t.text === ',') ? ', ' : ' ');
}

/** Stands for "all columns" in a rewritten INSERT column list (see rewriteTokens). */
export const ALL_COLUMNS_MARKER = 'eon_all_columns__';

/** Window functions node-sql-parser cannot parse; they reach the binder as ntile(eon_fn_<name>). */
const RENAMED_FUNCTIONS = new Set(['percent_rank', 'cume_dist']);
export const RENAMED_PREFIX = 'eon_fn_';

/** Words that continue a multi-word type name (double precision, timestamp with time zone). */
const TYPE_NAME_WORDS = new Set(['precision', 'varying', 'with', 'without', 'time', 'zone']);

const UNARY_AFTER = new Set(['select', 'where', 'and', 'or', 'not', 'when', 'then', 'else', 'by', 'having', 'on', 'values', 'return', 'returning', 'set', 'between', 'in', 'is']);

function unaryPosition(tokens: Token[], i: number): boolean {
  const prev = tokens[i - 1];
  if (prev === undefined) return true;
  if (prev.kind === 'op') return prev.text !== ')' && prev.text !== ']';
  return prev.kind === 'ident' && UNARY_AFTER.has(prev.text.toLowerCase());
}

/**
 * The last token of a number literal followed by `::type` (or, for `@`, of a plain number or
 * column), or -1 when the tokens after a prefix operator are not of that shape.
 */
function castOperandEnd(tokens: Token[], i: number, plainToo: boolean): number {
  let j = i;
  if (plainToo && tokens[j]?.text === '-') j++;
  const operand = tokens[j];
  if (operand === undefined || (operand.kind !== 'number' && !(plainToo && operand.kind === 'ident'))) return -1;
  if (tokens[j + 1]?.text !== ':' || tokens[j + 2]?.text !== ':') return plainToo ? j : -1;
  j += 3;
  if (tokens[j]?.kind !== 'ident') return -1;
  while (TYPE_NAME_WORDS.has(word(tokens[j + 1]))) j++;
  if (tokens[j + 1]?.text === '(') {
    j++;
    while (j < tokens.length && tokens[j]!.text !== ')') j++;
  }
  return j < tokens.length ? j : -1;
}

/** Aggregates whose DISTINCT form node-sql-parser cannot parse; they are renamed `name__distinct`. */
const DISTINCT_AGGREGATES = new Set(['sum', 'avg', 'min', 'max', 'string_agg', 'bool_and', 'bool_or', 'every']);
export const DISTINCT_SUFFIX = '__distinct';

/**
 * Rewrites token runs node-sql-parser mis-parses into forms it handles, keeping their meaning:
 * CROSS JOIN → comma, IS [NOT] DISTINCT FROM → @> / <@ (eon has no JSON operators), IS [NOT]
 * UNKNOWN → IS [NOT] NULL, FETCH FIRST n ROWS ONLY → LIMIT n, agg(DISTINCT x) → agg__distinct(x).
 * Returns, per token, the replacement text (undefined: keep).
 */
function rewriteTokens(tokens: Token[]): (string | undefined)[] {
  const out: (string | undefined)[] = tokens.map(() => undefined);
  const w = (i: number) => word(tokens[i]);
  if (w(0) === 'insert' && w(1) === 'into' && tokens.some((t) => word(t) === 'conflict')) {
    // node-sql-parser accepts ON CONFLICT only after a column list: name every column instead.
    let j = 3;
    while (tokens[j]?.text === '.') j += 2;
    if (w(j) === 'values' || w(j) === 'select') {
      // The parser checks the list's length against the first VALUES row: one marker per value.
      let width = 1;
      if (w(j) === 'values' && tokens[j + 1]?.text === '(') {
        let depth = 0;
        for (let k = j + 1; k < tokens.length; k++) {
          const t = tokens[k]!.text;
          if (t === '(') depth++;
          else if (t === ')' && --depth === 0) break;
          else if (t === ',' && depth === 1) width++;
        }
      }
      const markers = Array.from({ length: width }, (_, k) => `${ALL_COLUMNS_MARKER}${k}`);
      out[j - 1] = `${tokens[j - 1]!.text} (${markers.join(', ')})`;
    }
  }
  for (let i = 0; i < tokens.length; i++) {
    const a = w(i);
    if (tokens[i]!.kind === 'param' && tokens[i + 1]?.text === ':' && tokens[i + 2]?.text === ':' && tokens[i + 3]?.kind === 'ident') {
      // node-sql-parser mis-parses `$1::type` in most positions; CAST($1 AS type) it handles.
      let j = i + 3;
      while (TYPE_NAME_WORDS.has(w(j + 1))) j++;
      if (tokens[j + 1]?.text === '(') {
        j++;
        while (j < tokens.length && tokens[j]!.text !== ')') j++;
      }
      if (j >= tokens.length) continue;
      out[i] = `CAST(${tokens[i]!.text} AS `;
      out[i + 1] = out[i + 2] = '';
      out[j] = `${tokens[j]!.text})`;
      i = j;
      continue;
    }
    if ((tokens[i]!.text === '-' || tokens[i]!.text === '@') && unaryPosition(tokens, i)) {
      // `-0.0::float8` is -(0.0::float8) in PostgreSQL (the cast binds tighter), and prefix `@`
      // is abs(); node-sql-parser folds the sign into the literal and has no `@`.
      const end = castOperandEnd(tokens, i + 1, tokens[i]!.text === '@');
      if (end >= 0) {
        out[i] = tokens[i]!.text === '@' ? 'abs(' : '-(';
        out[end] = `${tokens[end]!.text})`;
        i = end;
        continue;
      }
    }
    if (a === 'at' && tokens[i]!.kind === 'ident' && w(i + 1) !== 'time') {
      // node-sql-parser reserves AT (for AT TIME ZONE); PostgreSQL allows it as a column name.
      out[i] = '"at"';
      continue;
    }
    if (a === 'cross' && w(i + 1) === 'join') {
      out[i] = ',';
      out[i + 1] = '';
      i++;
    } else if (a === 'is' && w(i + 1) === 'not' && w(i + 2) === 'distinct' && w(i + 3) === 'from') {
      out[i] = '<@';
      out[i + 1] = out[i + 2] = out[i + 3] = '';
      i += 3;
    } else if (a === 'is' && w(i + 1) === 'distinct' && w(i + 2) === 'from') {
      out[i] = '@>';
      out[i + 1] = out[i + 2] = '';
      i += 2;
    } else if (a === 'is' && w(i + 1) === 'unknown') {
      out[i + 1] = 'NULL';
      i++;
    } else if (a === 'is' && w(i + 1) === 'not' && w(i + 2) === 'unknown') {
      out[i + 2] = 'NULL';
      i += 2;
    } else if (a === 'fetch' && (w(i + 1) === 'first' || w(i + 1) === 'next')) {
      let j = i + 2;
      let count = '1';
      if (tokens[j]?.kind === 'number' || tokens[j]?.kind === 'param') {
        count = tokens[j]!.text;
        out[j] = '';
        j++;
      }
      if ((w(j) === 'row' || w(j) === 'rows') && w(j + 1) === 'only') {
        out[i] = `LIMIT ${count}`;
        out[i + 1] = '';
        out[j] = out[j + 1] = '';
        i = j + 1;
      }
    } else if (a === 'offset' && (tokens[i + 1]?.kind === 'number' || tokens[i + 1]?.kind === 'param') && (w(i + 2) === 'row' || w(i + 2) === 'rows')) {
      out[i + 2] = '';
      i += 2;
    } else if (RENAMED_FUNCTIONS.has(a) && tokens[i + 1]?.text === '(' && tokens[i + 2]?.text === ')') {
      // Zero-argument window functions the parser does not know parse as ntile(<marker>).
      out[i] = 'ntile';
      out[i + 1] = `(${RENAMED_PREFIX}${a}`;
      i += 1;
    } else if (a === 'substring' && tokens[i + 1]?.text === '(') {
      rewriteSubstringKeywords(tokens, i + 1, out);
    } else if (DISTINCT_AGGREGATES.has(a) && tokens[i + 1]?.text === '(' && w(i + 2) === 'distinct') {
      out[i] = tokens[i]!.text + DISTINCT_SUFFIX;
      out[i + 2] = '';
      i += 2;
    }
  }
  return out;
}

/**
 * substring(x FROM a FOR b) → substring(x, a, b), substring(x FROM a) → substring(x, a) and
 * substring(x FOR b) → substring(x, 1, b): node-sql-parser knows only the comma form. `open` is the
 * index of the call's `(`; keywords inside nested parentheses (subqueries) are left alone.
 */
function rewriteSubstringKeywords(tokens: Token[], open: number, out: (string | undefined)[]): void {
  let depth = 0;
  let sawFrom = false;
  for (let j = open; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind === 'op' && t.text === '(') depth++;
    else if (t.kind === 'op' && t.text === ')' && --depth === 0) return;
    else if (depth === 1 && t.kind === 'ident') {
      const k = word(t);
      if (k === 'from') {
        out[j] = ',';
        sawFrom = true;
      } else if (k === 'for') {
        out[j] = sawFrom ? ',' : ', 1,';
      }
    }
  }
}

/** Parsed INSERT templates (the statement with its VALUES rows cut to one), by template text. */
const insertTemplates = new Map<string, Statement & { kind: 'query' }>();
const INSERT_TEMPLATES_MAX = 256;

/**
 * INSERT … VALUES with literal rows, parsed without node-sql-parser walking every row (it takes
 * ~0.2 ms per row): the statement with one row of NULLs is parsed once per shape and cached, and
 * the rows are built here from the lexer's tokens. Returns null for anything else.
 */
function parseInsertValues(st: StatementText): Statement | null {
  const t = st.tokens;
  let i = 0;
  const w = (k: number) => word(t[k]);
  if (w(i++) !== 'insert' || w(i++) !== 'into') return null;
  while (i < t.length && w(i) !== 'values' && t[i]!.text !== '(' ) i++;
  if (t[i]?.text === '(') {
    while (i < t.length && t[i]!.text !== ')') i++;
    i++;
  }
  if (w(i) !== 'values') return null;
  const valuesEnd = t[i]!.end;
  i++;
  const rows: Ast[][] = [];
  const lifted: { kind: 'string' | 'number'; text: string }[] = [];
  let width = -1;
  let tailStart = -1;
  while (t[i]?.text === '(') {
    i++;
    const row: Ast[] = [];
    for (;;) {
      const lit = literalAt(t, i, lifted);
      if (lit === null) return null;
      row.push(lit.ast);
      i = lit.next;
      if (t[i]?.text === ',') {
        i++;
        continue;
      }
      if (t[i]?.text === ')') {
        i++;
        break;
      }
      return null;
    }
    if (width >= 0 && row.length !== width) return null;
    width = row.length;
    rows.push(row);
    if (t[i]?.text === ',') {
      i++;
      continue;
    }
    tailStart = i;
    break;
  }
  if (rows.length < 2 || tailStart < 0) return null;
  const tail = t[tailStart] === undefined ? '' : st.text.slice(t[tailStart]!.start);
  const templateText = `${st.text.slice(0, valuesEnd)} (${new Array(width).fill('NULL').join(', ')}) ${tail}`;
  let template = insertTemplates.get(templateText);
  if (template === undefined) {
    const parsed = parseWithNodeSqlParser({ text: templateText, offset: st.offset, tokens: tokenize(templateText) });
    if (parsed.kind !== 'query' || parsed.ast.values?.type !== 'values') return null;
    template = parsed;
    if (insertTemplates.size >= INSERT_TEMPLATES_MAX) insertTemplates.clear();
    insertTemplates.set(templateText, template);
  }
  // Literal indexes in the rows continue after the template's own (from the tail).
  const base = template.literals.values.length;
  const shift = (a: Ast): Ast => (a.type === 'single_quote_string' ? { ...a, value: String(Number(a.value) + base) } : a.type === 'unary_expr' ? { ...a, expr: shift(a.expr) } : a);
  const ast = {
    ...template.ast,
    values: { ...template.ast.values, values: rows.map((r) => ({ type: 'expr_list', value: r.map(shift) })) },
  };
  return {
    kind: 'query',
    ast,
    literals: { values: [...template.literals.values, ...lifted], quotedIdents: template.literals.quotedIdents },
    text: st.text,
  };
}

/** One literal of a VALUES row as a node-sql-parser AST node, or null if it is not a literal. */
function literalAt(t: Token[], i: number, lifted: { kind: 'string' | 'number'; text: string }[]): { ast: Ast; next: number } | null {
  const tok = t[i];
  if (tok === undefined) return null;
  if ((tok.text === '-' || tok.text === '+') && t[i + 1]?.kind === 'number') {
    const inner = literalAt(t, i + 1, lifted)!;
    return { ast: tok.text === '-' ? { type: 'unary_expr', operator: '-', expr: inner.ast } : inner.ast, next: inner.next };
  }
  let ast: Ast;
  switch (tok.kind) {
    case 'number':
      ast = { type: 'number', value: tok.text };
      break;
    case 'string':
      ast = { type: 'single_quote_string', value: String(lifted.length) };
      lifted.push({ kind: 'string', text: stringTokenValue(tok.text) });
      break;
    case 'param':
      ast = { type: 'var', prefix: '$', name: Number(tok.text.slice(1)), members: [] };
      break;
    case 'ident': {
      const k = tok.text.toLowerCase();
      if (k === 'null') ast = { type: 'null', value: null };
      else if (k === 'true' || k === 'false') ast = { type: 'bool', value: k === 'true' };
      else if (k === 'default') ast = { type: 'default', value: 'DEFAULT' };
      else return null;
      break;
    }
    default:
      return null;
  }
  // A trailing ::type cast is kept only when simple; otherwise the slow path handles the row.
  if (t[i + 1]?.text === ':' ) return null;
  return { ast, next: i + 1 };
}

/** Removes ALL after INTERSECT/EXCEPT, recording it (see LiftedLiterals.setOpAll). */
function setOperatorAll(tokens: Token[], out: (string | undefined)[]): { intersect: boolean; except: boolean } {
  const seen: Record<'intersect' | 'except', Set<boolean>> = { intersect: new Set(), except: new Set() };
  tokens.forEach((t, i) => {
    const w = word(t);
    if (w !== 'intersect' && w !== 'except') return;
    const all = word(tokens[i + 1]) === 'all';
    if (all) out[i + 1] = '';
    if (word(tokens[i + 1]) === 'distinct') out[i + 1] = '';
    seen[w].add(all);
  });
  for (const op of ['intersect', 'except'] as const) {
    if (seen[op].size > 1) {
      throw new EonError('feature_not_supported', `mixing ${op.toUpperCase()} and ${op.toUpperCase()} ALL in one statement is not supported yet`);
    }
  }
  return { intersect: seen.intersect.has(true), except: seen.except.has(true) };
}

function parseWithNodeSqlParser(original: StatementText): Statement {
  // PostgreSQL spellings of catalog queries (OPERATOR(pg_catalog.~), COLLATE "C", ::pg_catalog.name,
  // bare current_user, ARRAY(subquery), subscripts) become forms node-sql-parser reads.
  const st = rewritePgSyntax(original);
  const values: { kind: 'string' | 'number'; text: string }[] = [];
  const quotedIdents = new Set<string>();
  const replaced = rewriteTokens(st.tokens);
  const setOpAll = setOperatorAll(st.tokens, replaced);
  let rewritten = '';
  let at = 0;
  st.tokens.forEach((t, i) => {
    let replacement = replaced[i];
    if (t.kind === 'string') {
      replacement = `'${values.length}'`;
      values.push({ kind: 'string', text: stringTokenValue(t.text) });
    } else if (t.kind === 'number' && /^\d+$/.test(t.text) && t.text.length > SAFE_INTEGER_DIGITS_MAX && replacement === undefined) {
      replacement = `'${values.length}'`;
      values.push({ kind: 'number', text: t.text });
    } else if (t.kind === 'quoted_ident') {
      quotedIdents.add(t.text.slice(1, -1).replaceAll('""', '"'));
    }
    if (replacement !== undefined) {
      rewritten += st.text.slice(at, t.start) + replacement;
      at = t.end;
    }
  });
  rewritten += st.text.slice(at);
  let ast: Ast;
  try {
    ast = parser.astify(rewritten, PARSE_OPTIONS) as Ast;
  } catch (e) {
    throw syntaxErrorFrom(e, st, rewritten);
  }
  if (Array.isArray(ast)) {
    if (ast.length !== 1) throw new EonError('syntax_error', 'syntax error: expected one statement');
    ast = ast[0] as Ast;
  }
  return { kind: 'query', ast, literals: { values, quotedIdents, setOpAll }, text: original.text };
}

function syntaxErrorFrom(e: unknown, st: StatementText, rewritten: string): EonError {
  const loc = (e as { location?: { start?: { offset?: number } } }).location?.start?.offset;
  // Map the parser's offset in the rewritten text to the token there, then to the original token
  // with the same index among non-literal tokens (rewrites only change literal and keyword text).
  let token: Token | undefined;
  if (typeof loc === 'number') {
    try {
      const rtoks = tokenize(rewritten);
      const idx = rtoks.findIndex((t) => t.end > loc);
      if (idx >= 0) {
        const rt = rtoks[idx]!;
        token = st.tokens.find((t) => t.text === rt.text && Math.abs(t.start - rt.start) < 64) ?? st.tokens[Math.min(idx, st.tokens.length - 1)];
      }
    } catch {
      token = undefined;
    }
  }
  if (token === undefined) {
    return new EonError('syntax_error', 'syntax error at end of input', { position: st.offset + st.text.length });
  }
  return new EonError('syntax_error', `syntax error at or near "${token.text}"`, { position: st.offset + token.start + 1 });
}
