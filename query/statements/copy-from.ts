// COPY … FROM STDIN: decodes the client's data stream (text, CSV or binary format, split anywhere
// across messages) into rows of the table's types. Outside a transaction block the COPY is all or
// nothing, as in PostgreSQL: full batches are staged as segments nobody reads (durable, but out of
// the JS heap; storage/staged-load.ts) and published with the last rows in one write at CopyDone;
// a failure, CopyFail or dropped connection discards them, and a restart discards any left over.
// Inside a block the rows join the block's write set.

import { EonError, type ErrorCode } from '../../src/errors/index.js';
import { parseText, typeName, type Value } from '../../src/types/index.js';
import { formatText } from '../../src/types/text-io.js';
import type { Store, TableSchema, WriteTx } from '../../storage/index.js';
import { StagedLoad } from '../../storage/staged-load.js';
import { BinaryCopyReader, checkBinaryCopyTypes, decodeBinaryField } from './copy-binary.js';
import type { CopyOptions, CopyStatement } from '../parse/copy-statement.js';
import type { SystemEnvironment } from '../catalog/environment.js';
import { bindCopyRules, enforceChecks, fillDefaults, hasDefault, type CopyRules } from './column-rules.js';

/**
 * Rows decoded before they are staged (outside a block) or handed to the block's write set: the
 * most a COPY holds on the JS heap at once.
 */
export const COPY_BATCH_ROWS = 262_144;
/** A line longer than this (an unclosed CSV quote, say) fails the COPY instead of growing without end. */
export const COPY_LINE_CHARS_MAX = 64 * 1024 * 1024;

/** What the wire protocol drives during copy-in mode. */
export interface CopyIn {
  /** Columns per row (CopyInResponse announces them). */
  readonly columnCount: number;
  /** Decodes one CopyData chunk; a promise while a full batch is being written. */
  write(chunk: Uint8Array): Promise<void> | undefined;
  /** At CopyDone: every row is written at once; resolves to the number of rows copied. */
  finish(): Promise<number>;
  /** The COPY failed (bad data, CopyFail, the client went away): what it staged is removed. Idempotent. */
  abort(): void;
  /** Binary format: CopyInResponse announces format 1. */
  readonly binary: boolean;
}

/** Where rows go outside a block: staged, then published at the end (Store). */
type LoadTarget = Pick<Store, 'write' | 'stageRows' | 'publishLoad' | 'discardStaged'>;

function isLoadTarget(t: Pick<Store, 'write'>): t is LoadTarget {
  return typeof (t as Partial<LoadTarget>).stageRows === 'function';
}

const TEXT_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Undoes text-format backslash escapes (`\t`, `\\`, any other `\c` is c). Octal `\123` and hex
 * `\x41` escapes are bytes: a run of them is decoded as UTF-8, and a zero byte is refused.
 */
function unescapeText(s: string): string {
  let out = '';
  let bytes: number[] = [];
  const flushBytes = (): void => {
    if (bytes.length === 0) return;
    if (bytes.includes(0)) throw new EonError('character_not_in_repertoire', 'invalid byte sequence for encoding "UTF8": 0x00');
    try {
      out += utf8.decode(Uint8Array.from(bytes));
    } catch {
      throw new EonError('character_not_in_repertoire', 'invalid byte sequence for encoding "UTF8"');
    }
    bytes = [];
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 === s.length) {
      flushBytes();
      out += c;
      continue;
    }
    const n = s[++i]!;
    if (n >= '0' && n <= '7') {
      let digits = n;
      while (digits.length < 3 && s[i + 1] !== undefined && s[i + 1]! >= '0' && s[i + 1]! <= '7') digits += s[++i];
      bytes.push(parseInt(digits, 8) & 0xff);
    } else if (n === 'x' && /[0-9a-fA-F]/.test(s[i + 1] ?? '')) {
      let digits = s[++i]!;
      if (/[0-9a-fA-F]/.test(s[i + 1] ?? '')) digits += s[++i];
      bytes.push(parseInt(digits, 16));
    } else {
      flushBytes();
      out += TEXT_ESCAPES[n] ?? n;
    }
  }
  flushBytes();
  return out;
}

/** Splits a text-format line at unescaped delimiters (a backslash makes the next character data). */
function splitTextLine(line: string, delimiter: string): string[] {
  if (!line.includes('\\')) return line.split(delimiter);
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') i++;
    else if (c === delimiter) {
      fields.push(line.slice(start, i));
      start = i + 1;
    }
  }
  fields.push(line.slice(start));
  return fields;
}

/** A field as read: its text and, for CSV, whether it was quoted (a quoted empty string is not NULL). */
interface Field {
  text: string;
  quoted: boolean;
}

