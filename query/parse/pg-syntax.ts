// PostgreSQL spellings that catalog queries (psql's \d family, JDBC's DatabaseMetaData) use and
// node-sql-parser rejects, rewritten into equivalent text before the statement is parsed:
// OPERATOR(schema.op), COLLATE of the one collation eon has, pg_catalog-qualified cast types,
// the bare user/catalog keywords, ARRAY(subquery) and subscripts of catalog arrays.

import { EonError } from '../../src/errors/index.js';
import { tokenize, type StatementText, type Token } from './lexer.js';

/** ARRAY(subquery) rewrites per statement; each pass rewrites the innermost, so this bounds nesting. */
export const ARRAY_SUBQUERY_REWRITES_MAX = 32;

/** Collations that are eon's own comparison (the database default, code-point "C"/"POSIX"): naming them changes nothing. */
const NEUTRAL_COLLATIONS = new Set(['default', 'C', 'POSIX']);

/**
 * Keywords PostgreSQL reads as niladic functions, with the function eon implements for each
 * (current_role and user are current_user; current_catalog is current_database()).
 */
const NILADIC_KEYWORDS: Readonly<Record<string, string>> = {
  current_user: 'current_user()',
  session_user: 'session_user()',
  current_role: 'current_user()',
  user: 'current_user()',
  current_catalog: 'current_database()',
  current_schema: 'current_schema()',
};

/** Type names eon's catalogs spell differently: name and "char" columns are text in eon. */
const CAST_TYPE_SYNONYMS: Readonly<Record<string, string>> = { name: 'text', '"char"': 'text' };

/** The function a subscript `a[i]` of a catalog array (held as its text form) becomes. */
export const SUBSCRIPT_FUNCTION = 'eon_subscript';
/** The aggregate-side helper ARRAY(subquery) formats each element with. */
export const ARRAY_ITEM_FUNCTION = 'eon_array_item';

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function word(t: Token | undefined): string {
  return t !== undefined && t.kind === 'ident' ? t.text.toLowerCase() : '';
}

/** Index of the `)` closing the `(` at `open`, or -1. */
function closingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const t = tokens[j]!.text;
    if (tokens[j]!.kind !== 'op') continue;
    if (t === '(' || t === '[') depth++;
    else if ((t === ')' || t === ']') && --depth === 0) return j;
  }
  return -1;
}

/** Index of the `(` opening the `)` at `close`, or -1. */
function openingParen(tokens: readonly Token[], close: number): number {
  let depth = 0;
  for (let j = close; j >= 0; j--) {
    const t = tokens[j]!.text;
    if (tokens[j]!.kind !== 'op') continue;
    if (t === ')' || t === ']') depth++;
    else if ((t === '(' || t === '[') && --depth === 0) return j;
  }
  return -1;
}

