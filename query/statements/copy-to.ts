// COPY … TO STDOUT: the SELECT that `COPY table [(columns)] TO` runs, and the result rows written
// as PostgreSQL's COPY TO writes them — text format (backslash escapes, NULL as `\N`) or CSV
// (quoted only where needed, or where FORCE_QUOTE asks), one line per row, values in their text
// output form (the same text a DataRow carries); or the binary format (copy-binary.ts).

import type { Node } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import type { ColumnType, Value } from '../../src/types/index.js';
import { formatText } from '../../src/types/text-io.js';
import { typeName } from '../../src/types/index.js';
import { binaryCopyChunks, checkBinaryCopyTypes } from './copy-binary.js';
import type { TableSchema } from '../../storage/index.js';
import { wrap } from '../parse/ast.js';
import type { CopyOptions, CopyStatement } from '../parse/copy-statement.js';
import { copyTargets } from './copy-from.js';

/** What the wire protocol sends in copy-out mode. */
export interface CopyOut {
  /** Columns per row (CopyOutResponse announces them). */
  readonly columnCount: number;
  /** Data rows (the n of `COPY n`; the header line is not counted). */
  readonly rowCount: number;
  /** Binary format: CopyOutResponse announces format 1. */
  readonly binary: boolean;
  /**
   * The data, one CopyData message each, made as it is read: text and CSV one line per row (the
   * header line first), each ending in a newline; binary as bytes (see binaryCopyChunks).
   */
  lines(): Generator<string | Uint8Array, void, undefined>;
}

export interface CopyColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/**
 * The SELECT `COPY table [(columns)] TO` runs. A table in the store has its column list checked
 * as PostgreSQL checks it (unknown or repeated columns); any other name (a system catalog, or no
 * such relation) is left to the binder, which resolves or refuses it like a SELECT would.
 */
export function copyToQuery(st: CopyStatement, table: TableSchema | undefined): Node {
  if (st.query !== null) return st.query;
  const names = table !== undefined ? copyTargets(table, st).map((i) => table.columns[i]!.name) : st.columns;
  const column = (name: string): Node => wrap('ResTarget', { val: wrap('ColumnRef', { fields: [wrap('String', { sval: name })] }) });
  const targetList = names === null ? [wrap('ResTarget', { val: wrap('ColumnRef', { fields: [wrap('A_Star', {})] }) })] : names.map(column);
  return wrap('SelectStmt', {
    targetList,
    fromClause: [wrap('RangeVar', st.relation ?? { relname: st.table, inh: true, relpersistence: 'p' })],
    limitOption: 'LIMIT_OPTION_DEFAULT',
    op: 'SETOP_NONE',
  });
}

/**
 * Which output columns FORCE_QUOTE names. For a table the names must be its columns and in the
 * COPY's column list; for a query, its output columns (the first of that name), as in PostgreSQL.
 */
export function forceQuoteFlags(st: CopyStatement, table: TableSchema | undefined, columns: readonly CopyColumn[]): boolean[] {
  const force = st.options.forceQuote;
  if (force === 'all') return columns.map(() => true);
  const ofTable = st.query === null && table !== undefined;
  // Every name is looked up (and repeats refused) before any is checked against the COPY's list.
  const seen = new Set<string>();
  for (const name of force) {
    const known = ofTable ? table.columns.some((c) => c.name === name) : columns.some((c) => c.name === name);
    if (!known) throw new EonError('undefined_column', ofTable ? `column "${name}" of relation "${table.name}" does not exist` : `column "${name}" does not exist`);
    if (seen.has(name)) throw new EonError('duplicate_column', `column "${name}" specified more than once`);
    seen.add(name);
  }
  const flags = columns.map(() => false);
  for (const name of force) {
    const at = columns.findIndex((c) => c.name === name);
    if (at < 0) throw new EonError('invalid_column_reference', `FORCE_QUOTE column "${name}" not referenced by COPY`);
    flags[at] = true;
  }
  return flags;
}

/** Control characters the text format writes as backslash escapes (others are written as they are). */
const CONTROL_ESCAPES: Readonly<Record<number, string>> = { 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };
const TEXT_SPECIAL = /[\x00-\x1f\\]/;

/** A value in the text format (PostgreSQL's CopyAttributeOutText). */
export function escapeText(s: string, delimiter: string): string {
  if (!TEXT_SPECIAL.test(s) && !s.includes(delimiter)) return s;
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let escaped: string | undefined;
    if (c < 0x20) escaped = CONTROL_ESCAPES[c] ?? (s[i] === delimiter ? `\\${delimiter}` : undefined);
    else if (c === 0x5c || s[i] === delimiter) escaped = `\\${s[i]!}`;
    if (escaped === undefined) continue;
    out += s.slice(start, i) + escaped;
    start = i + 1;
  }
  return out + s.slice(start);
}

/**
 * A value in CSV (PostgreSQL's CopyAttributeOutCSV): quoted when forced, when it reads as the NULL
 * string, when it holds the delimiter, the quote, CR or LF, or when it is `\.` alone on its line
 * (the end-of-data marker); inside quotes the quote and escape characters are preceded by the escape.
 */
export function quoteCsv(s: string, options: CopyOptions, forced: boolean, single: boolean): string {
  const { delimiter, quote, escape } = options;
  const quoted =
    forced || s === options.nullText || (single && s === '\\.') || s.includes(delimiter) || s.includes(quote) || s.includes('\n') || s.includes('\r');
  if (!quoted) return s;
  let out = quote;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== quote && c !== escape) continue;
    out += s.slice(start, i) + escape;
    start = i; // the character itself goes out with the next run
  }
  return out + s.slice(start) + quote;
}

/** The rows of a COPY TO, encoded line by line as they are read. */
export class CopyToData implements CopyOut {
  readonly columnCount: number;
  readonly rowCount: number;
  readonly binary: boolean;

  constructor(
    private readonly columns: readonly CopyColumn[],
    private readonly rows: readonly (readonly Value[])[],
    private readonly options: CopyOptions,
    /** Per column: FORCE_QUOTE applies (CSV). */
    private readonly forceQuote: readonly boolean[],
  ) {
    this.columnCount = columns.length;
    this.rowCount = rows.length;
    this.binary = options.format === 'binary';
    if (this.binary) checkBinaryCopyTypes(columns.map((c) => c.type), typeName);
  }

  *lines(): Generator<string | Uint8Array, void, undefined> {
    if (this.binary) {
      yield* binaryCopyChunks(this.columns.map((c) => c.type), this.rows);
      return;
    }
    const { delimiter } = this.options;
    const csv = this.options.format === 'csv';
    const single = this.columns.length === 1;
    if (this.options.header) {
      yield `${this.columns.map((c) => (csv ? quoteCsv(c.name, this.options, false, single) : escapeText(c.name, delimiter))).join(delimiter)}\n`;
    }
    const types = this.columns.map((c) => c.type);
    const n = types.length;
    for (const row of this.rows) {
      let line = '';
      for (let i = 0; i < n; i++) {
        if (i > 0) line += delimiter;
        const v = row[i] ?? null;
        if (v === null) {
          line += this.options.nullText;
          continue;
        }
        const text = typeof v === 'string' && types[i]!.kind !== 'bytea' ? v : formatText(types[i]!, v);
        line += csv ? quoteCsv(text, this.options, this.forceQuote[i] === true, single) : escapeText(text, delimiter);
      }
      yield `${line}\n`;
    }
  }
}
