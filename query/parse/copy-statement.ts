// COPY's grammar (node-sql-parser has none): `COPY table [(columns)] FROM STDIN` with the options
// of PostgreSQL's current `WITH (…)` form and its older keyword form.

import { EonError } from '../../src/errors/index.js';
import { stringTokenValue, type StatementText, type Token } from './lexer.js';

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

function syntaxError(st: StatementText, t: Token | undefined): EonError {
  if (t === undefined) return new EonError('syntax_error', 'syntax error at end of input');
  return new EonError('syntax_error', `syntax error at or near "${t.text}"`, { position: st.offset + t.start + 1 });
}

function identOf(t: Token | undefined): string | null {
  if (t === undefined) return null;
  if (t.kind === 'quoted_ident') return t.text.slice(1, -1).replaceAll('""', '"');
  if (t.kind === 'ident') return t.text.toLowerCase();
  return null;
}

/** Parses a COPY statement; only FROM STDIN runs, other forms are refused with a reason. */
export function parseCopy(st: StatementText): CopyStatement {
  const t = st.tokens;
  let i = 1;
  if (t[i]?.text === '(') {
    throw new EonError('feature_not_supported', 'COPY (query) TO is not supported yet', { hint: 'COPY FROM STDIN loads a table.' });
  }
  let table = identOf(t[i]);
  if (table === null) throw syntaxError(st, t[i]);
  i++;
  // schema.table: eon has one schema, public.
  if (t[i]?.text === '.') {
    const name = identOf(t[i + 1]);
    if (name === null) throw syntaxError(st, t[i + 1]);
    table = name;
    i += 2;
  }
  let columns: string[] | null = null;
  if (t[i]?.text === '(') {
    columns = [];
    i++;
    for (;;) {
      const c = identOf(t[i]);
      if (c === null) throw syntaxError(st, t[i]);
      columns.push(c);
      i++;
      if (t[i]?.text === ',') i++;
      else if (t[i]?.text === ')') {
        i++;
        break;
      } else throw syntaxError(st, t[i]);
    }
  }
  const direction = identOf(t[i]);
  if (direction === 'to') {
    throw new EonError('feature_not_supported', 'COPY TO is not supported yet', { hint: 'Use SELECT to read rows; COPY FROM STDIN loads a table.' });
  }
  if (direction !== 'from') throw syntaxError(st, t[i]);
  i++;
  const source = t[i];
  if (source?.kind === 'string' || identOf(source) === 'program') {
    throw new EonError('feature_not_supported', 'COPY FROM a file or program on the server is not supported', {
      hint: "Send the data from the client: psql's \\copy, or a driver's COPY FROM STDIN.",
    });
  }
  if (identOf(source) !== 'stdin') throw syntaxError(st, source);
  i++;
  const options = parseOptions(st, i);
  return { kind: 'copy', table, columns, options, text: st.text };
}

/** Reads `[WITH] (option value, …)` or the older `[WITH] [BINARY] [DELIMITER 'c'] [NULL 'n'] [CSV [HEADER] [QUOTE 'q'] [ESCAPE 'e']]`. */
function parseOptions(st: StatementText, start: number): CopyOptions {
  const t = st.tokens;
  let i = start;
  const set = new Map<string, string | boolean>();
  const put = (name: string, value: string | boolean, at: Token): void => {
    if (set.has(name)) throw new EonError('syntax_error', 'conflicting or redundant options', { position: st.offset + at.start + 1 });
    set.set(name, value);
  };
  const stringAt = (k: number): string => {
    const tok = t[k];
    if (tok?.kind !== 'string') throw syntaxError(st, tok);
    return stringTokenValue(tok.text);
  };
  if (identOf(t[i]) === 'with') i++;
  if (t[i]?.text === '(') {
    i++;
    for (;;) {
      const nameTok = t[i];
      const name = identOf(nameTok);
      if (name === null || nameTok === undefined) throw syntaxError(st, nameTok);
      i++;
      const valueTok = t[i];
      let value: string | boolean = true;
      if (valueTok !== undefined && valueTok.text !== ',' && valueTok.text !== ')') {
        value = valueTok.kind === 'string' ? stringTokenValue(valueTok.text) : valueTok.text.toLowerCase();
        i++;
      }
      put(name, value, nameTok);
      if (t[i]?.text === ',') i++;
      else if (t[i]?.text === ')') {
        i++;
        break;
      } else throw syntaxError(st, t[i]);
    }
  } else {
    while (i < t.length) {
      const tok = t[i]!;
      const w = identOf(tok);
      if (w === 'binary') put('format', 'binary', tok);
      else if (w === 'csv') put('format', 'csv', tok);
      else if (w === 'header') put('header', true, tok);
      else if (w === 'delimiter' || w === 'null' || w === 'quote' || w === 'escape') {
        if (identOf(t[i + 1]) === 'as') i++;
        put(w, stringAt(i + 1), tok);
        i++;
      } else throw syntaxError(st, tok);
      i++;
    }
  }
  if (i < t.length) throw syntaxError(st, t[i]);
  return resolveOptions(set);
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
