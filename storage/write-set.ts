// A transaction block's uncommitted writes: per table, encoded key → new row or tombstone, with
// what the store held for the key when the block first wrote it. Reads overlay it on the store's
// committed rows; COMMIT applies it in one store write after checking nobody changed those keys.

import { EonError } from '../src/errors/index.js';
import { formatText } from '../src/types/text-io.js';
import { Interval, Numeric, type Value } from '../src/types/values.js';
import { decodeRowIdKey, encodeKey } from './key-codec.js';
import { keyRangeBytes, type KeyRange } from './key-range.js';
import { encodeRow } from './row-codec.js';
import { hasHiddenRowId, keyOf, type IndexSchema, type RowKey, type TableSchema } from './schema.js';
import { uniqueProbeKey, uniqueViolation } from './secondary-index.js';
import { checkRow, pkTypes, type Store, type WriteTx } from './store.js';

/** Rows (new, changed or deleted keys) one transaction block may hold before its statement fails with 54000. */
export const WRITE_SET_ROWS_MAX = 1_000_000;
/** Estimated bytes of the rows one transaction block may hold. */
export const WRITE_SET_BYTES_MAX = 256 * 1024 * 1024;
/** Estimated bytes a held row costs beyond its values (entry, key, arrays). */
const ENTRY_OVERHEAD_BYTES = 96;

/** What the store held for a key when the block first wrote it. */
type Base =
  /** The committed row, encoded (compared byte for byte at COMMIT). */
  | Buffer
  /** No row had the key. */
  | null
  /** A row of a table keyed by hidden row ids, new in this block: it gets its row id at COMMIT. */
  | 'new';

interface Entry {
  readonly key: RowKey;
  /** The row as this block leaves it; null when the block deleted it. */
  readonly row: Value[] | null;
  readonly base: Base;
  readonly bytes: number;
}

interface TableWrites {
  readonly table: TableSchema;
  readonly entries: Map<string, Entry>;
  /**
   * Per unique index (by id), built on its first check: the held rows by their values in it
   * (uniqueProbeKey as latin1 → keys of held rows), kept in step with `entries`.
   */
  readonly held: Map<number, { readonly index: IndexSchema; readonly byValue: Map<string, Set<string>> }>;
}

/** One change the undo log can take back: the entry a key had before (undefined: none). */
interface UndoStep {
  readonly tableId: number;
  readonly ks: string;
  readonly previous: Entry | undefined;
}

function estimateBytes(row: readonly Value[] | null): number {
  let n = ENTRY_OVERHEAD_BYTES;
  if (row === null) return n;
  for (const v of row) {
    if (typeof v === 'string') n += 16 + 2 * v.length;
    else if (v instanceof Numeric || v instanceof Interval) n += 48;
    else n += 8;
  }
  return n;
}

function keyString(table: TableSchema, key: RowKey): string {
  // Partition 0 for every key: the write set needs identity, not placement.
  return encodeKey(table.id, 0, pkTypes(table), key).toString('latin1');
}

function limitExceeded(what: string): EonError {
  return new EonError('program_limit_exceeded', `the transaction block holds more than ${what} of uncommitted writes`, {
    hint: 'Commit in smaller transactions, or load large data with COPY or INSERT outside a transaction block.',
  });
}

export class WriteSet {
  private readonly tables = new Map<number, TableWrites>();
  private rows = 0;
  private bytes = 0;
  /** Open marks (savepoints, the running statement): while any is open, changes are logged to undo. */
  private marks = 0;
  private readonly undo: UndoStep[] = [];
  /** Temporary keys of new rows of hidden-row-id tables count down from -1 (real row ids are ≥ 0). */
  private tempRowId = 0n;

  constructor(
    private readonly store: Store,
    private readonly limits: { readonly rowsMax: number; readonly bytesMax: number } = { rowsMax: WRITE_SET_ROWS_MAX, bytesMax: WRITE_SET_BYTES_MAX },
  ) {}

  /** Keys held (new, changed or deleted). */
  get size(): number {
    return this.rows;
  }

  /** Whether reads of `table` must see this write set (then its scans run on the coordinator). */
  touches(table: TableSchema): boolean {
    return (this.tables.get(table.id)?.entries.size ?? 0) > 0;
  }

  /** Tables with held writes. */
  tablesWritten(): TableSchema[] {
    return [...this.tables.values()].filter((t) => t.entries.size > 0).map((t) => t.table);
  }

