// What every benchmarked engine offers a suite: lifecycle, SQL, prepared statements and loading.

export const engineNames = ['eon', 'duckdb', 'postgres'] as const;
export type EngineName = (typeof engineNames)[number];

export function isEngineName(s: string): s is EngineName {
  return (engineNames as readonly string[]).includes(s);
}

/** A result cell as the engine's client hands it over (int8 may be a string or a bigint). */
export type Cell = string | number | bigint | boolean | null;

export interface PreparedQuery {
  run(params: readonly Cell[]): Promise<Cell[][]>;
  close(): Promise<void>;
}

/** Rows a suite wants loaded, in the two shapes loaders take: SQL VALUES text and a CSV file. */
export interface LoadSource {
  readonly table: string;
  readonly rows: number;
  /** `(…),(…)` for rows [from, to). */
  valuesSql(from: number, to: number): string;
  /** A headerless CSV of all rows in a directory every local user can read (written on first call). */
  csvPath(): Promise<string>;
}

export interface InsertOptions {
  /** Rows [from, to) of the source. */
  from: number;
  to: number;
  rowsPerStatement: number;
  /** Concurrent connections (sessions) issuing the statements. */
  connections: number;
}

export interface BenchEngine {
  readonly name: EngineName;
  /** Version string and the settings that matter for reading the numbers. */
  describe(): Promise<string>;
  exec(sql: string): Promise<void>;
  query(sql: string, params?: readonly Cell[]): Promise<Cell[][]>;
  /** Runs a query and counts its rows as they arrive, holding none (a result too large to keep). */
  countRows?(sql: string): Promise<number>;
  /** A server-side prepared statement on a dedicated connection. */
  prepare(sql: string): Promise<PreparedQuery>;
  /** Multi-row INSERT statements into source.table. */
  insertValues(source: LoadSource, options: InsertOptions): Promise<void>;
  /** The engine's native bulk path (COPY), when it has one; returns its name for the report. */
  bulkLoad?(source: LoadSource): Promise<string>;
  /** COPY … FROM STDIN of a CSV file through the real psql client (`\copy`), for wire-protocol engines. */
  copyFromStdin?(table: string, csvPath: string): Promise<void>;
  /** eon's REST API: runs one statement with `POST /v1/query`. */
  restExec?(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Where a wire-protocol engine listens, for suites that drive their own clients. */
  wireTarget?(): { host: string; port: number; user: string; database: string };
  /** Every node's address when the engine is a cluster (wireTarget is then the first): clients spread over them. */
  wireTargets?(): readonly { host: string; port: number; user: string; database: string }[];
  /** Fails later statements that run longer than `ms` (0: no limit), so one runaway query cannot stall a run. */
  setStatementTimeout(ms: number): Promise<void>;
  /** Idempotent; removes everything the engine created. */
  stop(): Promise<void>;
}

/** One load connection: runs a statement, and closes. */
export interface LoadConnection {
  run(sql: string): Promise<unknown>;
  close(): Promise<void> | void;
}

/**
 * Multi-row INSERTs of rows [from, to) over `options.connections` connections, each taking the
 * next batch of `rowsPerStatement` rows until none is left.
 */
export async function insertInParallel(source: LoadSource, options: InsertOptions, open: () => Promise<LoadConnection>): Promise<void> {
  let next = options.from;
  const worker = async (): Promise<void> => {
    const connection = await open();
    try {
      for (;;) {
        const from = next;
        if (from >= options.to) return;
        const to = Math.min(options.to, from + options.rowsPerStatement);
        next = to;
        await connection.run(`INSERT INTO ${source.table} VALUES ${source.valuesSql(from, to)}`);
      }
    } finally {
      await connection.close();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.connections) }, () => worker()));
}
