// json and jsonb values: PostgreSQL 15's JSON lexer and parser (json_lex / pg_parse_json, with its
// error texts), jsonb's normalization (object keys sorted by byte length then bytes, duplicate
// keys last-wins, numbers as numeric), its canonical text (JsonbToCString), its btree order
// (compareJsonbContainers) and a key that equal jsonb values share (for hashing and GROUP BY).
//
// A jsonb value is held at runtime as its canonical text (a string), so storage, COPY and the
// wire carry it as they carry text; operators read it back as a tree through a small cache.
// A json value is its input text, kept exactly (whitespace, key order, duplicate keys).

import { EonError } from '../errors/index.js';
import { Numeric } from './numeric.js';
import { compareCodePoints } from './text-chars.js';

/** A parsed JSON value: JSON null is `null`, numbers are Numeric (exact, as jsonb keeps them). */
export type Json = null | boolean | string | Numeric | readonly Json[] | JsonObject;

/** Deepest nesting of arrays and objects the parser accepts (PostgreSQL stops at its stack depth). */
export const JSON_NESTING_DEPTH_MAX = 1000;
/** Parsed jsonb trees kept for reuse by operators on the same value (entries). */
export const JSONB_TREE_CACHE_ENTRIES_MAX = 512;
/** Longest jsonb text whose parsed tree is cached (UTF-16 code units). */
export const JSONB_TREE_CACHE_TEXT_MAX = 64 * 1024;

/** A jsonb object: pairs sorted in jsonb key order, keys unique. */
export class JsonObject {
  readonly keys: readonly string[];
  readonly values: readonly Json[];

  private constructor(keys: readonly string[], values: readonly Json[]) {
    this.keys = keys;
    this.values = values;
  }

  /** From pairs in input order: sorts keys, the last of duplicate keys wins (as jsonb input). */
  static fromPairs(pairs: readonly (readonly [string, Json])[]): JsonObject {
    const indexed = pairs.map((p, i) => ({ k: p[0], v: p[1], i, len: Buffer.byteLength(p[0]) }));
    indexed.sort((a, b) => a.len - b.len || compareCodePoints(a.k, b.k) || b.i - a.i);
    const keys: string[] = [];
    const values: Json[] = [];
    for (const p of indexed) {
      if (keys.length > 0 && keys[keys.length - 1] === p.k) continue;
      keys.push(p.k);
      values.push(p.v);
    }
    return new JsonObject(keys, values);
  }

  get size(): number {
    return this.keys.length;
  }