  /** The row at key as this block sees it. */
  get(table: TableSchema, key: RowKey): Value[] | undefined {
    const e = this.tables.get(table.id)?.entries.get(keyString(table, key));
    if (e === undefined) return this.store.get(table, key);
    return e.row === null ? undefined : e.row.slice();
  }

  /** Every row of `table` as this block sees it: committed rows it did not write, then its own. */
  *scanRows(table: TableSchema): Generator<{ key: RowKey; row: Value[] }> {
    const entries = this.tables.get(table.id)?.entries;
    if (entries === undefined || entries.size === 0) {
      yield* this.store.scanRows(table);
      return;
    }
    // Snapshot the held rows first: the caller may write to this block while it iterates.
    const own = [...entries.values()].filter((e) => e.row !== null).map((e) => ({ key: e.key, row: e.row!.slice() }));
    for (const r of this.store.scanRows(table)) {
      if (!entries.has(keyString(table, r.key))) yield r;
    }
    yield* own;
  }

  /** The rows of a primary-key range as this block sees it (Store.rowsInKeyRange, overlaid). */
  rowsInKeyRange(table: TableSchema, range: KeyRange): { key: RowKey; row: Value[] }[] {
    const committed = this.store.rowsInKeyRange(table, range);
    const entries = this.tables.get(table.id)?.entries;
    if (entries === undefined || entries.size === 0) return committed;
    const out = committed.filter((r) => !entries.has(keyString(table, r.key)));
    // Held keys are encoded for partition 0 (keyString): compare them with that partition's range.
    const { start, end } = keyRangeBytes(table, 0, range);
    const lo = start.toString('latin1');
    const hi = end.toString('latin1');
    for (const [ks, e] of entries) if (e.row !== null && ks >= lo && ks < hi) out.push({ key: e.key, row: e.row.slice() });
    return out;
  }

  /** As Store.scanValues (rows in table column order), overlaid. */
  *scanValues(table: TableSchema): Generator<Value[]> {
    for (const { row } of this.scanRows(table)) yield row;
  }

  /** A WriteTx whose writes go into this set (its reads see them, then the store). */
  tx(): WriteTx {
    return {
      insert: (table, row) => this.insertReturningKey(table, row) !== undefined,
      insertReturningKey: (table, row) => this.insertReturningKey(table, row),
      get: (table, key) => this.get(table, key),
      replace: (table, key, row) => this.replace(table, key, row),
      delete: (table, key) => this.delete(table, key),
      uniqueConflict: (table, index, row) => this.uniqueConflict(table, index, row, null),
    };
  }

  /**
   * The key of the row this block sees whose values in unique `index` equal `row`'s, other than
   * the row held under `except`: a committed holder the block left alone, or a row the block
   * wrote (found by a walk over the table's held rows).
   */
  private uniqueConflict(table: TableSchema, index: IndexSchema, row: readonly Value[], except: string | null): RowKey | undefined {
    const probe = uniqueProbeKey(table, index, row);
    if (probe === null) return undefined;
    const entries = this.tables.get(table.id)?.entries;
    const holder = this.store.uniqueHolder(table, index, row);
    if (holder !== undefined) {
      let key: RowKey | undefined;
      if (hasHiddenRowId(table)) key = [decodeRowIdKey(holder)];
      else {
        const stored = this.store.rowAt(table, holder);
        key = stored === undefined ? undefined : keyOf(table, stored);
      }
      if (key !== undefined) {
        const ks = keyString(table, key);
        if (ks !== except && entries?.has(ks) !== true) return key;
      }
    }
    const tw = this.tables.get(table.id);
    if (tw === undefined || tw.entries.size === 0) return undefined;
    for (const ks of heldByValue(tw, index).get(probe.toString('latin1')) ?? []) {
      const e = tw.entries.get(ks);
      if (ks !== except && e !== undefined && e.row !== null) return e.key;
    }
    return undefined;
  }

  /** 23505 when `row` would duplicate a unique index's key among the rows this block sees. */
  private checkUnique(table: TableSchema, row: readonly Value[], except: string | null): void {
    for (const index of this.store.indexesOf(table)) {
      if (index.unique && this.uniqueConflict(table, index, row, except) !== undefined) throw uniqueViolation(table, index, row);
    }
  }

  /** Opens a mark: changes from here on can be taken back with rollbackTo until it is released. */
  mark(): number {
    this.marks++;
    return this.undo.length;
  }

