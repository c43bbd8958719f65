// One transaction's inserts into one partition, by encoded key: kept as a sorted array while keys
// arrive in ascending order (the usual bulk load) and as a Map once they do not.

import type { Value } from '../src/types/values.js';

export class PendingRows {
  /** Ascending keys and their rows while `map` is null. */
  private keys: string[] = [];
  private rows: Value[][] = [];
  private map: Map<string, Value[]> | null = null;

  get size(): number {
    return this.map === null ? this.keys.length : this.map.size;
  }

  /** Index of ks in the sorted array, or -1. */
  private find(ks: string): number {
    const keys = this.keys;
    // The bulk-load case: a key past the last one is not there.
    if (keys.length === 0 || keys[keys.length - 1]! < ks) return -1;
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      if (k === ks) return mid;
      if (k < ks) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private toMap(): Map<string, Value[]> {
    if (this.map === null) {
      this.map = new Map();
      for (let i = 0; i < this.keys.length; i++) this.map.set(this.keys[i]!, this.rows[i]!);
      this.keys = [];
      this.rows = [];
    }
    return this.map;
  }

  has(ks: string): boolean {
    return this.map === null ? this.find(ks) >= 0 : this.map.has(ks);
  }

  get(ks: string): Value[] | undefined {
    if (this.map !== null) return this.map.get(ks);
    const i = this.find(ks);
    return i < 0 ? undefined : this.rows[i];
  }

  /** Inserts or replaces the row at ks. */
  set(ks: string, row: Value[]): void {
    if (this.map === null) {
      const n = this.keys.length;
      if (n === 0 || this.keys[n - 1]! < ks) {
        this.keys.push(ks);
        this.rows.push(row);
        return;
      }
      const i = this.find(ks);
      if (i >= 0) {
        this.rows[i] = row;
        return;
      }
    }
    this.toMap().set(ks, row);
  }

  delete(ks: string): boolean {
    if (!this.has(ks)) return false;
    return this.toMap().delete(ks);
  }

  /** Keys in ascending (byte) order with their rows. */
  sorted(): { keys: string[]; rows: Value[][] } {
    if (this.map === null) return { keys: this.keys, rows: this.rows };
    const keys = [...this.map.keys()].sort();
    return { keys, rows: keys.map((k) => this.map!.get(k)!) };
  }
}
