// The key-value surface over SQL tables: GET, PUT and DELETE of one key of a `(key text PRIMARY
// KEY, value jsonb)` table, with siblings for concurrent writes kept in a companion table
// `<table>$kv (key, writer, state)` that holds one row per key and writer node (src/kv/siblings.ts).
// Both tables are written through sessions, so writes replicate, reads are quorum point reads and
// privileges are the SQL ones. A request's r and w become its sessions' eon.read_quorum and
// eon.write_quorum, so every statement it runs reads and writes with them.

import { EonError } from '../errors/index.js';
import type { SessionFactory, Session, QueryResult } from '../../query/session/contract.js';
import type { TableSchema } from '../../storage/schema.js';
import type { ColumnType, Value } from '../types/index.js';
import { parseText } from '../types/text-io.js';
import { TABLE_REPLICAS_DEFAULT, tableQuorum } from '../cluster/replication/table-quorum.js';
import { READ_QUORUM_SETTING, WRITE_QUORUM_SETTING } from '../../query/session/settings.js';
import {
  EMPTY_ROW,
  KV_WRITERS_MAX,
  decodeRow,
  encodeRow,
  joinRows,
  mergeRows,
  nextCounter,
  nextRow,
} from './siblings.js';
import type { VersionVector, WriterRow } from './siblings.js';

/** Suffix of the companion table that holds a KV table's per-writer sibling rows. */
export const KV_COMPANION_SUFFIX = '$kv';
/** Longest KV table name, in characters (the companion's name must fit PostgreSQL's 63). */
export const KV_TABLE_CHARS_MAX = 63 - KV_COMPANION_SUFFIX.length;
/** Longest key, in characters. */
export const KV_KEY_CHARS_MAX = 1024;
/** Longest per-request timeout a client may ask for, in ms; also the default. */
export const KV_TIMEOUT_MS_MAX = 60_000;
export const KV_TIMEOUT_MS_DEFAULT = 10_000;
/** Keys whose last row this node wrote are remembered, so a stale read of its own row loses nothing. */
export const KV_OWN_ROWS_CACHED_MAX = 10_000;

/** What the service needs of the node. */
export interface KvServiceOptions {
  readonly sessions: SessionFactory;
  /** The catalog (the Store): the table's shape is checked before every request. */
  readonly tables: { listTables(): readonly TableSchema[] };
  /** This node's writer id (its cluster node id; a standalone node's name). */
  readonly writer: () => string;
  /** Every member the node knows of, so their sibling rows are read even when none is local. */
  readonly writers: () => readonly string[];
  /** The superuser the companion tables are read and written as (privileges are checked on the KV table). */
  readonly superuser: string;
  readonly database: string;
  readonly now?: () => number;
}

/** Per-request quorum and time bounds (validated by kvRequestBounds). */
export interface KvRequestBounds {
  readonly r: number | null;
  readonly w: number | null;
  readonly timeoutMs: number;
}

export type KvRead =
  | { readonly kind: 'absent'; readonly context: VersionVector }
  | { readonly kind: 'value'; readonly json: string; readonly context: VersionVector }
  | { readonly kind: 'siblings'; readonly jsons: readonly string[]; readonly context: VersionVector };

export interface KvWritten {
  /** Live siblings after the write, and the context covering them. */
  readonly siblings: number;
  readonly context: VersionVector;
}

/**
 * Checks r, w and timeout against the table's N (the default N for a table a PUT will create);
 * W > N or R > N is invalid_parameter_value (400).
 */
