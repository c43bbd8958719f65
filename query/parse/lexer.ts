// A small SQL lexer: enough to split a script into statements, find the leading keyword, see
// which identifiers were double-quoted and recover literals the AST parser loses.

import { EonError } from '../../src/errors/index.js';

export type TokenKind = 'ident' | 'quoted_ident' | 'string' | 'number' | 'param' | 'op' | 'semicolon';

export interface Token {
  readonly kind: TokenKind;
  /** The token's source text. */
  readonly text: string;
  /** 0-based offset of the token in the source. */
  readonly start: number;
  readonly end: number;
}

const OPERATOR_CHARS = new Set('+-*/<>=~!@#%^&|`?(),.[]:');

/** Tokenizes `sql`, skipping whitespace and comments. Throws 42601 on unterminated tokens. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    // whitespace
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      i++;
      continue;
    }
    // -- comment
    if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    // /* comment */ (nesting, as PostgreSQL)
    if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (sql.charCodeAt(j) === 47 && sql.charCodeAt(j + 1) === 42) {
          depth++;
          j += 2;
        } else if (sql.charCodeAt(j) === 42 && sql.charCodeAt(j + 1) === 47) {
          depth--;
          j += 2;
        } else j++;
      }
      if (depth > 0) throw new EonError('syntax_error', 'unterminated /* comment', { position: i + 1 });
      i = j;
      continue;
    }
    const start = i;
    if (c === 59) {
      tokens.push({ kind: 'semicolon', text: ';', start, end: i + 1 });
      i++;
      continue;
    }
    // U&'...' strings with Unicode escapes
    if ((c === 85 || c === 117) && sql.charCodeAt(i + 1) === 38 && sql.charCodeAt(i + 2) === 39) {
      i = skipQuoted(sql, i + 2, false);
      tokens.push({ kind: 'string', text: sql.slice(start, i), start, end: i });
      continue;
    }
    // E'...' strings with backslash escapes
    if ((c === 69 || c === 101) && sql.charCodeAt(i + 1) === 39) {
      i = skipQuoted(sql, i + 1, true);
      tokens.push({ kind: 'string', text: sql.slice(start, i), start, end: i });
      continue;
    }
    if (c === 39) {
      i = skipQuoted(sql, i, false);
      tokens.push({ kind: 'string', text: sql.slice(start, i), start, end: i });
      continue;
    }
    if (c === 34) {
      let j = i + 1;
      for (;;) {
        const q = sql.indexOf('"', j);
        if (q < 0) throw new EonError('syntax_error', 'unterminated quoted identifier', { position: i + 1 });
        if (sql.charCodeAt(q + 1) === 34) {
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      tokens.push({ kind: 'quoted_ident', text: sql.slice(start, i), start, end: i });
      continue;
    }
    // $n parameters and $tag$ dollar quoting
    if (c === 36) {
      const m = /^\$(\d+)/.exec(sql.slice(i, i + 12));
      if (m) {
        i += m[0].length;
        tokens.push({ kind: 'param', text: m[0], start, end: i });
        continue;
      }
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        if (close < 0) throw new EonError('syntax_error', 'unterminated dollar-quoted string', { position: i + 1 });
        i = close + tag[0].length;
        tokens.push({ kind: 'string', text: sql.slice(start, i), start, end: i });
        continue;
      }
    }
    if (isDigit(c) || (c === 46 && isDigit(sql.charCodeAt(i + 1)))) {
      while (i < n && isDigit(sql.charCodeAt(i))) i++;
      if (sql.charCodeAt(i) === 46 && sql.charCodeAt(i + 1) !== 46) {
        i++;
        while (i < n && isDigit(sql.charCodeAt(i))) i++;
      }
      const e = sql.charCodeAt(i);
      if (e === 69 || e === 101) {
        let j = i + 1;
        const s = sql.charCodeAt(j);
        if (s === 43 || s === 45) j++;
        if (isDigit(sql.charCodeAt(j))) {
          i = j;
          while (i < n && isDigit(sql.charCodeAt(i))) i++;
        }
      }
      tokens.push({ kind: 'number', text: sql.slice(start, i), start, end: i });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(sql.charCodeAt(i))) i++;
      tokens.push({ kind: 'ident', text: sql.slice(start, i), start, end: i });
      continue;
    }
    if (OPERATOR_CHARS.has(sql[i]!)) {
      i++;
      tokens.push({ kind: 'op', text: sql.slice(start, i), start, end: i });
      continue;
    }
    throw new EonError('syntax_error', `syntax error at or near "${sql[i]}"`, { position: i + 1 });
  }
  return tokens;
}

