// COPY statements from PostgreSQL's tree: `COPY table [(columns)] FROM STDIN` with its options
// (the grammar maps the older keyword form onto the same option list).

import type { CopyStmt, Node } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { asNode, integerOf, nameList, stringOf } from './ast.js';

export interface CopyOptions {
  readonly format: 'text' | 'csv';
  /** One character; tab for text, comma for CSV. */
  readonly delimiter: string;
  /** The text that stands for NULL: `\N` for text, the empty unquoted string for CSV. */
  readonly nullText: string;
  /** CSV: the first line is a header and is skipped. */
  readonly header: boolean;
  readonly quote: string;
  readonly escape: string;
}

export interface CopyStatement {
  readonly kind: 'copy';
  /** Table name as written (quoted identifiers keep their case). */
  readonly table: string;
  /** The listed columns, or null for all of them in table order. */
  readonly columns: readonly string[] | null;
  readonly options: CopyOptions;
  readonly text: string;
}

/** Reads a COPY statement's tree; only FROM STDIN runs, other forms are refused with a reason. */
export function copyStatementOf(c: CopyStmt, text: string): CopyStatement {
  if (c.query !== undefined) {
    throw new EonError('feature_not_supported', 'COPY (query) TO is not supported yet', { hint: 'COPY FROM STDIN loads a table.' });
  }
  if (c.is_from !== true) {
    throw new EonError('feature_not_supported', 'COPY TO is not supported yet', { hint: 'Use SELECT to read rows; COPY FROM STDIN loads a table.' });
  }
  if (c.filename !== undefined || c.is_program === true) {
    throw new EonError('feature_not_supported', 'COPY FROM a file or program on the server is not supported', {
      hint: "Send the data from the client: psql's \\copy, or a driver's COPY FROM STDIN.",
    });
  }
  if (c.whereClause !== undefined) throw new EonError('feature_not_supported', 'COPY FROM … WHERE is not supported yet');
  // schema.table: eon has one schema, public.
  const table = c.relation?.relname ?? '';
  const columns = c.attlist === undefined ? null : nameList(c.attlist);
  return { kind: 'copy', table, columns, options: resolveOptions(optionMap(c.options ?? [])), text };
}

/** The options as name → value (true for a bare option), refusing one given twice as PostgreSQL does. */
function optionMap(options: readonly Node[]): Map<string, string | boolean> {
  const set = new Map<string, string | boolean>();
  for (const o of options) {
    const d = asNode(o, 'DefElem')!;
    const name = d.defname ?? '';
    if (set.has(name)) throw new EonError('syntax_error', 'conflicting or redundant options', d.location === undefined ? {} : { position: d.location + 1 });
    const b = asNode(d.arg, 'Boolean');
    const value: string | boolean = d.arg === undefined ? true : b !== undefined ? (b.boolval ?? false) : (stringOf(d.arg) ?? String(integerOf(d.arg) ?? ''));
    set.set(name, typeof value === 'string' && name === 'format' ? value.toLowerCase() : value);
  }
  return set;
}

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, on: true, '1': true, false: false, off: false, '0': false };

function resolveOptions(set: Map<string, string | boolean>): CopyOptions {
  for (const name of set.keys()) {
    if (!['format', 'delimiter', 'null', 'header', 'quote', 'escape', 'encoding'].includes(name)) {
      throw new EonError('feature_not_supported', `COPY option "${name}" is not supported`);
    }
  }
  const format = set.get('format') ?? 'text';
  if (format === 'binary') throw new EonError('feature_not_supported', 'COPY in binary format is not supported yet');
  if (format !== 'text' && format !== 'csv') throw new EonError('invalid_parameter_value', `COPY format "${String(format)}" not recognized`);
  const encoding = set.get('encoding');
  if (encoding !== undefined && !['utf8', 'utf-8', 'UTF8'].includes(String(encoding).toLowerCase())) {
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
  const quote = text('quote', '"');
  const escape = text('escape', quote);
  const headerValue = set.get('header') ?? false;
  const header = typeof headerValue === 'boolean' ? headerValue : BOOLEAN_TEXT[headerValue];
  if (header === undefined) throw new EonError('syntax_error', `header requires a Boolean value`);
  if ([...delimiter].length !== 1) throw new EonError('feature_not_supported', 'COPY delimiter must be a single one-byte character');
  if (!csv && (set.has('quote') || set.has('escape'))) throw new EonError('feature_not_supported', 'COPY quote and escape are available only in CSV mode');
  if (!csv && header) throw new EonError('feature_not_supported', 'COPY HEADER available only in CSV mode');
  if (csv && ([...quote].length !== 1 || [...escape].length !== 1)) throw new EonError('feature_not_supported', 'COPY quote and escape must be single one-byte characters');
  if (delimiter === '\n' || delimiter === '\r' || (!csv && delimiter === '\\')) throw new EonError('invalid_parameter_value', 'COPY delimiter cannot be newline, carriage return or backslash');
  return { format, delimiter, nullText: text('null', csv ? '' : '\\N'), header, quote, escape };
}