  get(key: string): Json | undefined {
    const len = Buffer.byteLength(key);
    let lo = 0;
    let hi = this.keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const k = this.keys[mid]!;
      const c = Buffer.byteLength(k) - len || compareCodePoints(k, key);
      if (c === 0) return this.values[mid];
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  pairs(): (readonly [string, Json])[] {
    return this.keys.map((k, i) => [k, this.values[i]!] as const);
  }
}

export function isJsonArray(v: Json): v is readonly Json[] {
  return Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Lexer and parser

type TokenType = 'string' | 'number' | '{' | '}' | '[' | ']' | ',' | ':' | 'true' | 'false' | 'null' | 'end';

interface Token {
  readonly type: TokenType;
  readonly start: number;
  readonly end: number;
  /** The de-escaped string or the number's text. */
  readonly value: string;
}

function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c >= 0x80;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

class JsonParser {
  private pos = 0;
  private tok: Token;
  private depth = 0;

  constructor(
    private readonly text: string,
    /** jsonb input de-escapes strings, so it checks surrogate pairs and \u0000; json input does not. */
    private readonly deEscape: boolean,
  ) {
    this.tok = this.lex();
  }

  parseDocument(): Json {
    const v = this.parseValue();
    if (this.tok.type !== 'end') this.fail(`Expected end of input, but found "${this.tokenText()}".`);
    return v;
  }

  private advance(): void {
    this.tok = this.lex();
  }

  /** The current token's type, read afresh (TypeScript would keep a narrowing across advance()). */
  private at(): TokenType {
    return this.tok.type;
  }

  private tokenText(): string {
    return this.text.slice(this.tok.start, this.tok.end);
  }

  private fail(detail: string, tokenEnd: number = this.tok.end, code: 'invalid_text_representation' | 'untranslatable_character' = 'invalid_text_representation'): never {
    const message = code === 'untranslatable_character' ? 'unsupported Unicode escape sequence' : 'invalid input syntax for type json';
    throw new EonError(code === 'untranslatable_character' ? 'untranslatable_character' : 'invalid_text_representation', message, {
      detail,
      where: this.context(tokenEnd),
    });
  }

  /** PostgreSQL's report_json_context: the line up to the failing token, at most ~50 characters. */
  private context(end: number): string {
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < end && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    const start = Math.max(lineStart, end - 49);
    const c = this.text.charCodeAt(end);
    const suffix = end < this.text.length && c !== 10 && c !== 13 && this.tok.type !== 'end' ? '...' : '';
    return `JSON data, line ${line}: ${start > lineStart ? '...' : ''}${this.text.slice(start, end)}${suffix}`;
  }

  private failExpected(what: string): never {
    if (this.tok.type === 'end') this.fail('The input string ended unexpectedly.');
    this.fail(`Expected ${what}, but found "${this.tokenText()}".`);
  }

  private parseValue(): Json {
    const t = this.tok;
    switch (t.type) {
      case '{':
        return this.parseObject();
      case '[':
        return this.parseArray();
      case 'string':
        this.advance();
        return t.value;
      case 'number':
        this.advance();
        return this.deEscape ? Numeric.parse(t.value) : null;
      case 'true':
        this.advance();
        return true;
      case 'false':
        this.advance();
        return false;
      case 'null':
        this.advance();
        return null;
      default:
        return this.failExpected('JSON value');
    }
  }

  private enter(): void {
    if (++this.depth > JSON_NESTING_DEPTH_MAX) {
      throw new EonError('statement_too_complex', 'stack depth limit exceeded', {
        hint: `eon accepts JSON nested at most ${JSON_NESTING_DEPTH_MAX} levels deep.`,
      });
    }
  }

  private parseObject(): Json {
    this.enter();
    this.advance();
    const pairs: [string, Json][] = [];
    if (this.tok.type === 'string') {
      pairs.push(this.parseField());
      while (this.at() === ',') {
        this.advance();
        if (this.at() !== 'string') this.failExpected('string');
        pairs.push(this.parseField());
      }
    } else if (this.tok.type !== '}') {
      this.failExpected('string or "}"');
    }
    if (this.at() !== '}') this.failExpected('"," or "}"');
    this.advance();
    this.depth--;
    return this.deEscape ? JsonObject.fromPairs(pairs) : null;
  }

  private parseField(): [string, Json] {
    const key = this.tok.value;
    this.advance();
    if (this.tok.type !== ':') this.failExpected('":"');
    this.advance();
    return [key, this.parseValue()];
  }

  private parseArray(): Json {
    this.enter();
    this.advance();
    const items: Json[] = [];
    if (this.tok.type !== ']') {
      items.push(this.parseValue());
      while (this.tok.type === ',') {
        this.advance();
        items.push(this.parseValue());
      }
    }
    if (this.tok.type !== ']') this.failExpected('"," or "]"');
    this.advance();
    this.depth--;
    return this.deEscape ? items : null;
  }

  private lex(): Token {
    const s = this.text;
    let i = this.pos;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
    if (i >= s.length) {
      this.pos = i;
      return { type: 'end', start: i, end: i, value: '' };
    }
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '{' || ch === '}' || ch === '[' || ch === ']' || ch === ',' || ch === ':') {
      this.pos = i + 1;
      return { type: ch, start: i, end: i + 1, value: ch };
    }
    if (ch === '"') return this.lexString(i);
    if (ch === '-' || (c >= 48 && c <= 57)) return this.lexNumber(i);
    let p = i;
    while (p < s.length && isAlnum(s.charCodeAt(p))) p++;
    if (p === i) {
      // One character (a whole surrogate pair when it is one) that cannot start a token.
      const w = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
      this.tokenError(i, i + w);
    }
    const word = s.slice(i, p);
    this.pos = p;
    if (word === 'true' || word === 'false' || word === 'null') return { type: word, start: i, end: p, value: word };
    return this.tokenError(i, p);
  }

  private tokenError(start: number, end: number): never {
    this.tok = { type: 'string', start, end, value: '' };
    this.fail(`Token "${this.text.slice(start, end)}" is invalid.`, end);
  }

  private lexNumber(start: number): Token {
    const s = this.text;
    let i = start;
    let error = false;
    if (s[i] === '-') i++;
    if (i < s.length && s[i] === '0') i++;
    else if (i < s.length && s.charCodeAt(i) >= 49 && s.charCodeAt(i) <= 57) {
      while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    } else error = true;
    if (i < s.length && s[i] === '.') {
      i++;
      if (i >= s.length || !(s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57)) error = true;
      else while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    }
    if (i < s.length && (s[i] === 'e' || s[i] === 'E')) {
      i++;
      if (i < s.length && (s[i] === '+' || s[i] === '-')) i++;
      if (i >= s.length || !(s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57)) error = true;
      else while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    }
    let p = i;
    while (p < s.length && isAlnum(s.charCodeAt(p))) p++;
    if (p > i || error) return this.tokenError(start, p);
    this.pos = i;
    return { type: 'number', start, end: i, value: s.slice(start, i) };
  }

  private lexString(start: number): Token {
    const s = this.text;
    let i = start + 1;
    let out = '';
    let runStart = i;
    let hiSurrogate = -1;
    const lowSurrogateError = (end: number): never => {
      this.tok = { type: 'string', start, end, value: '' };
      return this.fail('Unicode low surrogate must follow a high surrogate.', end);
    };
    for (;;) {
      if (i >= s.length) return this.tokenError(start, s.length);
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        if (this.deEscape) out += s.slice(runStart, i);
        i++;
        if (i >= s.length) return this.tokenError(start, s.length);
        const e = s[i]!;
        if (e === 'u') {
          let code = 0;
          for (let k = 1; k <= 4; k++) {
            const h = s.charCodeAt(i + k);
            if (i + k >= s.length || !isHex(h)) {
              this.tok = { type: 'string', start, end: Math.min(i + k + 1, s.length), value: '' };
              this.fail('"\\u" must be followed by four hexadecimal digits.', Math.min(i + k + 1, s.length));
            }
            code = code * 16 + parseInt(s[i + k]!, 16);
          }
          i += 5;
          if (this.deEscape) {
            if (code >= 0xd800 && code <= 0xdbff) {
              if (hiSurrogate !== -1) {
                this.tok = { type: 'string', start, end: i, value: '' };
                this.fail('Unicode high surrogate must not follow a high surrogate.', i);
              }
              hiSurrogate = code;
            } else if (code >= 0xdc00 && code <= 0xdfff) {
              if (hiSurrogate === -1) lowSurrogateError(i);
              out += String.fromCharCode(hiSurrogate, code);
              hiSurrogate = -1;
            } else {
              if (hiSurrogate !== -1) lowSurrogateError(i);
              if (code === 0) {
                this.tok = { type: 'string', start, end: i, value: '' };
                this.fail('\\u0000 cannot be converted to text.', i, 'untranslatable_character');
              }
              out += String.fromCharCode(code);
            }
          }
          runStart = i;
          continue;
        }
        if (hiSurrogate !== -1) lowSurrogateError(i + 1);
        const simple = SIMPLE_ESCAPES[e];
        if (simple === undefined) {
          const w = s.charCodeAt(i) >= 0xd800 && s.charCodeAt(i) <= 0xdbff ? 2 : 1;
          this.tok = { type: 'string', start, end: i + w, value: '' };
          this.fail(`Escape sequence "\\${s.slice(i, i + w)}" is invalid.`, i + w);
        }
        if (this.deEscape) out += simple;
        i++;
        runStart = i;
        continue;
      }
      if (c < 0x20) {
        this.tok = { type: 'string', start, end: i, value: '' };
        this.fail(`Character with value 0x${c.toString(16).padStart(2, '0')} must be escaped.`, i);
      }
      if (hiSurrogate !== -1) lowSurrogateError(i + 1);
      i++;
    }
    if (hiSurrogate !== -1) lowSurrogateError(i + 1);
    if (this.deEscape) out += s.slice(runStart, i);
    this.pos = i + 1;
    return { type: 'string', start, end: i + 1, value: out };
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** jsonb_in: parses and normalizes; 22P02 (22P05 for \u0000) with PostgreSQL's detail on bad input. */
export function parseJsonb(text: string): Json {
  return new JsonParser(text, true).parseDocument();
}

/** json_in: checks the syntax only; the value stays the input text. */
export function validateJson(text: string): void {
  new JsonParser(text, false).parseDocument();
}

/** The canonical text of a jsonb value, as jsonb_out prints it. */
export function jsonbInput(text: string): string {
  return formatJsonb(parseJsonb(text));
}

// ---------------------------------------------------------------------------------------------
// Output

/** escape_json: quotes and escapes a string as PostgreSQL prints it inside JSON. */
export function escapeJsonString(s: string): string {
  let out = '"';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 34 && c !== 92) continue;
    out += s.slice(run, i);
    run = i + 1;
    switch (c) {
      case 8:
        out += '\\b';
        break;
      case 12:
        out += '\\f';
        break;
      case 10:
        out += '\\n';
        break;
      case 13:
        out += '\\r';
        break;
      case 9:
        out += '\\t';
        break;
      case 34:
        out += '\\"';
        break;
      case 92:
        out += '\\\\';
        break;
      default:
        out += `\\u${c.toString(16).padStart(4, '0')}`;
    }
  }
  return `${out}${s.slice(run)}"`;
}

