// A session's open cursors (DECLARE … CURSOR, FETCH, MOVE, CLOSE): each holds its query's result,
// computed at DECLARE, and a read position. Cursors without HOLD end with their transaction block;
// WITH HOLD cursors outlive COMMIT but not the ROLLBACK of the block that declared them.

import { EonError } from '../../src/errors/index.js';
import type { QueryResult, ResultColumn } from './contract.js';
import type { Value } from '../../src/types/index.js';

/** Rows one cursor may hold: its result is kept in memory until CLOSE or the end of its block. */
export const CURSOR_ROWS_MAX = 1_000_000;
/** Cursors one session may have open at once. */
export const CURSORS_PER_SESSION_MAX = 64;

interface OpenCursor {
  readonly hold: boolean;
  /** Declared inside the block now open: its ROLLBACK drops the cursor even WITH HOLD. */
  inBlock: boolean;
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly Value[][];
  position: number;
}

const NONE = { rowCount: 0, columns: null, rows: [] };

function missing(name: string): EonError {
  return new EonError('invalid_cursor_name', `cursor "${name}" does not exist`);
}

export class SessionCursors {
  private readonly open = new Map<string, OpenCursor>();

  /** Throws what DECLARE of this name must fail with before its query runs. */
  checkNew(name: string): void {
    if (this.open.has(name)) throw new EonError('duplicate_cursor', `cursor "${name}" already exists`);
    if (this.open.size >= CURSORS_PER_SESSION_MAX) {
      throw new EonError('program_limit_exceeded', `a session may have at most ${CURSORS_PER_SESSION_MAX} open cursors`, { hint: 'CLOSE cursors that are no longer needed.' });
    }
  }

  declare(name: string, hold: boolean, inBlock: boolean, result: QueryResult): QueryResult {
    this.checkNew(name);
    if (result.rows.length > CURSOR_ROWS_MAX) {
      throw new EonError('program_limit_exceeded', `the query of cursor "${name}" returns more than ${CURSOR_ROWS_MAX} rows, the most a cursor holds`);
    }
    this.open.set(name, { hold, inBlock, columns: result.columns ?? [], rows: result.rows, position: 0 });
    return { command: 'DECLARE CURSOR', ...NONE };
  }

  /** The row shape FETCH from a cursor returns (null when there is no such cursor yet). */
  columnsOf(name: string): readonly ResultColumn[] | null {
    return this.open.get(name)?.columns ?? null;
  }

  /** FETCH / MOVE forward `count` rows (null: all that are left). */
  fetch(name: string, count: number | null, move: boolean): QueryResult {
    const c = this.open.get(name);
    if (c === undefined) throw missing(name);
    const end = count === null ? c.rows.length : Math.min(c.rows.length, c.position + count);
    const rows = c.rows.slice(c.position, end);
    c.position = end;
    if (move) return { command: 'MOVE', ...NONE, rowCount: rows.length };
    return { command: 'FETCH', rowCount: rows.length, columns: c.columns, rows };
  }

  close(name: string | null): QueryResult {
    if (name === null) this.open.clear();
    else if (!this.open.delete(name)) throw missing(name);
    return { command: 'CLOSE CURSOR', ...NONE };
  }

  /** The block ended: cursors without HOLD close; a ROLLBACK also drops the HOLD cursors it declared. */
  endBlock(committed: boolean): void {
    for (const [name, c] of this.open) {
      if (!c.hold || (!committed && c.inBlock)) this.open.delete(name);
      else c.inBlock = false;
    }
  }

  /** The names of the cursors the open block declared (taken before endBlock forgets that). */
  declaredInBlock(): string[] {
    return [...this.open].filter(([, c]) => c.inBlock).map(([name]) => name);
  }

  /** Drops the named cursors: those of a block whose COMMIT failed. */
  dropHeldFrom(names: readonly string[]): void {
    for (const name of names) this.open.delete(name);
  }

  clear(): void {
    this.open.clear();
  }
}
