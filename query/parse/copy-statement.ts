// COPY statements from PostgreSQL's tree: `COPY table [(columns)] FROM STDIN`, and
// `COPY table [(columns)] TO STDOUT` / `COPY (query) TO STDOUT`, with their options (the grammar
// maps the older keyword form onto the same option list), checked as PostgreSQL 15's
// ProcessCopyOptions checks them, in the same order.

import type { CopyStmt, Node, RangeVar } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { asNode, integerOf, nameList, nodeTag, stringOf } from './ast.js';

export interface CopyOptions {
  readonly format: 'text' | 'csv' | 'binary';
  /** One character; tab for text, comma for CSV. */
  readonly delimiter: string;
  /** The text that stands for NULL: `\N` for text, the empty unquoted string for CSV. */
  readonly nullText: string;
  /** The first line holds the column names: COPY TO writes it, COPY FROM skips it (text or CSV, as in PostgreSQL 15). */
  readonly header: boolean;
  readonly quote: string;
  readonly escape: string;
  /** CSV COPY TO: the columns whose non-NULL values are always quoted, by name; 'all' for `*`. */
  readonly forceQuote: readonly string[] | 'all';
}

export interface CopyStatement {
  readonly kind: 'copy';
  /** 'from': FROM STDIN into the table; 'to': TO STDOUT from the table or the query. */
  readonly direction: 'from' | 'to';
  /** Table name as written (quoted identifiers keep their case); '' for COPY (query) TO. */
  readonly table: string;
  /** The table as written (schema and all), for the SELECT that COPY table TO runs; null for a query. */
  readonly relation: RangeVar | null;
  /** The listed columns, or null for all of them in table order. */
  readonly columns: readonly string[] | null;
  /** COPY (query) TO: the wrapped statement for the binder (SelectStmt, or DML with RETURNING). */
  readonly query: Node | null;
  readonly options: CopyOptions;
  readonly text: string;
}

/** Reads a COPY statement's tree; FROM STDIN and TO STDOUT run, other forms are refused with a reason. */
export function copyStatementOf(c: CopyStmt, text: string): CopyStatement {
  const from = c.is_from === true;
  if (c.filename !== undefined || c.is_program === true) {
    throw from
      ? new EonError('feature_not_supported', 'COPY FROM a file or program on the server is not supported', {
          hint: "Send the data from the client: psql's \\copy, or a driver's COPY FROM STDIN.",
        })
      : new EonError('feature_not_supported', 'COPY TO a file or program on the server is not supported', {
          hint: "Receive the data on the client: psql's \\copy, or a driver's COPY TO STDOUT.",
        });
  }
  if (c.whereClause !== undefined) throw new EonError('feature_not_supported', 'COPY FROM … WHERE is not supported yet');
  const options = resolveOptions(optionMap(c.options ?? []), from);
  const columns = c.attlist === undefined ? null : nameList(c.attlist);
  if (c.query !== undefined) {
    checkCopyQuery(c.query);
    return { kind: 'copy', direction: 'to', table: '', relation: null, columns: null, query: c.query, options, text };
  }
  // schema.table: eon has one schema, public (COPY TO hands the whole name to the binder).
  const table = c.relation?.relname ?? '';
  return { kind: 'copy', direction: from ? 'from' : 'to', table, relation: c.relation ?? null, columns, query: null, options, text };
}

/** What PostgreSQL's BeginCopyTo accepts as the query: a plain SELECT, or DML that returns rows. */
function checkCopyQuery(q: Node): void {
  const tag = nodeTag(q);
  if (tag === 'SelectStmt') {
    if (asNode(q, 'SelectStmt')!.intoClause !== undefined) throw new EonError('feature_not_supported', 'COPY (SELECT INTO) is not supported');
    return;
  }
  const returning = (asNode(q, 'InsertStmt') ?? asNode(q, 'UpdateStmt') ?? asNode(q, 'DeleteStmt'))?.returningClause?.exprs;
  if (tag === 'InsertStmt' || tag === 'UpdateStmt' || tag === 'DeleteStmt') {
    if (returning === undefined || returning.length === 0) throw new EonError('feature_not_supported', 'COPY query must have a RETURNING clause');
    return;
  }
  throw new EonError('feature_not_supported', `COPY (${tag.replace(/Stmt$/, '').toUpperCase()}) is not supported`);
}

/** `FORCE_QUOTE *`. */
const ALL_COLUMNS = Symbol('all columns');

type OptionValue = string | boolean | readonly string[] | typeof ALL_COLUMNS;

/** Options whose argument is a column list (or `*`). */
const LIST_OPTIONS = new Set(['force_quote', 'force_not_null', 'force_null']);

/** The options as name → value (true for a bare option), refusing one given twice as PostgreSQL does. */
function optionMap(options: readonly Node[]): Map<string, OptionValue> {
  const set = new Map<string, OptionValue>();
  for (const o of options) {
    const d = asNode(o, 'DefElem')!;
    const name = d.defname ?? '';
    const position = d.location === undefined ? {} : { position: d.location + 1 };
    if (set.has(name)) throw new EonError('syntax_error', 'conflicting or redundant options', position);
    if (LIST_OPTIONS.has(name)) {
      const list = asNode(d.arg, 'List');
      if (asNode(d.arg, 'A_Star') !== undefined) set.set(name, ALL_COLUMNS);
      else if (list !== undefined) set.set(name, nameList(list.items));
      else throw new EonError('invalid_parameter_value', `argument to option "${name}" must be a list of column names`, position);
      continue;
    }
    const b = asNode(d.arg, 'Boolean');
    const value: string | boolean = d.arg === undefined ? true : b !== undefined ? (b.boolval ?? false) : (stringOf(d.arg) ?? String(integerOf(d.arg) ?? ''));
    set.set(name, typeof value === 'string' && name === 'format' ? value.toLowerCase() : value);
  }
  return set;
}