function applyEdits(text: string, edits: Edit[]): string {
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of edits) {
    if (e.start < at) continue; // overlapping edits: the first wins (never produced by the rules below)
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/**
 * Rewrites the statement's PostgreSQL-only spellings; returns the statement itself when it has
 * none (the common case costs two scans of the tokens). Positions in a rewritten statement's
 * syntax errors refer to the rewritten text.
 */
export function rewritePgSyntax(st: StatementText): StatementText {
  let text = st.text;
  let tokens = st.tokens;
  const local = tokenEdits(st);
  if (local.length > 0) {
    text = applyEdits(text, local);
    tokens = tokenize(text);
  }
  for (let pass = 0; pass < ARRAY_SUBQUERY_REWRITES_MAX; pass++) {
    const edit = innermostArraySubquery(tokens, text);
    if (edit === null) break;
    text = applyEdits(text, [edit]);
    tokens = tokenize(text);
  }
  return text === st.text ? st : { text, offset: st.offset, tokens };
}

function tokenEdits(st: StatementText): Edit[] {
  const tokens = st.tokens;
  const edits: Edit[] = [];
  const drop = (from: number, to: number): void => {
    edits.push({ start: tokens[from]!.start, end: tokens[to]!.end, text: '' });
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const w = word(t);
    const prev = tokens[i - 1];
    if (w === 'operator' && tokens[i + 1]?.text === '(') {
      // OPERATOR(pg_catalog.~) is the operator itself: eon has no user-defined operators to pick from.
      const close = closingParen(tokens, i + 1);
      let k = i + 2;
      if (tokens[k]?.kind === 'ident' && tokens[k + 1]?.text === '.') k += 2;
      const ops = tokens.slice(k, close);
      if (close > k && ops.every((o) => o.kind === 'op' && o.text !== '(' && o.text !== ')')) {
        edits.push({ start: t.start, end: tokens[close]!.end, text: ` ${ops.map((o) => o.text).join('')} ` });
        i = close;
      }
      continue;
    }
    if (w === 'collate') {
      // The database's default collation and "C" are how eon compares text (code points): dropping them is exact.
      let k = i + 1;
      if (word(tokens[k]) === 'pg_catalog' && tokens[k + 1]?.text === '.') k += 2;
      const name = tokens[k];
      const collation = name === undefined ? '' : name.kind === 'quoted_ident' ? name.text.slice(1, -1) : word(name);
      if (NEUTRAL_COLLATIONS.has(collation)) {
        drop(i, k);
        i = k;
      } else if (name !== undefined) {
        // node-sql-parser would accept some of these and the binder ignore them: refuse instead.
        throw new EonError('feature_not_supported', `collation "${collation}" is not supported: eon compares text by code point ("C")`, {
          position: st.offset + name.start + 1,
        });
      }
      continue;
    }
    const castStart = prev?.text === ':' && tokens[i - 2]?.text === ':';
    const castAs = word(prev) === 'as';
    if ((castStart || castAs) && w === 'pg_catalog' && tokens[i + 1]?.text === '.' && tokens[i + 2] !== undefined) {
      // pg_catalog.int4 is int4: every type eon knows lives in pg_catalog.
      drop(i, i + 1);
      const synonym = CAST_TYPE_SYNONYMS[tokens[i + 2]!.kind === 'quoted_ident' ? tokens[i + 2]!.text : word(tokens[i + 2])];
      if (castStart && synonym !== undefined) edits.push({ start: tokens[i + 2]!.start, end: tokens[i + 2]!.end, text: synonym });
      i += 2;
      continue;
    }
    if (castStart) {
      const synonym = CAST_TYPE_SYNONYMS[t.kind === 'quoted_ident' ? t.text : w];
      if (synonym !== undefined) edits.push({ start: t.start, end: t.end, text: synonym });
      continue;
    }
    const niladic = NILADIC_KEYWORDS[w];
    if (niladic !== undefined && t.kind === 'ident' && tokens[i + 1]?.text !== '(' && tokens[i + 1]?.text !== '.' && prev?.text !== '.' && word(prev) !== 'as') {
      edits.push({ start: t.start, end: t.end, text: niladic });
      continue;
    }
    if (t.kind === 'op' && t.text === ')' && tokens[i + 1]?.text === '.' && (tokens[i + 2]?.kind === 'ident' || tokens[i + 2]?.text === '*')) {
      // (expr).field reads a composite value (JDBC's getPrimaryKeys: (_pg_expandarray(conkey)).n):
      // eon has no composite types, and the parser would only say "syntax error at .".
      throw new EonError('feature_not_supported', 'field selection from a composite value, (expression).field, is not supported', {
        position: st.offset + tokens[i + 1]!.start + 1,
      });
    }
    // In CREATE TABLE, `int[3]` is an array type, not a subscript (the binder refuses array columns).
    if (t.text === '[' && t.kind === 'op' && prev !== undefined && tokens[i + 1]?.text !== ']' && word(tokens[0]) !== 'create') {
      const edit = subscriptEdit(tokens, i);
      if (edit !== null) {
        edits.push(...edit.edits);
        i = edit.next;
      }
    }
  }
  return edits;
}

/** Words that may precede a parenthesised expression without naming a function called with it. */
const KEYWORDS_BEFORE_PAREN = new Set([
  'select', 'where', 'and', 'or', 'not', 'in', 'on', 'when', 'then', 'else', 'by', 'from', 'having', 'as',
  'case', 'is', 'between', 'like', 'ilike', 'values', 'return', 'returning', 'set', 'distinct', 'all', 'any', 'some', 'exists', 'using',
]);

/**
 * `a[i]` / `t.a[i]` / `f(x)[i]` → eon_subscript(a, i). Not for ARRAY[…] constructors, array
 * type suffixes (`::int2[]`) or slices (`a[1:2]`).
 */
function subscriptEdit(tokens: readonly Token[], open: number): { edits: Edit[]; next: number } | null {
  const close = closingParen(tokens, open);
  if (close < 0) return null;
  const inner = tokens.slice(open + 1, close);
  if (inner.some((t) => t.text === ':')) return null;
  let start = open - 1;
  const last = tokens[start]!;
  if (last.text === ')') {
    start = openingParen(tokens, start);
    if (start < 0) return null;
    const callee = tokens[start - 1];
    if (callee?.kind === 'quoted_ident' || (callee?.kind === 'ident' && !KEYWORDS_BEFORE_PAREN.has(word(callee)))) start--;
  } else if (last.kind !== 'ident' && last.kind !== 'quoted_ident') {
    return null;
  }
  while (tokens[start - 1]?.text === '.' && (tokens[start - 2]?.kind === 'ident' || tokens[start - 2]?.kind === 'quoted_ident')) start -= 2;
  const before = tokens[start - 1];
  // A type name after :: or AS (x::int2[]), and the ARRAY keyword, are not subscripted values.
  if (before?.text === ':' || word(before) === 'as' || word(tokens[start]) === 'array') return null;
  return {
    edits: [
      { start: tokens[start]!.start, end: tokens[start]!.start, text: `pg_catalog.${SUBSCRIPT_FUNCTION}(` },
      { start: tokens[open]!.start, end: tokens[open]!.end, text: ', ' },
      { start: tokens[close]!.start, end: tokens[close]!.end, text: ')' },
    ],
    next: close,
  };
}

/** How a rewritten ARRAY(subquery) begins (so an enclosing one can recognise it as its element). */
const ARRAY_SUBQUERY_PREFIX = `(SELECT '{' || coalesce(string_agg(pg_catalog.${ARRAY_ITEM_FUNCTION}(`;

/** Clauses after which ARRAY(subquery) is not a plain per-row list (left for the binder to refuse). */
const ARRAY_SUBQUERY_BLOCKERS = new Set(['group', 'having', 'limit', 'offset', 'fetch', 'union', 'intersect', 'except', 'window', 'distinct', 'into', 'for']);

/**
 * ARRAY(SELECT e FROM … [ORDER BY …]) → the scalar subquery building its array text:
 * (SELECT '{' || coalesce(string_agg(eon_array_item(e), ',' ORDER BY …), '') || '}' FROM …).
 * An empty result is '{}' as in PostgreSQL. Only the innermost ARRAY(subquery) without a
 * nested one is rewritten per call; subqueries with GROUP BY, DISTINCT, LIMIT, set operations
 * or several columns are left as they are (the binder refuses them).
 */
function innermostArraySubquery(tokens: readonly Token[], text: string): Edit | null {
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (word(tokens[i]) !== 'array' || tokens[i + 1]?.text !== '(' || word(tokens[i + 2]) !== 'select') continue;
    const close = closingParen(tokens, i + 1);
    if (close < 0) continue;
    const body = i + 3;
    let from = -1;
    let orderBy = -1;
    let blocked = false;
    let commas = 0;
    let depth = 0;
    for (let j = body; j < close; j++) {
      const t = tokens[j]!;
      if (t.kind === 'op' && (t.text === '(' || t.text === '[')) depth++;
      else if (t.kind === 'op' && (t.text === ')' || t.text === ']')) depth--;
      if (depth !== 0) continue;
      const w = word(t);
      if (w === 'from' && from < 0 && word(tokens[j - 1]) !== 'distinct') from = j;
      else if (w === 'order' && word(tokens[j + 1]) === 'by') orderBy = j;
      else if (ARRAY_SUBQUERY_BLOCKERS.has(w) || (w === 'all' && j === body)) blocked = true;
      else if (t.text === ',' && from < 0) commas++;
      else if (w === 'as' && from < 0) blocked = true;
    }
    if (blocked || commas > 0) continue;
    const selectEnd = from >= 0 ? from : orderBy >= 0 ? orderBy : close;
    if (selectEnd <= body) continue;
    const element = text.slice(tokens[body]!.start, tokens[selectEnd - 1]!.end);
    if (element.startsWith(ARRAY_SUBQUERY_PREFIX)) {
      // ARRAY(SELECT ARRAY(…)) is two-dimensional in PostgreSQL ({{1}}); arrays-as-text would print {"{1}"}.
      throw new EonError('feature_not_supported', 'multidimensional arrays are not supported');
    }
    const source = from >= 0 ? text.slice(tokens[from]!.start, tokens[(orderBy >= 0 ? orderBy : close) - 1]!.end) : '';
    let order = '';
    if (orderBy >= 0 && orderBy + 2 < close) {
      // ORDER BY 1 names the only output column: the element expression.
      const keys = splitTopLevel(tokens, orderBy + 2, close).map(([a, b]) => {
        const first = tokens[a]!;
        const key = text.slice(first.start, tokens[b - 1]!.end);
        const ordinal = first.kind === 'number' && first.text === '1' && (b === a + 1 || ['asc', 'desc', 'nulls'].includes(word(tokens[a + 1])));
        return ordinal ? `(${element})${text.slice(first.end, tokens[b - 1]!.end)}` : key;
      });
      order = ` ORDER BY ${keys.join(', ')}`;
    }
    const replacement = `${ARRAY_SUBQUERY_PREFIX}${element}), ','${order}), '') || '}' ${source})`;
    return { start: tokens[i]!.start, end: tokens[close]!.end, text: replacement };
  }
  return null;
}

/** [start, end) token ranges of the comma-separated items between `from` and `to` (exclusive) at depth 0. */
function splitTopLevel(tokens: readonly Token[], from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0;
  let start = from;
  for (let j = from; j < to; j++) {
    const t = tokens[j]!;
    if (t.kind === 'op' && (t.text === '(' || t.text === '[')) depth++;
    else if (t.kind === 'op' && (t.text === ')' || t.text === ']')) depth--;
    else if (depth === 0 && t.text === ',') {
      out.push([start, j]);
      start = j + 1;
    }
  }
  if (start < to) out.push([start, to]);
  return out;
}
