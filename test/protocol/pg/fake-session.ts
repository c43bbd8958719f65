// A scripted Session for wire-protocol tests: a few statement shapes with fixed answers, no engine behind it.

import { EonError } from '../../../src/errors/index.js';
import { T } from '../../../src/types/index.js';
import type { ColumnType, Value } from '../../../src/types/index.js';
import type {
  ExecuteOptions,
  PreparedStatement,
  QueryResult,
  ResultColumn,
  Session,
  SessionFactory,
  TransactionStatus,
} from '../../../query/session/contract.js';

const SLEEP_MS_MAX = 10_000;

/** Statements aborted through their signal, across all fake sessions. */
export const abortCount = { value: 0 };

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (): void => {
      abortCount.value++;
      clearTimeout(timer);
      reject(new EonError('query_canceled', 'canceling statement due to user request'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', fail);
      resolve();
    }, Math.min(ms, SLEEP_MS_MAX));
    if (signal?.aborted === true) fail();
    signal?.addEventListener('abort', fail, { once: true });
  });
}

function rowsResult(columns: ResultColumn[], rows: Value[][]): QueryResult {
  return { command: 'SELECT', rowCount: rows.length, columns, rows };
}

const SERIES_COLUMNS: ResultColumn[] = [
  { name: 'i', type: T.int4 },
  { name: 'big', type: T.int8 },
  { name: 'label', type: T.text },
  { name: 'ok', type: T.bool },
];

function series(n: number): QueryResult {
  const rows: Value[][] = [];
  for (let i = 1; i <= n; i++) rows.push([i, BigInt(i) * 10_000_000_000n, `row ${i}`, i % 2 === 0]);
  return rowsResult(SERIES_COLUMNS, rows);
}

export interface FakeSessionLog {
  opened: { user: string; database: string }[];
  closed: number;
}

/** Statements it knows: `select <n>`, `series <n>`, `sleep <ms>`, `begin`, `commit`, `insert …`, `fail`. */
export class FakeSession implements Session {
  transactionStatus: TransactionStatus = 'I';
  private readonly settings = new Map<string, string>([['DateStyle', 'ISO, MDY']]);

  constructor(private readonly log: FakeSessionLog) {}

  async *executeScript(sql: string, options?: ExecuteOptions): AsyncGenerator<QueryResult, void, undefined> {
    for (const part of sql.split(';')) {
      const stmt = part.trim();
      if (stmt === '') continue;
      yield await this.run(stmt, options?.signal);
    }
  }

  private async run(stmt: string, signal: AbortSignal | undefined): Promise<QueryResult> {
    let m: RegExpExecArray | null;
    if ((m = /^select (-?\d+)$/i.exec(stmt)) !== null) {
      return rowsResult([{ name: '?column?', type: T.int4 }], [[Number(m[1])]]);
    }
    if ((m = /^series (\d+)$/i.exec(stmt)) !== null) return series(Number(m[1]));
    if ((m = /^sleep (\d+)$/i.exec(stmt)) !== null) {
      await sleep(Number(m[1]), signal);
      return { command: 'SELECT', rowCount: 1, columns: [{ name: 'slept', type: T.bool }], rows: [[true]] };
    }
    if ((m = /^set datestyle to (.+)$/i.exec(stmt)) !== null) {
      this.settings.set('DateStyle', m[1] as string);
      return { command: 'SET', rowCount: 0, columns: null, rows: [] };
    }
    if (/^begin$/i.test(stmt)) {
      this.transactionStatus = 'T';
      return { command: 'BEGIN', rowCount: 0, columns: null, rows: [] };
    }
    if (/^commit$/i.test(stmt)) {
      this.transactionStatus = 'I';
      return { command: 'COMMIT', rowCount: 0, columns: null, rows: [] };
    }
    if (/^insert /i.test(stmt)) return { command: 'INSERT', rowCount: 3, columns: null, rows: [] };
    if (/^fail$/i.test(stmt)) throw new Error('boom');
    throw new EonError('syntax_error', `syntax error at or near "${stmt.split(' ')[0] ?? ''}"`, {
      position: 1,
      hint: 'the fake session knows select <n>, series <n>, sleep <ms>',
    });
  }

  /** Prepared shapes: `select $1` (echo, declared type or int4), `series $1`, `point $1`, `insert …`. */
  async prepare(sql: string, paramTypes: readonly (ColumnType | undefined)[] = []): Promise<PreparedStatement> {
    const s = sql.trim();
    if (/^select \$1$/i.test(s)) {
      const t = paramTypes[0] ?? T.int4;
      return prepared([t], [{ name: 'value', type: t }], (p) => rowsResult([{ name: 'value', type: t }], [[p[0] ?? null]]));
    }
    if (/^series \$1$/i.test(s)) {
      return prepared([T.int4], SERIES_COLUMNS, (p) => series(Number(p[0])));
    }
    if (/^point \$1$/i.test(s)) {
      const cols: ResultColumn[] = [
        { name: 'id', type: T.int8 },
        { name: 'name', type: T.text },
      ];
      return prepared([T.int8], cols, (p) => rowsResult(cols, [[p[0] ?? null, `name ${String(p[0])}`]]));
    }
    if (/^insert /i.test(s)) {
      return prepared([], null, () => ({ command: 'INSERT', rowCount: 1, columns: null, rows: [] }));
    }
    if (/^sleep \$1$/i.test(s)) {
      return prepared([T.int4], [{ name: 'slept', type: T.bool }], async (p, signal) => {
        await sleep(Number(p[0]), signal);
        return rowsResult([{ name: 'slept', type: T.bool }], [[true]]);
      });
    }
    throw new EonError('syntax_error', `syntax error at or near "${s.split(' ')[0] ?? ''}"`, { position: 1 });
  }

  beginCopyIn(): null {
    return null;
  }

  noteError(): void {}

  setting(name: string): string | undefined {
    return this.settings.get(name);
  }

  close(): void {
    this.log.closed++;
  }
}

function prepared(
  paramTypes: ColumnType[],
  columns: ResultColumn[] | null,
  run: (params: readonly Value[], signal: AbortSignal | undefined) => QueryResult | Promise<QueryResult>,
): PreparedStatement {
  return {
    paramTypes,
    columns,
    execute: async (params, options) => run(params, options?.signal),
  };
}

export class FakeSessionFactory implements SessionFactory {
  readonly log: FakeSessionLog = { opened: [], closed: 0 };
  openSession(options: { user: string; database: string }): Session {
    this.log.opened.push(options);
    return new FakeSession(this.log);
  }
}
