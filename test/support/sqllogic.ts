// The SQL logic file format of test/sql (parse), running one block on a wire-protocol server, and comparing outcomes.

import pg from 'pg';
import type { ConnInfo } from './postgres.js';

/** A block that hangs longer than this is a failure, not a stuck test run. */
export const blockTimeoutMs = 30_000;
/** After this many blocks in a row without a server answer, later blocks fail at once (bounded run time). */
export const brokenStreakMax = 3;
/** Relative tolerance for float8 columns of `-- query approx` blocks (summation order only). */
export const approxRelativeTolerance = 1e-12;
/** How much of a mismatching result a failure message prints. */
const printRowsMax = 30;
const printValueCharsMax = 120;

export type BlockKind = 'query' | 'statement' | 'error';

export interface SqlBlock {
  kind: BlockKind;
  /** Compare rows as multisets (no total order in the query). */
  sorted: boolean;
  /** float8 columns may differ by a relative approxRelativeTolerance. */
  approx: boolean;
  /** For `-- error`: the SQLSTATE both engines must report, when the file pins it. */
  sqlstate?: string;
  sql: string;
  file: string;
  /** 1-based line of the directive. */
  line: number;
  /**
   * `-- @cluster-refuses SQLSTATE` among the block's comment lines: on a cluster of several nodes
   * eon must refuse the block with exactly this code (a documented single-node-only feature).
   */
  clusterRefuses?: string;
}

/** The marker line of SqlBlock.clusterRefuses; its code is checked when the file is parsed. */
const clusterRefusesMarker = /^--\s*@cluster-refuses\b\s*(\S*)/;

/** Parses a test/sql file: blank-line separated blocks, each opened by a `-- query|statement|error` line. */
export function parseSqlLogic(text: string, file: string): SqlBlock[] {
  const lines = text.split('\n');
  const blocks: SqlBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && (lines[i] ?? '').trim() === '') i++;
    if (i >= lines.length) break;
    const start = i;
    const chunk: string[] = [];
    while (i < lines.length && (lines[i] ?? '').trim() !== '') chunk.push(lines[i++] ?? '');
    const header = chunk.findIndex((l) => /^--\s*(query|statement|error)\b/.test(l.trim()));
    if (header < 0) {
      if (chunk.some((l) => clusterRefusesMarker.test(l.trim()))) {
        throw new Error(`${file}:${start + 1}: @cluster-refuses must be in the comment lines just above a block's directive`);
      }
      if (chunk.every((l) => l.trim().startsWith('--'))) continue; // a comment-only block
      throw new Error(`${file}:${start + 1}: block without a -- query/statement/error directive`);
    }
    if (!chunk.slice(0, header).every((l) => l.trim().startsWith('--'))) {
      throw new Error(`${file}:${start + 1}: SQL before the directive`);
    }
    const words = (chunk[header] ?? '').trim().replace(/^--\s*/, '').split(/\s+/);
    const kind = words[0] as BlockKind;
    const flags = words.slice(1);
    const block: SqlBlock = {
      kind,
      sorted: false,
      approx: false,
      sql: chunk.slice(header + 1).join('\n').trim(),
      file,
      line: start + header + 1,
    };
    for (const flag of flags) {
      if (kind === 'query' && flag === 'sorted') block.sorted = true;
      else if (kind === 'query' && flag === 'approx') block.approx = true;
      else if (kind === 'error' && /^[0-9A-Z]{5}$/.test(flag)) block.sqlstate = flag;
      else throw new Error(`${file}:${block.line}: unknown flag ${flag} for ${kind}`);
    }
    for (const l of chunk.slice(0, header)) {
      const m = clusterRefusesMarker.exec(l.trim());
      if (m === null) continue;
      const code = m[1] ?? '';
      if (!/^[0-9A-Z]{5}$/.test(code)) throw new Error(`${file}:${start + 1}: @cluster-refuses needs a SQLSTATE, got '${code}'`);
      if (block.clusterRefuses !== undefined) throw new Error(`${file}:${start + 1}: two @cluster-refuses markers on one block`);
      block.clusterRefuses = code;
    }
    if (block.sql === '') throw new Error(`${file}:${block.line}: empty ${kind} block`);
    blocks.push(block);
  }
  return blocks;
}

export interface ResultColumn {
  name: string;
  oid: number;
}

export type Outcome =
  | { kind: 'ok'; command: string; rowCount: number | null; columns: ResultColumn[]; rows: (string | null)[][] }
  | { kind: 'error'; sqlstate: string; message: string };

/** EON_DIFF_PROTOCOL=extended sends every block as Parse/Bind/Describe/Execute instead of a simple Query. */
export function extendedProtocol(): boolean {
  return process.env['EON_DIFF_PROTOCOL'] === 'extended';
}

/** A client connection that reconnects after the server dropped it, so one crash fails one block only. */
export class Connection {
  private client: pg.Client | null = null;
  private brokenStreak = 0;

