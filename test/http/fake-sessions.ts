// A scripted SessionFactory for REST tests: fixed results per SQL text, echoing prepared params.

import type {
  ExecuteOptions,
  PreparedStatement,
  QueryResult,
  Session,
  SessionFactory,
} from '../../query/session/contract.js';
import { EonError } from '../../src/errors/index.js';
import { Interval, Numeric, T } from '../../src/types/index.js';
import type { ColumnType, Value } from '../../src/types/index.js';

/** A slow statement waits at most this long for its abort signal. */
export const SLOW_QUERY_WAIT_MS = 10_000;

export const ALL_TYPES_RESULT: QueryResult = {
  command: 'SELECT',
  rowCount: 2,
  columns: [
    { name: 'i2', type: T.int2 },
    { name: 'i4', type: T.int4 },
    { name: 'i8', type: T.int8 },
    { name: 'f4', type: T.float4 },
    { name: 'f8', type: T.float8 },
    { name: 'n', type: { kind: 'numeric', precision: 10, scale: 2 } },
    { name: 'nu', type: T.numeric },
    { name: 'b', type: T.bool },
    { name: 't', type: T.text },
    { name: 'vc', type: { kind: 'varchar', length: 20 } },
    { name: 'd', type: T.date },
    { name: 'ts', type: T.timestamp },
    { name: 'tz', type: T.timestamptz },
    { name: 'iv', type: T.interval },
    { name: 't', type: T.text },
  ],
  rows: [
    [
      1, 2, 9007199254740993n, Math.fround(0.1), Number.NaN, new Numeric(-12345n, 2), new Numeric(1n, 30), true, 'héllo "x"', 'v',
      19724, 1704164645500000, 0, new Interval(0, 1, 0), 'dup',
    ],
    [null, null, null, null, Number.POSITIVE_INFINITY, null, null, false, null, null, null, null, null, null, null],
  ],
};

export interface FakeState {
  /** Sessions opened and not yet closed. */
  open: number;
  users: string[];
  /** Set when a slow statement saw its signal abort. */
  aborted: boolean;
}

export function fakeSessions(): { factory: SessionFactory; state: FakeState } {
  const state: FakeState = { open: 0, users: [], aborted: false };
  const factory: SessionFactory = {
    openSession({ user }) {
      state.open++;
      state.users.push(user);
      return new FakeSession(state);
    },
  };
  return { factory, state };
}

class FakeSession implements Session {
  readonly transactionStatus = 'I' as const;
  private closed = false;

  constructor(private readonly state: FakeState) {}

  async *executeScript(sql: string, options?: ExecuteOptions): AsyncGenerator<QueryResult, void, undefined> {
    for (const stmt of sql.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
      yield await this.run(stmt, options?.signal);
    }
  }

  async prepare(sql: string): Promise<PreparedStatement> {
    const m = /^echo\s+(.*)$/.exec(sql);
    if (m === null) throw new EonError('syntax_error', `syntax error at or near "${sql}"`, { position: 1 });
    const paramTypes: ColumnType[] = m[1]!.split(',').map((k) => T[k.trim() as keyof typeof T]);
    return {
      paramTypes,
      columns: paramTypes.map((type, i) => ({ name: `p${i + 1}`, type })),
      execute: async (params: readonly Value[]) => ({
        command: 'SELECT',
        rowCount: 1,
        columns: paramTypes.map((type, i) => ({ name: `p${i + 1}`, type })),
        rows: [[...params]],
      }),
    };
  }

  private async run(stmt: string, signal: AbortSignal | undefined): Promise<QueryResult> {
    switch (stmt) {
      case 'select all types':
        return ALL_TYPES_RESULT;
      case 'insert two':
        return { command: 'INSERT', rowCount: 2, columns: null, rows: [] };
      case 'select one':
        return { command: 'SELECT', rowCount: 1, columns: [{ name: 'one', type: T.int4 }], rows: [[1]] };
      case 'select nothing':
        return { command: 'SELECT', rowCount: 0, columns: [{ name: 'x', type: T.int8 }], rows: [] };
      case 'missing table':
        throw new EonError('undefined_table', 'relation "nope" does not exist', { position: 15 });
      case 'boom':
        throw new Error('kaboom');
      case 'sleep 300':
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { command: 'SELECT', rowCount: 1, columns: [{ name: 'slept', type: T.bool }], rows: [[true]] };
      case 'slow':
        return this.waitForAbort(signal);
      default:
        throw new EonError('syntax_error', `syntax error at or near "${stmt.split(' ')[0]!}"`, { position: 1 });
    }
  }

  private waitForAbort(signal: AbortSignal | undefined): Promise<QueryResult> {
    return new Promise((_resolve, reject) => {
      const timer = setTimeout(() => reject(new EonError('internal_error', 'slow query was never aborted')), SLOW_QUERY_WAIT_MS);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        this.state.aborted = true;
        reject(new EonError('query_canceled', 'canceling statement due to user request'));
      });
    });
  }

  beginCopyIn(): null {
    return null;
  }

  noteError(): void {}

  setting(): string | undefined {
    return undefined;
  }

  close(): void {
    if (!this.closed) this.state.open--;
    this.closed = true;
  }
}