const SUPPORTED_OPTIONS = new Set(['format', 'delimiter', 'null', 'header', 'quote', 'escape', 'encoding', 'force_quote']);
/** Options PostgreSQL knows that eon does not apply (FREEZE is meaningful only for COPY FROM). */
const UNSUPPORTED_OPTIONS = new Set(['freeze', 'force_not_null', 'force_null', 'convert_selectively', 'default']);

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, on: true, '1': true, false: false, off: false, '0': false };

/** Text-format delimiters PostgreSQL refuses: backslash, dot, and letters and digits that escapes use. */
const TEXT_DELIMITERS_REFUSED = '\\.abcdefghijklmnopqrstuvwxyz0123456789';

const oneByte = (s: string): boolean => Buffer.byteLength(s, 'utf8') === 1;

function resolveOptions(set: Map<string, OptionValue>, from: boolean): CopyOptions {
  for (const name of set.keys()) {
    if (UNSUPPORTED_OPTIONS.has(name)) {
      if (name === 'freeze' && !from) continue; // PostgreSQL ignores FREEZE in COPY TO
      throw new EonError('feature_not_supported', `COPY option "${name}" is not supported`);
    }
    if (!SUPPORTED_OPTIONS.has(name)) throw new EonError('syntax_error', `option "${name}" not recognized`);
  }
  const format = set.get('format') ?? 'text';
  if (format !== 'text' && format !== 'csv' && format !== 'binary') throw new EonError('invalid_parameter_value', `COPY format "${String(format)}" not recognized`);
  const binary = format === 'binary';
  if (binary && set.has('delimiter')) throw new EonError('syntax_error', 'cannot specify DELIMITER in BINARY mode');
  if (binary && set.has('null')) throw new EonError('syntax_error', 'cannot specify NULL in BINARY mode');
  const encoding = set.get('encoding');
  if (encoding !== undefined && !['utf8', 'utf-8'].includes(String(encoding).toLowerCase())) {
    throw new EonError('feature_not_supported', 'COPY supports only the UTF8 encoding');
  }
  const text = (name: string, fallback: string): string => {
    const v = set.get(name);
    if (v === undefined) return fallback;
    if (typeof v !== 'string') throw new EonError('syntax_error', `COPY option "${name}" needs a value`);
    return v;
  };
  const csv = format === 'csv';
  const delimiter = text('delimiter', csv ? ',' : '\t');
  const nullText = text('null', csv ? '' : '\\N');
  const quote = text('quote', '"');
  const escape = text('escape', quote);
  const header = headerChoice(set.get('header'), from);
  if (!oneByte(delimiter)) throw new EonError('feature_not_supported', 'COPY delimiter must be a single one-byte character');
  if (delimiter === '\n' || delimiter === '\r') throw new EonError('invalid_parameter_value', 'COPY delimiter cannot be newline or carriage return');
  if (nullText.includes('\n') || nullText.includes('\r')) throw new EonError('invalid_parameter_value', 'COPY null representation cannot use newline or carriage return');
  if (!csv && TEXT_DELIMITERS_REFUSED.includes(delimiter)) throw new EonError('invalid_parameter_value', `COPY delimiter cannot be "${delimiter}"`);
  if (binary && header) throw new EonError('feature_not_supported', 'cannot specify HEADER in BINARY mode');
  if (!csv && set.has('quote')) throw new EonError('feature_not_supported', 'COPY quote available only in CSV mode');
  if (csv && !oneByte(quote)) throw new EonError('feature_not_supported', 'COPY quote must be a single one-byte character');
  if (csv && delimiter === quote) throw new EonError('invalid_parameter_value', 'COPY delimiter and quote must be different');
  if (!csv && set.has('escape')) throw new EonError('feature_not_supported', 'COPY escape available only in CSV mode');
  if (csv && !oneByte(escape)) throw new EonError('feature_not_supported', 'COPY escape must be a single one-byte character');
  const force = set.get('force_quote');
  if (force !== undefined && !csv) throw new EonError('feature_not_supported', 'COPY force quote available only in CSV mode');
  if (force !== undefined && from) throw new EonError('feature_not_supported', 'COPY force quote only available using COPY TO');
  if (nullText.includes(delimiter)) throw new EonError('feature_not_supported', 'COPY delimiter must not appear in the NULL specification');
  if (csv && nullText.includes(quote)) throw new EonError('feature_not_supported', 'CSV quote character must not appear in the NULL specification');
  const forceQuote = force === ALL_COLUMNS ? 'all' : Array.isArray(force) ? (force as readonly string[]) : [];
  return { format, delimiter, nullText, header, quote, escape, forceQuote };
}

/** HEADER's value: a Boolean (true/false/on/off/1/0) or `match`, which only COPY FROM takes. */
function headerChoice(v: OptionValue | undefined, from: boolean): boolean {
  if (v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const lower = v.toLowerCase();
    const b = BOOLEAN_TEXT[lower];
    if (b !== undefined) return b;
    if (lower === 'match') {
      throw from ? new EonError('feature_not_supported', 'COPY HEADER MATCH is not supported yet') : new EonError('feature_not_supported', 'cannot use "match" with HEADER in COPY TO');
    }
  }
  throw new EonError('syntax_error', 'header requires a Boolean value or "match"');
}