  /** Takes back every change made after `mark` (which stays open). */
  rollbackTo(mark: number): void {
    while (this.undo.length > mark) {
      const step = this.undo.pop()!;
      const tw = this.tables.get(step.tableId)!;
      this.account(tw.entries.get(step.ks), step.previous);
      setEntry(tw, step.ks, step.previous);
    }
  }

  /** Closes one mark; with none left open, the undo log is dropped. */
  release(): void {
    if (this.marks === 0) throw new Error('WriteSet.release without an open mark');
    this.marks--;
    if (this.marks === 0) this.undo.length = 0;
  }

  /** Forgets every held write of a table (dropped by this block). */
  forgetTable(tableId: number): void {
    const tw = this.tables.get(tableId);
    if (tw === undefined) return;
    for (const [ks, e] of tw.entries) this.put(tw, ks, undefined, e);
  }

  /**
   * Applies every held write inside `tx` (one store write: all or nothing). A key whose committed
   * row changed since this block first wrote it fails the whole commit with 40001 (first committer
   * wins); a new key another transaction committed meanwhile fails it with 23505.
   */
  applyTo(tx: WriteTx): void {
    for (const { table, entries } of this.tables.values()) {
      if (entries.size === 0) continue;
      if (this.store.getTable(table.name)?.id !== table.id) {
        throw new EonError('serialization_failure', `could not serialize access: relation "${table.name}" was dropped concurrently`);
      }
      // Deletes first, then changes, then new rows: a row may take over unique values another row
      // of the block gave up, and the store checks uniqueness change by change.
      const ordered = [...entries.values()].sort((a, b) => applyRank(a) - applyRank(b));
      for (const e of ordered) {
        if (e.base === 'new') {
          if (e.row !== null) tx.insert(table, e.row.slice());
          continue;
        }
        const current = tx.get(table, e.key);
        if (e.base === null) {
          if (current !== undefined) throw duplicateKey(table, e.key);
          if (e.row !== null && !tx.insert(table, e.row.slice())) throw duplicateKey(table, e.key);
          continue;
        }
        if (current === undefined || !encodeRow(current).equals(e.base)) {
          throw new EonError('serialization_failure', 'could not serialize access due to concurrent update', {
            detail: `A row of "${table.name}" this transaction wrote was changed or deleted by another transaction that committed first.`,
            hint: 'Retry the transaction.',
          });
        }
        if (e.row === null) tx.delete(table, e.key);
        else tx.replace(table, e.key, e.row.slice());
      }
    }
  }

  // ---- changes ----

  private tableWrites(table: TableSchema): TableWrites {
    let tw = this.tables.get(table.id);
    if (tw === undefined) {
      tw = { table, entries: new Map(), held: new Map() };
      this.tables.set(table.id, tw);
    }
    return tw;
  }

  private account(removed: Entry | undefined, added: Entry | undefined): void {
    this.rows += (added === undefined ? 0 : 1) - (removed === undefined ? 0 : 1);
    this.bytes += (added?.bytes ?? 0) - (removed?.bytes ?? 0);
  }

  /** Sets (or with undefined removes) the entry of ks, logging the change while a mark is open. */
  private put(tw: TableWrites, ks: string, next: Entry | undefined, previous: Entry | undefined): void {
    if (next !== undefined) {
      const { rowsMax, bytesMax } = this.limits;
      const rows = this.rows + (previous === undefined ? 1 : 0);
      if (rows > rowsMax) throw limitExceeded(`${rowsMax} rows`);
      if (this.bytes + next.bytes - (previous?.bytes ?? 0) > bytesMax) throw limitExceeded(`${Math.round(bytesMax / (1024 * 1024))} MB`);
      if (this.marks > 0 && this.undo.length >= rowsMax) throw limitExceeded(`${rowsMax} changes since its oldest savepoint`);
    }
    if (this.marks > 0) this.undo.push({ tableId: tw.table.id, ks, previous });
    this.account(previous, next);
    setEntry(tw, ks, next);
  }

  private committedBase(table: TableSchema, key: RowKey): Buffer | null {
    const stored = this.store.get(table, key);
    return stored === undefined ? null : encodeRow(stored);
  }

