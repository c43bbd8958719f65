// SQL text → statements: eon's own handling for the statements node-sql-parser lacks (EXPLAIN,
// transaction control, SET/SHOW/RESET) and node-sql-parser (PostgreSQL mode) for the rest, with
// string literals lifted out first so quoting rules are PostgreSQL's, not the parser's.

import nodeSqlParser from 'node-sql-parser';
import { EonError } from '../../src/errors/index.js';
import { splitStatements, stringTokenValue, type StatementText, type Token } from './lexer.js';

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
}

export type Statement =
  | { kind: 'query'; ast: Ast; literals: LiftedLiterals; text: string }
  | { kind: 'explain'; analyze: boolean; inner: Statement; text: string }
  | { kind: 'transaction'; action: 'begin' | 'commit' | 'rollback'; text: string }
  | { kind: 'set'; name: string; value: string | null; text: string }
  | { kind: 'show'; name: string; text: string }
  | { kind: 'unsupported'; feature: string; text: string };

/** Statements whose first word names a feature eon does not have yet (0A000, not 42601). */
const UNSUPPORTED_LEADING = new Set([
  'copy', 'alter', 'grant', 'revoke', 'vacuum', 'analyze', 'cluster', 'reindex', 'listen', 'notify',
  'lock', 'prepare', 'execute', 'deallocate', 'declare', 'fetch', 'move', 'close', 'savepoint',
  'release', 'comment', 'do', 'call', 'merge', 'truncate', 'checkpoint', 'discard', 'load',
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
  if (w0 === 'begin' || (w0 === 'start' && w1 === 'transaction')) return { kind: 'transaction', action: 'begin', text };
  if (w0 === 'commit' || w0 === 'end') return { kind: 'transaction', action: 'commit', text };
  if (w0 === 'rollback' || w0 === 'abort') {
    if (tokens.some((t) => word(t) === 'savepoint')) return { kind: 'unsupported', feature: 'savepoints', text };
    return { kind: 'transaction', action: 'rollback', text };
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
  if (UNSUPPORTED_LEADING.has(w0)) return { kind: 'unsupported', feature: w0.toUpperCase(), text };
  if (w0 === 'create' && !['table', 'temp', 'temporary', 'unlogged'].includes(w1)) {
    return { kind: 'unsupported', feature: `CREATE ${w1.toUpperCase()}`, text };
  }
  return parseWithNodeSqlParser(st);
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

function parseWithNodeSqlParser(st: StatementText): Statement {
  const values: { kind: 'string' | 'number'; text: string }[] = [];
  const quotedIdents = new Set<string>();
  let rewritten = '';
  let at = 0;
  for (const t of st.tokens) {
    if (t.kind === 'string') {
      rewritten += st.text.slice(at, t.start) + `'${values.length}'`;
      values.push({ kind: 'string', text: stringTokenValue(t.text) });
      at = t.end;
    } else if (t.kind === 'number' && /^\d+$/.test(t.text) && t.text.length > SAFE_INTEGER_DIGITS_MAX) {
      rewritten += st.text.slice(at, t.start) + `'${values.length}'`;
      values.push({ kind: 'number', text: t.text });
      at = t.end;
    } else if (t.kind === 'quoted_ident') {
      quotedIdents.add(t.text.slice(1, -1).replaceAll('""', '"'));
    }
  }
  rewritten += st.text.slice(at);
  let ast: Ast;
  try {
    ast = parser.astify(rewritten, PARSE_OPTIONS) as Ast;
  } catch (e) {
    throw syntaxErrorFrom(e, st);
  }
  if (Array.isArray(ast)) {
    if (ast.length !== 1) throw new EonError('syntax_error', 'syntax error: expected one statement');
    ast = ast[0] as Ast;
  }
  return { kind: 'query', ast, literals: { values, quotedIdents }, text: st.text };
}

function syntaxErrorFrom(e: unknown, st: StatementText): EonError {
  const loc = (e as { location?: { start?: { offset?: number } } }).location?.start?.offset;
  // The rewritten text only differs inside literals; map the offset to the nearest original token.
  let token: Token | undefined;
  if (typeof loc === 'number') {
    let shift = 0;
    for (const t of st.tokens) {
      token = t;
      if (t.start + shift >= loc) break;
      if (t.kind === 'string') shift += String(st.tokens.indexOf(t)).length + 2 - (t.end - t.start);
    }
  }
  const near = token === undefined ? 'end of input' : `"${token.text}"`;
  const position = token === undefined ? st.text.length : token.start + 1;
  return new EonError('syntax_error', near === 'end of input' ? 'syntax error at end of input' : `syntax error at or near ${near}`, {
    position: st.offset + position,
  });
}