export function kvRequestBounds(table: TableSchema | null, query: Readonly<Record<string, unknown>>): KvRequestBounds {
  const n = table === null ? TABLE_REPLICAS_DEFAULT : tableQuorum(table).replicas;
  const int = (name: string, max: number): number | null => {
    const text = query[name];
    if (text === undefined) return null;
    if (typeof text !== 'string') throw new EonError('invalid_parameter_value', `${name} must be given once`);
    if (!/^[0-9]{1,9}$/.test(text) || Number(text) < 1) throw new EonError('invalid_parameter_value', `${name} must be a positive integer, not "${text}"`);
    const v = Number(text);
    if (v > max) throw new EonError('invalid_parameter_value', `${name} = ${v} is more than ${name === 'timeout' ? `${max} ms` : `the table's ${max} replicas (N)`}`);
    return v;
  };
  return { r: int('r', n), w: int('w', n), timeoutMs: int('timeout', KV_TIMEOUT_MS_MAX) ?? KV_TIMEOUT_MS_DEFAULT };
}

/**
 * The R of the reads a write makes first (the sibling rows it supersedes, a DELETE's current
 * context): the request's r, else no more than its w, so a write asked to succeed with w
 * replicas up is not failed by a read needing more of them.
 */
export function writeReadQuorum(table: TableSchema, bounds: KvRequestBounds): number | null {
  if (bounds.r !== null || bounds.w === null) return bounds.r;
  return Math.min(bounds.w, tableQuorum(table).readQuorum);
}

/** Sets the session's eon.read_quorum and eon.write_quorum (null: the table's own). */
function useQuorums(session: Session, r: number | null, w: number | null): void {
  if (r === null && w === null) return;
  if (session.changeSetting === undefined) throw new EonError('internal_error', 'kv: the session cannot change its settings, so r and w cannot be applied');
  if (r !== null) session.changeSetting(READ_QUORUM_SETTING, String(r));
  if (w !== null) session.changeSetting(WRITE_QUORUM_SETTING, String(w));
}

/** Whether a table has the KV shape: (key text PRIMARY KEY, value jsonb), nothing else. */
export function isKvShape(t: TableSchema): boolean {
  return (
    t.columns.length === 2 &&
    t.columns[0]!.name === 'key' && t.columns[0]!.type.kind === 'text' &&
    t.columns[1]!.name === 'value' && t.columns[1]!.type.kind === 'jsonb' &&
    t.primaryKey.length === 1 && t.primaryKey[0] === 0
  );
}

function isCompanionShape(t: TableSchema): boolean {
  const kinds = t.columns.map((c) => `${c.name}:${c.type.kind}`).join(',');
  return kinds === 'key:text,writer:text,state:text' && t.primaryKey.join(',') === '0,1';
}

export function checkKvTableName(name: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(name) || name.length > KV_TABLE_CHARS_MAX) {
    throw new EonError('invalid_parameter_value', `"${name}" is not a key-value table name (lower-case letters, digits and _, at most ${KV_TABLE_CHARS_MAX} characters)`);
  }
}

export function checkKvKey(key: string): void {
  if (key.length === 0 || key.length > KV_KEY_CHARS_MAX) throw new EonError('invalid_parameter_value', `a key has 1 to ${KV_KEY_CHARS_MAX} characters`);
}

