// What a transaction block's SETs leave behind, by PostgreSQL's rules: ROLLBACK (or a failed
// block's end) puts the settings back as they were at BEGIN, ROLLBACK TO as they were when the
// savepoint was taken; COMMIT keeps the block's SETs and drops its SET LOCALs (and SET
// TRANSACTION), which last until the block ends either way.

import type { Settings } from './settings.js';

interface SettingsMark {
  readonly name: string;
  readonly values: ReadonlyMap<string, string>;
  /** How many kept SETs the block had made when the savepoint was taken. */
  readonly kept: number;
}

export class BlockSettings {
  private readonly atBegin: ReadonlyMap<string, string>;
  /** The block's SETs that outlive it if it commits, in order (replayed over `atBegin`). */
  private readonly kept: { readonly name: string; readonly value: string | null }[] = [];
  private readonly marks: SettingsMark[] = [];

  constructor(private readonly settings: Settings) {
    this.atBegin = settings.snapshot();
  }

  /** SET (local: SET LOCAL, SET TRANSACTION, set_config(…, true)) inside the block. */
  set(name: string, value: string | null, local: boolean): void {
    this.settings.set(name, value);
    if (!local) this.kept.push({ name, value });
  }

  /** Call after the block took the savepoint (it checks the name). */
  savepoint(name: string): void {
    this.marks.push({ name, values: this.settings.snapshot(), kept: this.kept.length });
  }

  /** Call after the block rolled back to the savepoint, which stays. */
  rollbackTo(name: string): void {
    const at = this.newest(name);
    if (at < 0) return;
    const mark = this.marks[at]!;
    this.marks.length = at + 1;
    this.kept.length = mark.kept;
    this.settings.restore(mark.values);
  }

  /** Call after the block released the savepoint (it and later ones go; their SETs stay). */
  release(name: string): void {
    const at = this.newest(name);
    if (at >= 0) this.marks.length = at;
  }

  commit(): void {
    this.settings.restore(this.atBegin);
    for (const { name, value } of this.kept) this.settings.set(name, value);
  }

  rollback(): void {
    this.settings.restore(this.atBegin);
  }

  private newest(name: string): number {
    for (let i = this.marks.length - 1; i >= 0; i--) if (this.marks[i]!.name === name) return i;
    return -1;
  }
}