  constructor(
    private readonly info: ConnInfo,
    readonly label: string,
    /** Run after each connect, before any block (e.g. the cluster mode's session settings). */
    private readonly sessionSql: readonly string[] = [],
  ) {}

  private async connected(): Promise<pg.Client> {
    if (this.client !== null) return this.client;
    const client = new pg.Client({
      ...this.info,
      // Values stay in the server's text format: the comparison is of what went over the wire.
      types: { getTypeParser: () => (value: string) => value },
      connectionTimeoutMillis: blockTimeoutMs,
    });
    client.on('error', () => {
      if (this.client === client) this.client = null;
    });
    await client.connect();
    try {
      for (const sql of this.sessionSql) await client.query(sql);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw new Error(`session setup failed: ${errorMessage(e)}`);
    }
    this.client = client;
    return client;
  }

  /**
   * Runs one SQL text (simple protocol unless EON_DIFF_PROTOCOL=extended; `simple`: a simple
   * Query whatever it says); server errors and lost connections become Outcomes.
   */
  async run(sql: string, simple = false): Promise<Outcome> {
    if (this.brokenStreak >= brokenStreakMax) {
      return { kind: 'error', sqlstate: 'CLIENT', message: `${this.label}: gave up after ${brokenStreakMax} blocks without an answer` };
    }
    const outcome = await this.attempt(sql, simple);
    const broken = outcome.kind === 'error' && (outcome.sqlstate === 'CLIENT' || outcome.sqlstate === 'CONNECT');
    this.brokenStreak = broken ? this.brokenStreak + 1 : 0;
    return outcome;
  }

  /**
   * Runs each statement as a Query of its own, stopping at the first error (its outcome), else
   * the last statement's: a multi-statement Query as eon runs it on a cluster of several nodes.
   */
  async runEach(statements: readonly string[]): Promise<Outcome> {
    let outcome: Outcome = { kind: 'error', sqlstate: 'CLIENT', message: `${this.label}: no statement to run` };
    for (const sql of statements) {
      outcome = await this.run(sql, true);
      if (outcome.kind === 'error') break;
    }
    return outcome;
  }

