// Serializes a query result as the REST JSON body: {"columns","rows","rowCount","command"}.

import { typeName } from '../../src/types/index.js';
import type { ColumnType, Value } from '../../src/types/index.js';
import { formatText } from '../../src/types/text-io.js';
import type { QueryResult, ResultColumn } from '../../query/session/contract.js';

type NonNull = Exclude<Value, null>;
/** Turns one non-null value into JSON source text. */
type ValueEncoder = (v: NonNull) => string;

/** The result of an empty script: no statement ran. */
export const EMPTY_RESULT_COMMAND = null;

/**
 * Values are JSON numbers where JSON is exact (int2, int4, float4/8 — floats in PostgreSQL's
 * shortest text form, NaN/Infinity as strings), strings where it is not (int8, numeric), and
 * PostgreSQL's text output for dates, timestamps and intervals; json and jsonb values are
 * embedded as the JSON they are. The body is built as text, one
 * encoder per column chosen once, so a large result makes no per-value objects.
 */
export function resultToJson(result: QueryResult | null): string {
  if (result === null) return `{"columns":[],"rows":[],"rowCount":0,"command":null}`;
  const body = new JsonBody(result.columns ?? []);
  return body.head() + body.rows(result.rows, true) + body.tail(result.rowCount, result.command);
}

/**
 * The JSON body in pieces, for a result written as its rows are produced: head, rows (each piece
 * a comma-separated run), tail. Its concatenation is exactly what resultToJson gives.
 */
export class JsonBody {
  private readonly columns: readonly ResultColumn[];
  private readonly encoders: ValueEncoder[];

  constructor(columns: readonly ResultColumn[]) {
    this.columns = columns;
    this.encoders = columns.map((c) => encoderFor(c.type));
  }

  head(): string {
    return `{"columns":[${this.columns.map((c) => `{"name":${JSON.stringify(c.name)},"type":${JSON.stringify(typeName(c.type))}}`).join(',')}],"rows":[`;
  }

  /** Rows as JSON arrays joined by commas; `first`: no comma before the first of them. */
  rows(rows: readonly (readonly Value[])[], first: boolean): string {
    const encoders = this.encoders;
    const rowsJson: string[] = new Array<string>(rows.length);
    const cells: string[] = new Array<string>(encoders.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      for (let c = 0; c < encoders.length; c++) {
        const v = row[c];
        cells[c] = v === null || v === undefined ? 'null' : encoders[c]!(v);
      }
      rowsJson[r] = `[${cells.join(',')}]`;
    }
    const text = rowsJson.join(',');
    return first || text === '' ? text : `,${text}`;
  }

  tail(rowCount: number, command: string): string {
    return `],"rowCount":${rowCount},"command":${JSON.stringify(command)}}`;
  }
}

/** A JSON number literal: an optional minus, digits, optional fraction and exponent. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export function encoderFor(type: ColumnType): ValueEncoder {
  switch (type.kind) {
    case 'bool':
      return (v) => (v === true ? 'true' : 'false');
    case 'int2':
    case 'int4':
      return (v) => String(v);
    case 'int8':
      return (v) => `"${String(v)}"`;
    case 'float4':
    case 'float8':
      return (v) => {
        const text = formatText(type, v);
        return JSON_NUMBER.test(text) ? text : JSON.stringify(text);
      };
    case 'text':
    case 'varchar':
    case 'unknown':
      return (v) => JSON.stringify(typeof v === 'string' ? v : formatText(type, v));
    case 'json':
    case 'jsonb':
      // Already JSON text (validated on input): embedded as a JSON value, not as a string.
      return (v) => v as string;
    case 'numeric':
    case 'date':
    case 'timestamp':
    case 'timestamptz':
    case 'interval':
    case 'uuid':
    case 'bytea':
    case 'time':
      return (v) => JSON.stringify(formatText(type, v));
    default:
      return exhaustive(type.kind);
  }
}

function exhaustive(k: never): never {
  throw new Error(`unhandled type kind ${String(k)}`);
}