export class CopyFromSink implements CopyIn {
  readonly columnCount: number;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /** Text after the last complete line (text format), or the CSV record being read. */
  private carry = '';
  /** Input line number of the next line, counted from 1 as PostgreSQL's COPY context does. */
  private line = 1;
  private headerPending: boolean;
  private ended = false;
  private rows: Value[][] = [];
  private rowLines: number[] = [];
  /** Rows handed on (staged, or written to the block's write set) before the current batch. */
  private copied = 0;
  private readonly width: number;
  private readonly rules: CopyRules | null;
  readonly binary: boolean;
  private readonly binaryReader: BinaryCopyReader | null;
  /** Outside a block: the staged batches, published at finish. */
  private readonly load: StagedLoad | null;
  /**
   * Input lines of staged rows, sparsely: [ordinal, line − ordinal] wherever that difference
   * changes (a header, a CSV record over several lines), so any staged row's line can be named.
   */
  private readonly lineSteps: number[] = [];

  constructor(
    /** The store, or inside a transaction block a writer into its write set. */
    private readonly store: Pick<Store, 'write'>,
    private readonly table: TableSchema,
    /** Table ordinal of each field of a row. */
    private readonly targets: readonly number[],
    private readonly options: CopyOptions,
    private readonly signal: AbortSignal | undefined,
    /** Rows go to a transaction block's write set: nothing is committed before its COMMIT. */
    held = false,
    /** The session's environment: DEFAULTs of the columns left out and CHECKs are bound with it. */
    env?: SystemEnvironment,
    /** Rows per batch (tests use small batches to stage many). */
    private readonly batchRows = COPY_BATCH_ROWS,
  ) {
    this.rules = bindCopyRules(table, targets, env);
    this.columnCount = targets.length;
    this.width = table.columns.length;
    this.headerPending = options.header;
    this.binary = options.format === 'binary';
    if (this.binary) checkBinaryCopyTypes(targets.map((o) => table.columns[o]!.type), typeName);
    this.binaryReader = this.binary ? new BinaryCopyReader(targets.length, (fields, tuple) => this.addBinaryRow(fields, tuple), (tuple) => this.where(tuple)) : null;
    this.load = !held && isLoadTarget(store) ? new StagedLoad(table, (ordinal) => this.where(this.lineOf(ordinal))) : null;
    // Columns the data leaves out are NULL: a NOT NULL one fails before any row is read.
    for (let c = 0; c < this.width; c++) {
      const col = table.columns[c]!;
      if (col.notNull && !targets.includes(c) && !hasDefault(col)) {
        throw new EonError('not_null_violation', `null value in column "${col.name}" of relation "${table.name}" violates not-null constraint`);
      }
    }
  }