  private async attempt(sql: string, simple: boolean): Promise<Outcome> {
    let client: pg.Client;
    try {
      client = await this.connected();
    } catch (e) {
      await this.reset();
      return { kind: 'error', sqlstate: 'CONNECT', message: `${this.label}: cannot connect: ${errorMessage(e)}` };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${blockTimeoutMs} ms`)), blockTimeoutMs);
      });
      const query = extendedProtocol() && !simple ? { text: sql, rowMode: 'array' as const, queryMode: 'extended' } : { text: sql, rowMode: 'array' as const };
      const result = await Promise.race([client.query(query), timeout]);
      // Several statements in one text give several results; the last one is the block's answer.
      const last = (Array.isArray(result) ? result[result.length - 1] : result) as pg.QueryResult<unknown[]>;
      return {
        kind: 'ok',
        command: last.command ?? '',
        rowCount: last.rowCount,
        columns: (last.fields ?? []).map((f) => ({ name: f.name, oid: f.dataTypeID })),
        rows: (last.rows ?? []).map((r) => r.map((v) => (v === null ? null : String(v)))),
      };
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
        return { kind: 'error', sqlstate: code, message: errorMessage(e) };
      }
      // Not a server error: the connection is broken or stuck, so drop it and start over next block.
      await this.reset();
      return { kind: 'error', sqlstate: 'CLIENT', message: `${this.label}: ${errorMessage(e)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  async reset(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client !== null) await client.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.reset();
  }
}

/**
 * A block's statements, cut at the semicolons outside quotes, strings and comments (enough for
 * the SQL of a `-- @multi-statement` file: no dollar quoting).
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (c === ';') {
      out.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  out.push(sql.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Null when the engine under test agrees with the reference; otherwise a readable account of the difference. */
export function compareOutcomes(block: SqlBlock, reference: Outcome, target: Outcome, targetName: string): string | null {
  if (block.kind === 'error') {
    if (reference.kind !== 'error') return `the reference PostgreSQL did not fail (fix the test): ${describe(reference)}`;
    if (block.sqlstate !== undefined && reference.sqlstate !== block.sqlstate) {
      return `the reference failed with ${reference.sqlstate} (${reference.message}), the file expects ${block.sqlstate}`;
    }
    if (target.kind !== 'error') return `${targetName} succeeded, PostgreSQL failed with ${reference.sqlstate} (${reference.message})\n${targetName}: ${describe(target)}`;
    if (target.sqlstate !== reference.sqlstate) {
      return `SQLSTATE differs: PostgreSQL ${reference.sqlstate} (${reference.message}), ${targetName} ${target.sqlstate} (${target.message})`;
    }
    return null;
  }
  if (reference.kind === 'error') {
    return `the reference PostgreSQL failed (fix the test): ${reference.sqlstate} ${reference.message}`;
  }
  if (target.kind === 'error') return `${targetName} failed where PostgreSQL succeeded: ${target.sqlstate} ${target.message}`;
  if (block.kind === 'statement') {
    if (target.command !== reference.command || target.rowCount !== reference.rowCount) {
      return `command tag differs: PostgreSQL ${reference.command} ${String(reference.rowCount)}, ${targetName} ${target.command} ${String(target.rowCount)}`;
    }
    return null;
  }
  const refCols = reference.columns.map((c) => `${c.name}:${c.oid}`).join(', ');
  const gotCols = target.columns.map((c) => `${c.name}:${c.oid}`).join(', ');
  if (refCols !== gotCols) return `columns differ (name:type oid)\nPostgreSQL: ${refCols}\n${targetName}: ${gotCols}`;
  const refRows = block.sorted ? sortRows(reference.rows) : reference.rows;
  const gotRows = block.sorted ? sortRows(target.rows) : target.rows;
  const floatColumns = new Set(
    block.approx ? reference.columns.flatMap((c, i) => (c.oid === 701 || c.oid === 700 ? [i] : [])) : [],
  );
  const firstBad = firstDifference(refRows, gotRows, floatColumns);
  if (firstBad === null) return null;
  return (
    `rows differ (first at row ${firstBad}; PostgreSQL ${refRows.length} rows, ${targetName} ${gotRows.length} rows)\n` +
    `columns: ${refCols}\n--- PostgreSQL\n${printRows(refRows, firstBad)}\n--- ${targetName}\n${printRows(gotRows, firstBad)}`
  );
}

/** What the reference runs in place of a block marked `-- @cluster-refuses CODE` in cluster mode. */
export function refusalSql(code: string): string {
  return `DO $$ BEGIN RAISE EXCEPTION 'refused on a cluster (@cluster-refuses ${code})' USING ERRCODE = '${code}'; END $$`;
}

/** eon must refuse with exactly `code`: an answer or another error fails, so a stale marker shows up once the feature works on a cluster. */
export function compareRefusal(code: string, reference: Outcome, target: Outcome, targetName: string): string | null {
  if (reference.kind !== 'error' || reference.sqlstate !== code) {
    return `the reference did not raise the stand-in refusal ${code}: ${reference.kind === 'error' ? `${reference.sqlstate} ${reference.message}` : reference.command}`;
  }
  if (target.kind !== 'error') {
    return `${targetName} answered a block marked @cluster-refuses ${code}: remove the marker if the answer is right (${target.command} ${String(target.rowCount)})`;
  }
  if (target.sqlstate !== code) return `${targetName} failed with ${target.sqlstate} (${target.message}), the marker expects the refusal ${code}`;
  return null;
}

/**
 * The block as PostgreSQL answered it: an error with its code, an answer as a query or a
 * statement. A query without ORDER BY compares as a multiset: the file counted on its rows being
 * at most one, which a refused TRUNCATE earlier may have changed.
 */
export function asObserved(block: SqlBlock, reference: Outcome): SqlBlock {
  if (reference.kind === 'error') return block.kind === 'error' && block.sqlstate === reference.sqlstate ? block : { ...block, kind: 'error', sqlstate: reference.sqlstate };
  const { sqlstate: _pinned, ...rest } = block;
  const kind = block.kind !== 'error' ? block.kind : reference.columns.length > 0 ? 'query' : 'statement';
  return { ...rest, kind, sorted: block.sorted || (kind === 'query' && !/\border\s+by\b/i.test(block.sql)) };
}

function sortRows(rows: (string | null)[][]): (string | null)[][] {
  const keyed = rows.map((r) => ({ key: JSON.stringify(r), r }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.r);
}

function firstDifference(a: (string | null)[][], b: (string | null)[][], floatColumns: Set<number>): number | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ra = a[i];
    const rb = b[i];
    if (ra === undefined || rb === undefined || ra.length !== rb.length) return i;
    for (let j = 0; j < ra.length; j++) {
      if (ra[j] === rb[j]) continue;
      if (floatColumns.has(j) && closeEnough(ra[j] ?? null, rb[j] ?? null)) continue;
      return i;
    }
  }
  return null;
}

function closeEnough(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  const x = Number(a);
  const y = Number(b);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= approxRelativeTolerance * Math.max(Math.abs(x), Math.abs(y));
}

function printRows(rows: (string | null)[][], around: number): string {
  const from = Math.max(0, around - 3);
  const shown = rows.slice(from, from + printRowsMax).map((r, k) => {
    const cells = r.map((v) => (v === null ? 'NULL' : JSON.stringify(v.length > printValueCharsMax ? `${v.slice(0, printValueCharsMax)}…(${v.length} chars)` : v)));
    return `${from + k}${from + k === around ? ' >' : '  '} ${cells.join(' | ')}`;
  });
  if (rows.length > from + printRowsMax) shown.push(`… ${rows.length - from - printRowsMax} more rows`);
  return shown.join('\n');
}

function describe(o: Outcome): string {
  if (o.kind === 'error') return `error ${o.sqlstate} ${o.message}`;
  return `${o.command} ${String(o.rowCount)} (${o.rows.length} rows)`;
}