/** JsonbToCString: `{"a": 1, "b": [1, 2]}`. */
export function formatJsonb(v: Json): string {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') return escapeJsonString(v);
  if (v instanceof Numeric) return v.toString();
  if (v instanceof JsonObject) {
    if (v.size === 0) return '{}';
    return `{${v.keys.map((k, i) => `${escapeJsonString(k)}: ${formatJsonb(v.values[i]!)}`).join(', ')}}`;
  }
  return `[${v.map(formatJsonb).join(', ')}]`;
}

/** jsonb_pretty's layout: four-space indents, one element or pair per line. */
export function formatJsonbPretty(v: Json, indent = ''): string {
  const inner = `${indent}    `;
  if (v instanceof JsonObject) {
    if (v.size === 0) return `{\n${indent}}`;
    return `{\n${v.keys.map((k, i) => `${inner}${escapeJsonString(k)}: ${formatJsonbPretty(v.values[i]!, inner)}`).join(',\n')}\n${indent}}`;
  }
  if (isJsonArray(v)) {
    if (v.length === 0) return `[\n${indent}]`;
    return `[\n${v.map((x) => `${inner}${formatJsonbPretty(x, inner)}`).join(',\n')}\n${indent}]`;
  }
  return formatJsonb(v);
}

// ---------------------------------------------------------------------------------------------
// Trees from canonical text

