// DuckDB as a benchmark peer: in-process through @duckdb/node-api, a file-backed database in a temp dir.

import { DuckDBInstance, version as duckdbVersion } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBValue } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { insertInParallel } from './engine.js';
import type { BenchEngine, Cell, InsertOptions, LoadSource, PreparedQuery } from './engine.js';

const int32Max = 2 ** 31 - 1;
const int32Min = -(2 ** 31);

/**
 * A database file rather than `:memory:` so its load pays for durable storage like the other two;
 * threads and memory stay at DuckDB's defaults (all cores, 80% of RAM).
 */
export async function startDuckdb(): Promise<BenchEngine> {
  const dir = await mkdtemp(path.join(tmpdir(), 'eon-bench-duckdb-'));
  try {
    const instance = await DuckDBInstance.create(path.join(dir, 'bench.duckdb'));
    const main = await instance.connect();
    return new DuckdbEngine(instance, main, dir);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

class DuckdbEngine implements BenchEngine {
  readonly name = 'duckdb' as const;
  private readonly extra = new Set<DuckDBConnection>();
  private stopped = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly main: DuckDBConnection,
    private readonly dir: string,
  ) {}

  async describe(): Promise<string> {
    const rows = (await this.main.runAndReadAll("SELECT current_setting('threads'), current_setting('memory_limit')")).getRows();
    const [threads, memory] = (rows[0] ?? []).map((v) => String(v));
    return `DuckDB ${duckdbVersion()} (file database, threads=${threads}, memory_limit=${memory})`;
  }

  async exec(sql: string): Promise<void> {
    await this.main.run(sql);
  }

  /** DuckDB has no statement timeout setting: a timer interrupts the main connection. */
  private timeoutMs = 0;

  setStatementTimeout(ms: number): Promise<void> {
    this.timeoutMs = Math.max(0, ms);
    return Promise.resolve();
  }

  async query(sql: string, params?: readonly Cell[]): Promise<Cell[][]> {
    if (this.timeoutMs === 0) return this.queryMain(sql, params);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.main.interrupt();
    }, this.timeoutMs);
    try {
      return await this.queryMain(sql, params);
    } catch (e) {
      if (timedOut) throw new Error(`canceled after the ${this.timeoutMs} ms statement timeout`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private async queryMain(sql: string, params?: readonly Cell[]): Promise<Cell[][]> {
    if (params === undefined || params.length === 0) return toCells((await this.main.runAndReadAll(sql)).getRows());
    const prepared = await this.main.prepare(sql);
    try {
      bindParams(prepared, params);
      return toCells((await prepared.runAndReadAll()).getRows());
    } finally {
      prepared.destroySync();
    }
  }

  /** Streams the result chunk by chunk, converting each chunk's rows as a client would, keeping none. */
  async countRows(sql: string): Promise<number> {
    const result = await this.main.stream(sql);
    let rows = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) return rows;
      rows += chunk.getRows().length;
    }
  }

  async prepare(sql: string): Promise<PreparedQuery> {
    const connection = await this.instance.connect();
    this.extra.add(connection);
    const prepared = await connection.prepare(sql);
    return {
      run: async (params) => {
        bindParams(prepared, params);
        return toCells((await prepared.runAndReadAll()).getRows());
      },
      close: async () => {
        prepared.destroySync();
        this.extra.delete(connection);
        connection.closeSync();
      },
    };
  }

  insertValues(source: LoadSource, options: InsertOptions): Promise<void> {
    return insertInParallel(source, options, async () => {
      const connection = await this.instance.connect();
      return { run: (sql) => connection.run(sql), close: () => connection.closeSync() };
    });
  }

  /** DuckDB's own CSV reader, then a checkpoint so the rows are in the database file, not only the WAL. */
  async bulkLoad(source: LoadSource): Promise<string> {
    const csv = await source.csvPath();
    await this.main.run(`COPY ${source.table} FROM '${csv.replaceAll("'", "''")}' (FORMAT csv, HEADER false)`);
    await this.main.run('CHECKPOINT');
    return 'COPY FROM csv file + CHECKPOINT';
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      for (const c of this.extra) c.closeSync();
      this.extra.clear();
      this.main.closeSync();
      this.instance.closeSync();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}

/** Integral numbers bind as INTEGER so `id = $1` can use the primary-key index instead of a cast and a scan. */
function bindParams(prepared: DuckDBPreparedStatement, params: readonly Cell[]): void {
  prepared.clearBindings();
  params.forEach((p, i) => {
    const index = i + 1;
    if (p === null) prepared.bindNull(index);
    else if (typeof p === 'number') {
      if (Number.isInteger(p) && p >= int32Min && p <= int32Max) prepared.bindInteger(index, p);
      else prepared.bindDouble(index, p);
    } else if (typeof p === 'bigint') prepared.bindBigInt(index, p);
    else if (typeof p === 'boolean') prepared.bindBoolean(index, p);
    else prepared.bindVarchar(index, p);
  });
}

function toCells(rows: DuckDBValue[][]): Cell[][] {
  return rows.map((row) =>
    row.map((v): Cell => {
      if (v === null || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string') return v;
      return String(v);
    }),
  );
}
