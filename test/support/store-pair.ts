// Two real Stores in temporary directories for a test file (replication and anti-entropy unit
// tests), opened before each test and closed and removed after it, and the small key-value table
// those tests create in them.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Store } from '../../storage/index.js';

/** `(id int8 PRIMARY KEY, v text)`, as Store.createTable takes it. */
export const KV_TABLE_DEF = {
  name: 'kv',
  columns: [
    { name: 'id', type: { kind: 'int8' as const }, notNull: true },
    { name: 'v', type: { kind: 'text' as const }, notNull: false },
  ],
  primaryKey: [0],
};

/** Registers the hooks; the returned function gives the current test's two stores. */
export function useStorePair(dirPrefix: string, partitions: number): () => [Store, Store] {
  let dirs: string[] = [];
  let stores: Store[] = [];
  beforeEach(() => {
    dirs = [mkdtempSync(join(tmpdir(), `${dirPrefix}-a-`)), mkdtempSync(join(tmpdir(), `${dirPrefix}-b-`))];
    stores = dirs.map((dir) => Store.open({ dir, partitions }));
  });
  afterEach(async () => {
    for (const s of stores) await s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return () => stores as [Store, Store];
}