const treeCache = new Map<string, Json>();

/** The tree of a jsonb value held as canonical text. */
export function jsonbTree(text: string): Json {
  const hit = treeCache.get(text);
  if (hit !== undefined) return hit;
  const tree = parseJsonb(text);
  if (text.length <= JSONB_TREE_CACHE_TEXT_MAX) {
    if (treeCache.size >= JSONB_TREE_CACHE_ENTRIES_MAX) treeCache.clear();
    treeCache.set(text, tree);
  }
  return tree;
}

/** The jsonb type name of a value, as jsonb_typeof prints it. */
export function jsonbTypeName(v: Json): 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (v instanceof Numeric) return 'number';
  if (v instanceof JsonObject) return 'object';
  return 'array';
}

// ---------------------------------------------------------------------------------------------
// Order and equality

/** jbvType order: null < string < numeric < bool < array < object. */
function typeRank(v: Json): number {
  if (v === null) return 0;
  if (typeof v === 'string') return 1;
  if (v instanceof Numeric) return 2;
  if (typeof v === 'boolean') return 3;
  if (v instanceof JsonObject) return 5;
  return 4;
}

/**
 * compareJsonbContainers: the jsonb btree order. A top-level scalar is a one-element "raw scalar"
 * array there, so it sorts above `[]` and below any non-empty array.
 */
