// One open transaction block (BEGIN … COMMIT/ROLLBACK): its write set, its savepoints and the
// tables it created, which ROLLBACK drops again. Isolation: each statement reads the latest
// committed rows plus the block's own writes; COMMIT is first-committer-wins on written keys.

import type { TableDdl } from '../statements/ddl.js';
import { EonError } from '../../src/errors/index.js';
import type { Store, TableSchema } from '../../storage/index.js';
import { WriteSet } from '../../storage/write-set.js';
import { BULK_INSERT_ROWS_MIN } from '../statements/dml.js';
import { undoViewChanges, viewUndoMark } from '../statements/views.js';
import { writeQuorumFor, type StatementQuorum } from '../execute/statement-quorum.js';

/** Isolation levels eon provides (PostgreSQL runs READ UNCOMMITTED as READ COMMITTED too). */
const ISOLATION_PROVIDED = new Set(['read committed', 'read uncommitted']);

/** Refuses an isolation level stronger than eon provides, rather than silently giving a weaker one. */
export function checkIsolationLevel(level: string): void {
  const l = level.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
  if (ISOLATION_PROVIDED.has(l)) return;
  if (l === 'serializable' || l === 'repeatable read') {
    throw new EonError('feature_not_supported', `isolation level ${l.toUpperCase()} is not supported`, {
      detail: 'eon provides READ COMMITTED: each statement reads the latest committed rows plus its own transaction\'s writes, and a transaction whose written rows another transaction changed and committed first fails at COMMIT with 40001.',
      hint: 'Use the default READ COMMITTED and retry transactions that fail with SQLSTATE 40001.',
    });
  }
  throw new EonError('invalid_parameter_value', `invalid value for parameter "transaction_isolation": "${level}"`);
}

interface Savepoint {
  readonly name: string;
  /** The write set's undo mark. */
  readonly mark: number;
  /** How many tables the block had created when the savepoint was taken. */
  readonly created: number;
  /** The length of the block's view undo log then (query/statements/views.ts). */
  readonly views: number;
}

export class TransactionBlock {
  readonly writes: WriteSet;
  private readonly created: TableSchema[] = [];
  private readonly savepoints: Savepoint[] = [];

  constructor(
    private readonly store: Store,
    /** Drops the tables a rolled-back block created, wherever CREATE TABLE put them. */
    private readonly ddl: TableDdl,
  ) {
    this.writes = new WriteSet(store);
  }

  savepoint(name: string): void {
    this.savepoints.push({ name, mark: this.writes.mark(), created: this.created.length, views: viewUndoMark(this.writes) });
  }

  /** ROLLBACK TO: undoes everything after the newest savepoint of that name, which stays. */
  async rollbackTo(name: string): Promise<boolean> {
    const at = this.find(name);
    const sp = this.savepoints[at]!;
    this.writes.rollbackTo(sp.mark);
    for (let i = this.savepoints.length - 1; i > at; i--) {
      this.savepoints.pop();
      this.writes.release();
    }
    // Views first: a view made in the block may read a table made in the block.
    const views = await undoViewChanges(this.writes, this.ddl, this.store, sp.views);
    return (await this.dropCreated(sp.created)) || views;
  }

  /** RELEASE: forgets the newest savepoint of that name and every one after it; writes stay. */
  release(name: string): void {
    const at = this.find(name);
    while (this.savepoints.length > at) {
      this.savepoints.pop();
      this.writes.release();
    }
  }

  private find(name: string): number {
    for (let i = this.savepoints.length - 1; i >= 0; i--) if (this.savepoints[i]!.name === name) return i;
    throw new EonError('invalid_savepoint_specification', `savepoint "${name}" does not exist`);
  }

  /** A table CREATE TABLE made in this block: ROLLBACK drops it again. */
  noteCreated(table: TableSchema): void {
    this.created.push(table);
  }

  /**
   * DROP TABLE cannot be undone, so in a block it may drop a table this block created after its
   * newest savepoint (rolling back then has nothing to restore), or any table while the block has
   * changed nothing yet (it then takes effect at once, as if run just before BEGIN: a later
   * ROLLBACK does not bring it back). Anything else would make ROLLBACK lie: refused with 0A000.
   */
  checkDrop(table: TableSchema): void {
    const newest = this.savepoints[this.savepoints.length - 1]?.created ?? 0;
    const at = this.created.findIndex((t) => t.id === table.id);
    if (at >= 0 && at >= newest) return;
    if (this.writes.size === 0 && this.created.length === 0 && this.savepoints.length === 0) return;
    throw new EonError('feature_not_supported', `DROP TABLE "${table.name}" cannot run in a transaction block that has already made changes`, {
      detail: 'eon cannot undo a DROP TABLE, so a ROLLBACK of this block could not restore the table.',
      hint: 'Drop the table before the block changes anything, or outside a transaction block (autocommit).',
    });
  }

  /** After a DROP TABLE checkDrop allowed: the table and its held rows are gone. */
  noteDropped(table: TableSchema): void {
    this.writes.forgetTable(table.id);
    const at = this.created.findIndex((t) => t.id === table.id);
    if (at >= 0) this.created.splice(at, 1);
  }

  /**
   * Applies the write set in one store write (all or nothing); throws 40001/23505 on a conflict.
   * `quorum`: the session's eon.write_quorum at COMMIT, for every table the block wrote (22023,
   * and nothing written, when it is above one's N).
   */
  async commit(quorum?: StatementQuorum): Promise<void> {
    const writes = this.writes;
    if (writes.size === 0) return;
    const writeQuorum = writeQuorumFor(writes.tablesWritten(), quorum);
    await this.store.write((tx) => writes.applyTo(tx), { bulk: writes.size >= BULK_INSERT_ROWS_MIN, ...(writeQuorum === undefined ? {} : { writeQuorum }) });
  }

  /** Discards the write set and drops the tables the block created; true if it dropped any. */
  async rollback(): Promise<boolean> {
    const views = await undoViewChanges(this.writes, this.ddl, this.store, 0);
    return (await this.dropCreated(0)) || views;
  }

  private async dropCreated(keep: number): Promise<boolean> {
    const dropped = this.created.length > keep;
    while (this.created.length > keep) {
      const t = this.created.pop()!;
      if (this.store.getTable(t.name)?.id === t.id) await this.ddl.dropTable(t.name);
    }
    return dropped;
  }
}
