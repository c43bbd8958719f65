// Planner statistics as a node keeps them: one record per table that ANALYZE wrote (row count,
// and per column PostgreSQL's pg_statistic figures), stored in the `catalog` sub-database under
// ['statistics', tableId] so they survive a restart, and held in memory for the planner.
// Statistics are local to a node (each node samples the rows it holds), are not replicated, and
// are dropped with their table; a record whose columns no longer match the table (ALTER TABLE,
// a column renamed or retyped) is ignored and removed.

import type { Database } from 'lmdb';
import type { TypeKind } from '../src/types/column-type.js';
import type { Value } from '../src/types/values.js';
import { decodeRow, encodeRow } from './row-codec.js';
import type { TableSchema } from './schema.js';

/** One column's statistics (PostgreSQL's pg_statistic row for it). */
export interface ColumnStatistics {
  /** The column's name and type when it was analyzed: the record is stale once either changes. */
  readonly name: string;
  readonly typeKind: TypeKind;
  /** Fraction of rows whose value is NULL. */
  readonly nullFrac: number;
  /** Average width in bytes of the non-null values (PostgreSQL's stored width). */
  readonly avgWidth: number;
  /** Distinct non-null values: positive a count, negative minus a fraction of the rows (it scales with the table), 0 unknown. */
  readonly nDistinct: number;
  /** Most common values, most frequent first, and the fraction of all rows each holds. */
  readonly mcvValues: readonly Value[];
  readonly mcvFreqs: readonly number[];
  /** Equi-depth histogram bounds of the values not among the MCVs, ascending; empty when none (unordered type, too few values). */
  readonly histogram: readonly Value[];
  /** Correlation of the stored order with the value order (-1..1); null for unordered types. */
  readonly correlation: number | null;
}

/** What ANALYZE learned of one table. */
export interface TableStatistics {
  readonly tableId: number;
  /** Live rows when analyzed (pg_class.reltuples). */
  readonly rows: number;
  /** Rows in the sample the column figures come from. */
  readonly sampledRows: number;
  /** Store.estimatedRows when the scan began (dead rows included): the auto-analyze measures change from it. */
  readonly storedRows: number;
  /** When ANALYZE finished, ms since the epoch. */
  readonly analyzedAt: number;
  /** By column ordinal; null for a column without statistics (an empty table has none). */
  readonly columns: readonly (ColumnStatistics | null)[];
}

/** The stored form: values (exact bigints, numerics, intervals) as row-codec bytes. */
interface StoredColumn {
  name: string;
  typeKind: TypeKind;
  nullFrac: number;
  avgWidth: number;
  nDistinct: number;
  mcvValues: Uint8Array;
  mcvFreqs: number[];
  histogram: Uint8Array;
  correlation: number | null;
}

interface StoredStatistics {
  tableId: number;
  rows: number;
  sampledRows: number;
  storedRows: number;
  analyzedAt: number;
  columns: (StoredColumn | null)[];
}

function statisticsKey(tableId: number): (string | number)[] {
  return ['statistics', tableId];
}

function encodeStatistics(s: TableStatistics): StoredStatistics {
  return {
    tableId: s.tableId,
    rows: s.rows,
    sampledRows: s.sampledRows,
    storedRows: s.storedRows,
    analyzedAt: s.analyzedAt,
    columns: s.columns.map((c) =>
      c === null
        ? null
        : {
            name: c.name,
            typeKind: c.typeKind,
            nullFrac: c.nullFrac,
            avgWidth: c.avgWidth,
            nDistinct: c.nDistinct,
            mcvValues: encodeRow(c.mcvValues),
            mcvFreqs: [...c.mcvFreqs],
            histogram: encodeRow(c.histogram),
            correlation: c.correlation,
          },
    ),
  };
}

function decodeStatistics(v: unknown): TableStatistics | null {
  if (typeof v !== 'object' || v === null) return null;
  const s = v as Partial<StoredStatistics>;
  if (typeof s.tableId !== 'number' || typeof s.rows !== 'number' || !Array.isArray(s.columns)) return null;
  try {
    return {
      tableId: s.tableId,
      rows: s.rows,
      sampledRows: typeof s.sampledRows === 'number' ? s.sampledRows : 0,
      storedRows: typeof s.storedRows === 'number' ? s.storedRows : s.rows,
      analyzedAt: typeof s.analyzedAt === 'number' ? s.analyzedAt : 0,
      columns: s.columns.map((c) =>
        c === null
          ? null
          : {
              name: c.name,
              typeKind: c.typeKind,
              nullFrac: c.nullFrac,
              avgWidth: c.avgWidth,
              nDistinct: c.nDistinct,
              mcvValues: decodeRow(c.mcvValues),
              mcvFreqs: c.mcvFreqs,
              histogram: decodeRow(c.histogram),
              correlation: c.correlation,
            },
      ),
    };
  } catch {
    return null;
  }
}

/** Whether a record still describes `table`: one entry per column, each of the same name and type. */
export function statisticsMatch(table: TableSchema, s: TableStatistics): boolean {
  if (s.tableId !== table.id || s.columns.length !== table.columns.length) return false;
  return s.columns.every((c, i) => c === null || (c.name === table.columns[i]!.name && c.typeKind === table.columns[i]!.type.kind));
}

/** The statistics records of a store: in memory, and durable in its catalog sub-database. */
export class TableStatisticsStore {
  private readonly byTable = new Map<number, TableStatistics>();
  private readonly listeners = new Set<(tableId: number) => void>();

  constructor(private readonly db: Database<unknown, (string | number)[]>) {
    for (const { key, value } of db.getRange({ start: ['statistics'], end: ['statistics', Number.MAX_SAFE_INTEGER] })) {
      if (key[0] !== 'statistics') continue;
      const s = decodeStatistics(value);
      if (s !== null) this.byTable.set(s.tableId, s);
    }
  }

  /** The table's statistics, if ANALYZE wrote some that still match its columns. */
  get(table: TableSchema): TableStatistics | undefined {
    const s = this.byTable.get(table.id);
    return s !== undefined && statisticsMatch(table, s) ? s : undefined;
  }

  /** Every record held (for pg_stats, which checks each against its table). */
  all(): TableStatistics[] {
    return [...this.byTable.values()];
  }

  /** Replaces a table's statistics (durably before it returns), then tells the listeners. */
  async put(s: TableStatistics): Promise<void> {
    await this.db.put(statisticsKey(s.tableId), encodeStatistics(s));
    this.byTable.set(s.tableId, s);
    this.changed(s.tableId);
  }

  /** Removes a table's record inside the caller's synchronous LMDB transaction (DROP, ALTER, TRUNCATE). */
  removeSync(tableId: number): void {
    if (!this.byTable.has(tableId) && this.db.get(statisticsKey(tableId)) === undefined) return;
    this.db.removeSync(statisticsKey(tableId));
    this.byTable.delete(tableId);
    this.changed(tableId);
  }

  /** Inside ALTER TABLE's transaction: removes the record when it no longer matches the table's new columns. */
  dropStaleSync(table: TableSchema): void {
    const s = this.byTable.get(table.id);
    if (s !== undefined && !statisticsMatch(table, s)) this.removeSync(table.id);
  }

  /** Calls `listener` with the table id whenever a table's statistics are replaced or removed. */
  onChange(listener: (tableId: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(tableId: number): void {
    for (const l of this.listeners) l(tableId);
  }
}