function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export class KvService {
  /** Writes of one key through this node, one at a time: each reads then replaces this writer's row. */
  private readonly keyLocks = new Map<string, Promise<unknown>>();
  private lastCounter = 0;
  /** This writer's last row per table and key (insertion order is recency: the oldest goes first). */
  private readonly ownRows = new Map<string, WriterRow>();

  constructor(private readonly options: KvServiceOptions) {}

  /** The KV table, or null when absent; a table of another shape is kv_table_shape (409). */
  table(name: string): TableSchema | null {
    checkKvTableName(name);
    const t = this.options.tables.listTables().find((x) => x.name === name);
    if (t === undefined) return null;
    if (!isKvShape(t)) {
      throw new EonError('kv_table_shape', `table "${name}" is not a key-value table: it must be (key text PRIMARY KEY, value jsonb), nothing else`);
    }
    return t;
  }

  async get(user: string, name: string, key: string, bounds: KvRequestBounds): Promise<KvRead> {
    checkKvKey(key);
    const t = this.table(name);
    if (t === null) throw new EonError('undefined_table', `relation "${name}" does not exist`);
    const signal = AbortSignal.timeout(bounds.timeoutMs);
    const userSession = this.options.sessions.openSession({ user, database: this.options.database });
    const sys = this.openSystem();
    try {
      useQuorums(userSession, bounds.r, null);
      this.useCompanionQuorums(sys, name, bounds.r, null);
      // The user's read of the row checks SELECT on the table, as SQL would.
      const main = await run(userSession, `SELECT value FROM ${quoted(name)} WHERE key = $1`, [key], signal);
      const sqlValue = main.rows[0]?.[0];
      const merged = mergeRows(await this.readRows(sys, name, key, signal));
      if (merged.siblings.length >= 2) return { kind: 'siblings', jsons: merged.siblings.map((s) => s.json), context: merged.context };
      // No conflict: the SQL row is the value (SQL may have written it since).
      if (typeof sqlValue !== 'string') return { kind: 'absent', context: merged.context };
      return { kind: 'value', json: sqlValue, context: merged.context };
    } finally {
      userSession.close();
      sys.close();
    }
  }

  /** Stores `json` (null: deletes) superseding `context`; creates the table on a first PUT. */
  async write(user: string, name: string, key: string, json: string | null, context: VersionVector, bounds: KvRequestBounds): Promise<KvWritten> {
    checkKvKey(key);
    const signal = AbortSignal.timeout(bounds.timeoutMs);
    const userSession = this.options.sessions.openSession({ user, database: this.options.database });
    const sys = this.openSystem();
    try {
      let t = this.table(name);
      if (t === null) {
        if (json === null) throw new EonError('undefined_table', `relation "${name}" does not exist`);
        await ddl(userSession, `CREATE TABLE IF NOT EXISTS ${quoted(name)} (key text PRIMARY KEY, value jsonb)`);
        t = this.table(name);
        if (t === null) throw new EonError('undefined_table', `relation "${name}" does not exist`);
      }
      await this.ensureCompanion(sys, name);
      const r = writeReadQuorum(t, bounds);
      useQuorums(userSession, r, bounds.w);
      this.useCompanionQuorums(sys, name, r, bounds.w);
      return await this.locked(`${name}\u0000${key}`, () => this.writeLocked(userSession, sys, name, key, json, context, signal));
    } finally {
      userSession.close();
      sys.close();
    }
  }

  private async writeLocked(userSession: Session, sys: Session, name: string, key: string, json: string | null, context: VersionVector, signal: AbortSignal): Promise<KvWritten> {
    const writer = this.options.writer();
    const rows = await this.readRows(sys, name, key, signal);
    const before = mergeRows(rows);
    // By table ids: a table dropped and created again must not get the old one's values back.
    const ids = this.options.tables.listTables().filter((x) => x.name === name || x.name === name + KV_COMPANION_SUFFIX).map((x) => x.id);
    const cacheKey = `${ids.join(',')}\u0000${key}`;
    const cached = this.ownRows.get(cacheKey);
    const read = rows.get(writer) ?? EMPTY_ROW;
    const own = cached === undefined ? read : joinRows(read, cached);
    const counter = nextCounter(own, writer, context, this.lastCounter, (this.options.now ?? Date.now)());
    this.lastCounter = counter;
    const next = nextRow(own, writer, before.covered, context, counter, json);
    const after = new Map(rows);
    after.set(writer, next);
    const merged = mergeRows(after);
    // The SQL row first, as the user: it checks the privileges, and it shows the newest live value.
    const newest = json ?? merged.siblings[0]?.json ?? null;
    if (newest === null) await run(userSession, `DELETE FROM ${quoted(name)} WHERE key = $1`, [key], signal);
    else {
      await run(userSession, `INSERT INTO ${quoted(name)} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [key, newest], signal);
    }
    await run(sys, `INSERT INTO ${quoted(name + KV_COMPANION_SUFFIX)} (key, writer, state) VALUES ($1, $2, $3) ON CONFLICT (key, writer) DO UPDATE SET state = excluded.state`, [key, writer, encodeRow(next)], signal);
    this.ownRows.delete(cacheKey);
    if (this.ownRows.size >= KV_OWN_ROWS_CACHED_MAX) this.ownRows.delete(this.ownRows.keys().next().value as string);
    this.ownRows.set(cacheKey, next);
    return { siblings: merged.siblings.length, context: merged.context };
  }

  /** Every writer's row for the key: the members known, those with a row here, those rows name. */
  private async readRows(sys: Session, name: string, key: string, signal: AbortSignal): Promise<Map<string, WriterRow>> {
    const companion = this.options.tables.listTables().find((x) => x.name === name + KV_COMPANION_SUFFIX);
    const rows = new Map<string, WriterRow>();
    if (companion === undefined) return rows;
    if (!isCompanionShape(companion)) throw new EonError('kv_table_shape', `table "${companion.name}" is not the companion of a key-value table`);
    const table = quoted(companion.name);
    const todo = new Set<string>([this.options.writer(), ...this.options.writers()]);
    const local = await run(sys, `SELECT writer FROM ${table} WHERE key = $1`, [key], signal);
    for (const r of local.rows) if (typeof r[0] === 'string') todo.add(r[0]);
    const done = new Set<string>();
    const read = await sys.prepare(`SELECT state FROM ${table} WHERE key = $1 AND writer = $2`);
    while (todo.size > 0 && done.size < KV_WRITERS_MAX) {
      const writer = todo.values().next().value as string;
      todo.delete(writer);
      done.add(writer);
      const r = await read.execute(values(read.paramTypes, [key, writer]), { signal });
      const state = r.rows[0]?.[0];
      if (typeof state !== 'string') continue;
      const row = decodeRow(state);
      rows.set(writer, row);
      for (const w of Object.keys(row.covered)) if (!done.has(w)) todo.add(w);
    }
    return rows;
  }

  private async ensureCompanion(sys: Session, name: string): Promise<void> {
    const companion = this.options.tables.listTables().find((x) => x.name === name + KV_COMPANION_SUFFIX);
    if (companion !== undefined) {
      if (!isCompanionShape(companion)) throw new EonError('kv_table_shape', `table "${companion.name}" is not the companion of a key-value table`);
      return;
    }
    await ddl(sys, `CREATE TABLE IF NOT EXISTS ${quoted(name + KV_COMPANION_SUFFIX)} (key text, writer text, state text, PRIMARY KEY (key, writer))`);
  }

  /**
   * The companion is made with the default N, which a table of its own larger N may pass: its
   * reads and writes then ask for all of its replicas, never for more than it has.
   */
  private useCompanionQuorums(sys: Session, name: string, r: number | null, w: number | null): void {
    const companion = this.options.tables.listTables().find((x) => x.name === name + KV_COMPANION_SUFFIX);
    const n = companion === undefined ? TABLE_REPLICAS_DEFAULT : tableQuorum(companion).replicas;
    useQuorums(sys, r === null ? null : Math.min(r, n), w === null ? null : Math.min(w, n));
  }

  private openSystem(): Session {
    return this.options.sessions.openSession({ user: this.options.superuser, database: this.options.database });
  }

  private async locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prior = this.keyLocks.get(id) ?? Promise.resolve();
    const mine = prior.catch(() => null).then(fn);
    this.keyLocks.set(id, mine);
    try {
      return await mine;
    } finally {
      if (this.keyLocks.get(id) === mine) this.keyLocks.delete(id);
    }
  }
}

async function run(session: Session, sql: string, params: readonly string[], signal: AbortSignal): Promise<QueryResult> {
  const stmt = await session.prepare(sql);
  return stmt.execute(values(stmt.paramTypes, params), { signal });
}

/** DDL raced by another node's first PUT: the table now exists, which is what was wanted. */
async function ddl(session: Session, sql: string): Promise<void> {
  try {
    for await (const _ of session.executeScript(sql)) void _;
  } catch (e) {
    if (!(e instanceof EonError && e.code === 'duplicate_table')) throw e;
  }
}

function values(types: readonly ColumnType[], params: readonly string[]): Value[] {
  if (types.length !== params.length) throw new Error(`kv: statement takes ${types.length} parameters, given ${params.length}`);
  return params.map((p, i) => parseText(types[i]!, p));
}