  write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.signal?.aborted) throw new EonError('query_canceled', 'canceling statement due to user request');
    if (this.binaryReader !== null) {
      this.binaryReader.push(chunk);
      return this.rows.length >= this.batchRows ? this.flush() : undefined;
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      throw new EonError('character_not_in_repertoire', 'invalid byte sequence for encoding "UTF8"', { where: this.where() });
    }
    this.consume(text, false);
    return this.rows.length >= this.batchRows ? this.flush() : undefined;
  }

  async finish(): Promise<number> {
    if (this.binaryReader !== null) this.binaryReader.finish();
    else this.consume(this.decoder.decode(), true);
    if (this.options.format === 'csv' && this.carry !== '') throw this.dataError('bad_copy_file_format', 'unterminated CSV quoted field');
    if (this.load === null) {
      await this.flush();
      return this.copied;
    }
    const rows = this.rows;
    const lines = this.rowLines;
    this.rows = [];
    this.rowLines = [];
    await (this.store as LoadTarget).publishLoad(this.load, (tx) => this.insertAll(tx, rows, lines));
    return this.copied + rows.length;
  }

  abort(): void {
    this.rows = [];
    this.rowLines = [];
    if (this.load !== null) (this.store as LoadTarget).discardStaged(this.load);
  }

  /** A binary tuple's fields, decoded by their columns' receive functions. */
  private addBinaryRow(fields: readonly (Uint8Array | null)[], tuple: number): void {
    const row = new Array<Value>(this.width).fill(null);
    for (let f = 0; f < fields.length; f++) {
      const bytes = fields[f]!;
      const ordinal = this.targets[f]!;
      const column = this.table.columns[ordinal]!;
      if (bytes === null) {
        if (column.notNull) {
          throw this.dataError('not_null_violation', `null value in column "${column.name}" of relation "${this.table.name}" violates not-null constraint`, tuple);
        }
        continue;
      }
      try {
        row[ordinal] = decodeBinaryField(column.type, bytes);
      } catch (e) {
        if (!(e instanceof EonError)) throw e;
        throw new EonError(e.code, e.message, { where: `COPY ${this.table.name}, line ${tuple}, column ${column.name}` });
      }
    }
    if (this.rules !== null) this.applyRules(row, tuple);
    this.rows.push(row);
    this.rowLines.push(tuple);
  }

  /** The input line of a staged row (see lineSteps). */
  private lineOf(ordinal: number): number {
    const s = this.lineSteps;
    let lo = 0;
    let hi = s.length / 2 - 1;
    let diff = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (s[2 * mid]! <= ordinal) {
        diff = s[2 * mid + 1]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ordinal + diff;
  }

  private insertAll(tx: WriteTx, rows: readonly Value[][], lines: readonly number[]): void {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (!tx.insert(this.table, row)) {
        const pk = this.table.primaryKey;
        throw new EonError('unique_violation', `duplicate key value violates unique constraint "${this.table.name}_pkey"`, {
          detail: `Key (${pk.map((o) => this.table.columns[o]!.name).join(', ')})=(${pk.map((o) => formatText(this.table.columns[o]!.type, row[o]!)).join(', ')}) already exists.`,
          where: `COPY ${this.table.name}, line ${lines[i]}`,
        });
      }
    }
  }

  private consume(text: string, atEnd: boolean): void {
    if (this.ended) return;
    if (this.options.format === 'csv') this.consumeCsv(text, atEnd);
    else this.consumeText(text, atEnd);
    if (this.carry.length > COPY_LINE_CHARS_MAX) throw this.dataError('program_limit_exceeded', `a COPY line is longer than ${COPY_LINE_CHARS_MAX} characters`);
  }

  private consumeText(text: string, atEnd: boolean): void {
    const data = this.carry + text;
    let start = 0;
    for (;;) {
      let nl = data.indexOf('\n', start);
      if (nl < 0) {
        if (!atEnd || start >= data.length) break;
        nl = data.length; // a last line without its newline
      }
      let line = data.slice(start, nl);
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '\\.') {
        this.ended = true;
        break;
      }
      this.addRow(splitTextLine(line, this.options.delimiter), null);
    }
    this.carry = this.ended ? '' : data.slice(Math.min(start, data.length));
  }

  /** CSV: records end at a newline outside quotes; quoted fields may hold delimiters and newlines. */
  private consumeCsv(text: string, atEnd: boolean): void {
    const data = this.carry + text;
    const { delimiter, quote, escape } = this.options;
    let start = 0;
    while (start < data.length) {
      // Fast path: a record with no quote character is a plain split.
      const nl = data.indexOf('\n', start);
      const end = nl < 0 ? data.length : nl;
      if (nl < 0 && !atEnd) break;
      const plain = data.slice(start, end);
      if (!plain.includes(quote)) {
        const line = plain.endsWith('\r') ? plain.slice(0, -1) : plain;
        start = end + 1;
        if (line === '\\.') {
          this.ended = true;
          break;
        }
        this.addRow(line.split(delimiter), null);
        continue;
      }
      const record = readCsvRecord(data, start, delimiter, quote, escape, atEnd);
      if (record === null) break; // the record continues in the next chunk
      start = record.next;
      this.addRow(record.fields.map((f) => f.text), record.fields.map((f) => f.quoted));
    }
    this.carry = this.ended ? '' : data.slice(Math.min(start, data.length));
  }

  /**
   * One line's fields: their text and, for CSV, which were quoted (a quoted empty string is not
   * NULL); `quoted` is null when none was (no object per field on the common path).
   */
  private addRow(texts: readonly string[], quoted: readonly boolean[] | null): void {
    const lineNo = this.line++;
    if (this.headerPending) {
      this.headerPending = false;
      return;
    }
    const count = texts.length;
    if (count > this.targets.length) throw this.dataError('bad_copy_file_format', 'extra data after last expected column', lineNo);
    const row = new Array<Value>(this.width).fill(null);
    const csv = this.options.format === 'csv';
    // Fields convert in column order and a missing one fails when reached, as in PostgreSQL
    // (a short line whose first field is bad fails on that field).
    for (let f = 0; f < this.targets.length; f++) {
      if (f >= count) throw this.dataError('bad_copy_file_format', `missing data for column "${this.columnName(f)}"`, lineNo);
      const text = texts[f]!;
      const ordinal = this.targets[f]!;
      const column = this.table.columns[ordinal]!;
      if (quoted?.[f] !== true && text === this.options.nullText) {
        if (column.notNull) {
          throw this.dataError('not_null_violation', `null value in column "${column.name}" of relation "${this.table.name}" violates not-null constraint`, lineNo);
        }
        continue;
      }
      try {
        row[ordinal] = parseText(column.type, csv || !text.includes('\\') ? text : unescapeText(text));
      } catch (e) {
        if (!(e instanceof EonError)) throw e;
        throw new EonError(e.code, e.message, { where: `COPY ${this.table.name}, line ${lineNo}, column ${column.name}: "${text}"` });
      }
    }
    if (this.rules !== null) this.applyRules(row, lineNo);
    this.rows.push(row);
    this.rowLines.push(lineNo);
  }

  /** A full batch: staged (outside a block) or written into the block's write set. */
  private flush(): Promise<void> | undefined {
    if (this.rows.length === 0) return undefined;
    const rows = this.rows;
    const lines = this.rowLines;
    this.rows = [];
    this.rowLines = [];
    const first = this.copied;
    this.copied += rows.length;
    if (this.load !== null) {
      const s = this.lineSteps;
      for (let i = 0; i < lines.length; i++) {
        const diff = lines[i]! - (first + i);
        if (s.length === 0 || s[s.length - 1] !== diff) s.push(first + i, diff);
      }
      (this.store as LoadTarget).stageRows(this.load, rows, first);
      return undefined;
    }
    return this.store.write((tx) => this.insertAll(tx, rows, lines), { bulk: true }).then(() => undefined);
  }

  private applyRules(row: Value[], lineNo: number): void {
    const { fill, checks, ctx } = this.rules!;
    if (fill !== null) {
      fillDefaults(fill, row, ctx);
      for (const i of fill.ordinals) {
        const column = this.table.columns[i]!;
        if (column.notNull && row[i] === null) {
          throw this.dataError('not_null_violation', `null value in column "${column.name}" of relation "${this.table.name}" violates not-null constraint`, lineNo);
        }
      }
    }
    if (checks !== null) enforceChecks(checks, row, ctx, this.where(lineNo));
  }

  private columnName(field: number): string {
    return this.table.columns[this.targets[field]!]!.name;
  }

  private where(lineNo = this.line): string {
    return `COPY ${this.table.name}, line ${lineNo}`;
  }

  private dataError(code: ErrorCode, message: string, lineNo = this.line): EonError {
    return new EonError(code, message, { where: this.where(lineNo) });
  }
}

