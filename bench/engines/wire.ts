// A benchmark engine reached over the PostgreSQL wire protocol with node-postgres (used for eon and PostgreSQL).

import pg from 'pg';
import { runCommand } from '../process.js';
import { insertInParallel } from './engine.js';
import type { BenchEngine, Cell, EngineName, InsertOptions, LoadSource, PreparedQuery } from './engine.js';

/** A statement that runs longer than this is a hung engine, not a slow one. */
export const statementTimeoutMs = 30 * 60_000;
/** Connection attempts to a just-started server. */
const connectTimeoutMs = 10_000;

export interface WireTarget {
  host: string;
  port: number;
  user: string;
  database: string;
}

/** DATE values stay ISO text (node-postgres would make local-midnight Date objects of them). */
const dateOid = 1082;
const isoDateTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === dateOid ? (text: string) => text : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

export class WireClientPool {
  private main: pg.Client | null = null;
  private readonly extra = new Set<pg.Client>();

  /** `sessionSetup`: statements every new session runs before anything else (such as a SET a suite measures under). */
  constructor(
    readonly target: WireTarget,
    private readonly sessionSetup: readonly string[] = [],
  ) {}

  async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      ...this.target,
      types: isoDateTypes,
      connectionTimeoutMillis: connectTimeoutMs,
      query_timeout: statementTimeoutMs,
    });
    await client.connect();
    try {
      for (const sql of this.sessionSetup) await client.query(sql);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    return client;
  }

  private async mainClient(): Promise<pg.Client> {
    if (this.main === null) this.main = await this.connect();
    return this.main;
  }

  async exec(sql: string): Promise<void> {
    const client = await this.mainClient();
    await client.query(sql);
  }

  async query(sql: string, params?: readonly Cell[]): Promise<Cell[][]> {
    const client = await this.mainClient();
    const config: pg.QueryArrayConfig = { text: sql, rowMode: 'array' };
    if (params !== undefined && params.length > 0) config.values = params.map(wireParam);
    const result = await client.query(config);
    return result.rows as Cell[][];
  }

  /** Rows counted from node-postgres's row events: with a row listener it keeps none of them. */
  async countRows(sql: string): Promise<number> {
    const client = await this.mainClient();
    let rows = 0;
    await new Promise<void>((resolve, reject) => {
      // Rows as arrays, as query() asks for them (node-postgres's Query typings omit rowMode).
      const config = { text: sql, rowMode: 'array' };
      const query = client.query(new pg.Query(config as pg.QueryConfig));
      query.on('row', () => void rows++);
      query.on('end', () => resolve());
      query.on('error', reject);
    });
    return rows;
  }

  async prepare(sql: string): Promise<PreparedQuery> {
    const client = await this.connect();
    this.extra.add(client);
    // node-postgres parses a named statement once per connection and then only binds and executes.
    const name = 'pt';
    return {
      run: async (params) => {
        const result = await client.query({ name, text: sql, values: params.map(wireParam), rowMode: 'array' });
        return result.rows as Cell[][];
      },
      close: async () => {
        this.extra.delete(client);
        await client.end();
      },
    };
  }

  /** Statements of rowsPerStatement rows, drawn in order from a shared cursor by `connections` sessions. */
  insertValues(source: LoadSource, options: InsertOptions): Promise<void> {
    return insertInParallel(source, options, async () => {
      const client = await this.connect();
      return { run: (sql) => client.query(sql), close: () => client.end() };
    });
  }

  async close(): Promise<void> {
    const clients = [...this.extra];
    this.extra.clear();
    if (this.main !== null) clients.push(this.main);
    this.main = null;
    await Promise.allSettled(clients.map((c) => c.end()));
  }
}

function wireParam(cell: Cell): string | number | boolean | null {
  return typeof cell === 'bigint' ? cell.toString() : cell;
}

/** An engine reached over the PostgreSQL wire protocol: the statements go through one client pool. */
export abstract class WireEngine implements BenchEngine {
  abstract readonly name: EngineName;
  private stopped = false;

  constructor(protected readonly clients: WireClientPool) {}

  abstract describe(): Promise<string>;
  /** Stops the server process behind the clients. */
  protected abstract stopServer(): Promise<void>;

  exec(sql: string): Promise<void> {
    return this.clients.exec(sql);
  }

  query(sql: string, params?: readonly Cell[]): Promise<Cell[][]> {
    return this.clients.query(sql, params);
  }

  countRows(sql: string): Promise<number> {
    return this.clients.countRows(sql);
  }

  prepare(sql: string): Promise<PreparedQuery> {
    return this.clients.prepare(sql);
  }

  insertValues(source: LoadSource, options: InsertOptions): Promise<void> {
    return this.clients.insertValues(source, options);
  }

  /** The server's own statement_timeout on the connection statements run on. */
  setStatementTimeout(ms: number): Promise<void> {
    return this.clients.exec(`SET statement_timeout = ${Math.max(0, Math.round(ms))}`);
  }

  wireTarget(): WireTarget {
    return this.clients.target;
  }

  async copyFromStdin(table: string, csvPath: string): Promise<void> {
    const { host, port, user, database } = this.clients.target;
    const copy = `\\copy ${table} FROM '${csvPath.replaceAll("'", "''")}' WITH (FORMAT csv)`;
    await runCommand('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', host, '-p', String(port), '-U', user, '-d', database, '-c', copy], { timeoutMs: statementTimeoutMs });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      await this.clients.close();
    } finally {
      await this.stopServer();
    }
  }
}