function skipQuoted(sql: string, quote: number, backslashEscapes: boolean): number {
  let j = quote + 1;
  for (;;) {
    if (j >= sql.length) {
      throw new EonError('syntax_error', 'unterminated quoted string', { position: quote + 1 });
    }
    const ch = sql.charCodeAt(j);
    if (backslashEscapes && ch === 92) {
      j += 2;
      continue;
    }
    if (ch === 39) {
      if (sql.charCodeAt(j + 1) === 39) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === 36;
}

/** A statement's text and where it starts in the script. */
export interface StatementText {
  readonly text: string;
  readonly offset: number;
  readonly tokens: Token[];
}

/** Splits a script at top-level semicolons; empty statements are dropped. */
export function splitStatements(sql: string): StatementText[] {
  const tokens = tokenize(sql);
  const out: StatementText[] = [];
  let first = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined || t.kind === 'semicolon') {
      if (i > first) {
        const a = tokens[first]!;
        const b = tokens[i - 1]!;
        out.push({ text: sql.slice(a.start, b.end), offset: a.start, tokens: tokens.slice(first, i).map((k) => ({ ...k, start: k.start - a.start, end: k.end - a.start })) });
      }
      first = i + 1;
    }
  }
  return out;
}

/** Decodes a string token's text into its value ('it''s' → it's, E'a\nb', $$x$$). */
export function stringTokenValue(text: string): string {
  if (text.startsWith('$')) {
    const tagEnd = text.indexOf('$', 1) + 1;
    return text.slice(tagEnd, text.length - tagEnd);
  }
  if (text[0] === 'E' || text[0] === 'e') return unescapeE(text.slice(2, -1));
  if (text[0] === 'U' || text[0] === 'u') return unescapeUnicode(text.slice(3, -1).replaceAll("''", "'"));
  return text.slice(1, -1).replaceAll("''", "'");
}

function unescapeE(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === "'" && body[i + 1] === "'") {
      out += "'";
      i++;
      continue;
    }
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const nx = body[++i];
    switch (nx) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'x': {
        const m = /^[0-9A-Fa-f]{1,2}/.exec(body.slice(i + 1));
        if (m) { out += String.fromCharCode(parseInt(m[0], 16)); i += m[0].length; } else out += 'x';
        break;
      }
      case 'u': {
        const m = /^[0-9A-Fa-f]{4}/.exec(body.slice(i + 1));
        if (m) { out += String.fromCharCode(parseInt(m[0], 16)); i += 4; } else out += 'u';
        break;
      }
      default: {
        const m = /^[0-7]{1,3}/.exec(body.slice(i));
        if (m) { out += String.fromCharCode(parseInt(m[0], 8)); i += m[0].length - 1; } else out += nx ?? '';
      }
    }
  }
  return out;
}

/** U&'...' bodies: \XXXX and \+XXXXXX code points, \\ for a backslash. */
function unescapeUnicode(body: string): string {
  return body.replace(/\\(\\|[0-9A-Fa-f]{4}|\+[0-9A-Fa-f]{6})/g, (_m, g: string) => {
    if (g === '\\') return '\\';
    return String.fromCodePoint(parseInt(g.startsWith('+') ? g.slice(1) : g, 16));
  });
}