  private insertReturningKey(table: TableSchema, row: Value[]): RowKey | undefined {
    checkRow(table, row);
    const tw = this.tableWrites(table);
    if (hasHiddenRowId(table)) {
      this.checkUnique(table, row, null);
      const key = [--this.tempRowId];
      this.put(tw, keyString(table, key), { key, row, base: 'new', bytes: estimateBytes(row) }, undefined);
      return key;
    }
    const key = keyOf(table, row);
    const ks = keyString(table, key);
    const held = tw.entries.get(ks);
    if (held !== undefined) {
      if (held.row !== null) return undefined;
      this.checkUnique(table, row, ks);
      this.put(tw, ks, { ...held, row, bytes: estimateBytes(row) }, held);
      return key;
    }
    const base = this.committedBase(table, key);
    if (base !== null) return undefined;
    this.checkUnique(table, row, ks);
    this.put(tw, ks, { key, row, base, bytes: estimateBytes(row) }, undefined);
    return key;
  }

  private replace(table: TableSchema, key: RowKey, row: Value[]): void {
    checkRow(table, row);
    if (!hasHiddenRowId(table)) {
      const newKey = keyOf(table, row);
      if (keyString(table, newKey) !== keyString(table, key)) {
        this.delete(table, key);
        if (this.insertReturningKey(table, row) === undefined) throw duplicateKey(table, newKey);
        return;
      }
    }
    const tw = this.tableWrites(table);
    const ks = keyString(table, key);
    this.checkUnique(table, row, ks);
    const held = tw.entries.get(ks);
    if (held !== undefined) this.put(tw, ks, { ...held, row, bytes: estimateBytes(row) }, held);
    else this.put(tw, ks, { key, row, base: this.committedBase(table, key), bytes: estimateBytes(row) }, undefined);
  }

  private delete(table: TableSchema, key: RowKey): boolean {
    const tw = this.tableWrites(table);
    const ks = keyString(table, key);
    const held = tw.entries.get(ks);
    if (held !== undefined) {
      if (held.row === null) return false;
      // A key this block created: deleting it leaves nothing to write.
      if (held.base === null || held.base === 'new') this.put(tw, ks, undefined, held);
      else this.put(tw, ks, { ...held, row: null, bytes: estimateBytes(null) }, held);
      return true;
    }
    const base = this.committedBase(table, key);
    if (base === null) return false;
    this.put(tw, ks, { key, row: null, base, bytes: estimateBytes(null) }, undefined);
    return true;
  }
}

/** The held rows of a table by their values in unique `index`, built on first use. */
function heldByValue(tw: TableWrites, index: IndexSchema): Map<string, Set<string>> {
  let h = tw.held.get(index.id);
  if (h === undefined || h.index.columns.join() !== index.columns.join()) {
    h = { index, byValue: new Map() };
    for (const [ks, e] of tw.entries) noteHeld(tw.table, h, ks, e.row, 1);
    tw.held.set(index.id, h);
  }
  return h.byValue;
}

function noteHeld(table: TableSchema, h: { readonly index: IndexSchema; readonly byValue: Map<string, Set<string>> }, ks: string, row: readonly Value[] | null, change: 1 | -1): void {
  if (row === null) return;
  const probe = uniqueProbeKey(table, h.index, row);
  if (probe === null) return;
  const value = probe.toString('latin1');
  let keys = h.byValue.get(value);
  if (change === 1) {
    if (keys === undefined) h.byValue.set(value, (keys = new Set()));
    keys.add(ks);
  } else if (keys !== undefined) {
    keys.delete(ks);
    if (keys.size === 0) h.byValue.delete(value);
  }
}

/** Sets (undefined: removes) a held entry, keeping the per-index value maps in step. */
function setEntry(tw: TableWrites, ks: string, next: Entry | undefined): void {
  const before = tw.entries.get(ks);
  for (const h of tw.held.values()) {
    noteHeld(tw.table, h, ks, before?.row ?? null, -1);
    noteHeld(tw.table, h, ks, next?.row ?? null, 1);
  }
  if (next === undefined) tw.entries.delete(ks);
  else tw.entries.set(ks, next);
}

function applyRank(e: Entry): number {
  if (e.row === null) return 0;
  return e.base === null || e.base === 'new' ? 2 : 1;
}

function duplicateKey(table: TableSchema, key: RowKey): EonError {
  return new EonError('unique_violation', `duplicate key value violates unique constraint "${table.name}_pkey"`, {
    detail: `Key (${table.primaryKey.map((o) => table.columns[o]!.name).join(', ')})=(${key.map((v, i) => (v === null ? 'null' : formatText(table.columns[table.primaryKey[i]!]!.type, v))).join(', ')}) already exists.`,
  });
}