/**
 * One CSV record from `start`, or null when it does not end in `data` yet (unless at the end of
 * the input). `next` is the offset after its newline.
 */
function readCsvRecord(data: string, start: number, delimiter: string, quote: string, escape: string, atEnd: boolean): { fields: Field[]; next: number } | null {
  const fields: Field[] = [];
  let text = '';
  let quoted = false;
  let inQuotes = false;
  let i = start;
  for (;;) {
    if (i >= data.length) {
      if (!atEnd || inQuotes) return null;
      fields.push({ text, quoted });
      return { fields, next: data.length };
    }
    const c = data[i]!;
    if (inQuotes) {
      // Inside quotes the escape character makes the next quote (or escape) data; with the default
      // escape (the quote itself) that is the doubled quote "". Whether a quote is doubled may
      // only show in the next chunk.
      if (c === escape || c === quote) {
        if (i + 1 >= data.length && !atEnd) return null;
        const next = data[i + 1];
        if (c === escape && (next === quote || (escape !== quote && next === escape))) {
          text += next;
          i += 2;
          continue;
        }
        if (c === quote) {
          inQuotes = false;
          i++;
          continue;
        }
      }
      text += c;
      i++;
      continue;
    }
    if (c === quote) {
      inQuotes = true;
      quoted = true;
      i++;
    } else if (c === delimiter) {
      fields.push({ text, quoted });
      text = '';
      quoted = false;
      i++;
    } else if (c === '\n' || (c === '\r' && data[i + 1] === '\n')) {
      fields.push({ text, quoted });
      return { fields, next: c === '\n' ? i + 1 : i + 2 };
    } else {
      text += c;
      i++;
    }
  }
}

/** Table ordinals for a COPY's column list (all columns when none is given). */
export function copyTargets(table: TableSchema, st: CopyStatement): number[] {
  if (st.columns === null) return table.columns.map((_, i) => i);
  const seen = new Set<number>();
  return st.columns.map((name) => {
    const i = table.columns.findIndex((c) => c.name === name);
    if (i < 0) throw new EonError('undefined_column', `column "${name}" of relation "${table.name}" does not exist`);
    if (seen.has(i)) throw new EonError('duplicate_column', `column "${name}" specified more than once`);
    seen.add(i);
    return i;
  });
}