export function compareJsonb(a: Json, b: Json): number {
  const ac = a instanceof JsonObject || isJsonArray(a);
  const bc = b instanceof JsonObject || isJsonArray(b);
  if (!ac || !bc) {
    const ax: readonly Json[] = ac ? (a as readonly Json[]) : [a];
    const bx: readonly Json[] = bc ? (b as readonly Json[]) : [b];
    if (ac && !isJsonArray(a)) return 1;
    if (bc && !isJsonArray(b)) return -1;
    let res = 0;
    if (ac !== bc) res = ac ? 1 : -1;
    if (ax.length !== bx.length) res = ax.length > bx.length ? 1 : -1;
    if (res !== 0) return res;
    return compareNested(ax[0]!, bx[0]!);
  }
  return compareNested(a, b);
}

function compareNested(a: Json, b: Json): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra > rb ? 1 : -1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return compareCodePoints(a as string, b as string);
    case 2:
      return (a as Numeric).compare(b as Numeric);
    case 3:
      return a === b ? 0 : a ? 1 : -1;
    case 4: {
      const x = a as readonly Json[];
      const y = b as readonly Json[];
      if (x.length !== y.length) return x.length > y.length ? 1 : -1;
      for (let i = 0; i < x.length; i++) {
        const c = compareNested(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return 0;
    }
    default: {
      const x = a as JsonObject;
      const y = b as JsonObject;
      if (x.size !== y.size) return x.size > y.size ? 1 : -1;
      for (let i = 0; i < x.size; i++) {
        const k = compareCodePoints(x.keys[i]!, y.keys[i]!);
        if (k !== 0) return k;
        const c = compareNested(x.values[i]!, y.values[i]!);
        if (c !== 0) return c;
      }
      return 0;
    }
  }
}

/** Compares two jsonb values held as canonical text. */
export function compareJsonbText(a: string, b: string): number {
  if (a === b) return 0;
  return compareJsonb(jsonbTree(a), jsonbTree(b));
}

function normalizedNumber(n: Numeric): string {
  let coef = n.coef;
  let scale = n.scale;
  while (scale > 0 && coef % 10n === 0n) {
    coef /= 10n;
    scale--;
  }
  return new Numeric(coef, scale).toString();
}

function keyOf(v: Json): string {
  if (v instanceof Numeric) return normalizedNumber(v);
  if (v instanceof JsonObject) {
    if (v.size === 0) return '{}';
    return `{${v.keys.map((k, i) => `${escapeJsonString(k)}: ${keyOf(v.values[i]!)}`).join(', ')}}`;
  }
  if (isJsonArray(v)) return `[${v.map(keyOf).join(', ')}]`;
  return formatJsonb(v);
}

/** A string equal for exactly the jsonb values `=` calls equal (1.0 and 1 are equal in jsonb). */
export function jsonbKey(text: string): string {
  // The key is the canonical text with numbers' trailing fraction zeros dropped, so a text
  // without a decimal point is its own key.
  if (!text.includes('.')) return text;
  return keyOf(jsonbTree(text));
}
