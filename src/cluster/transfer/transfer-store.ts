// The node's Store as ownership transfer reads and writes it: a partition's keys come from the
// rows (delta and segment index) and from the version entries (so tombstones are handed off too),
// merged in key order.

import type { Store } from '../../../storage/store.js';
import type { TransferStore } from './ownership-transfer.js';

export function transferStore(store: Store): TransferStore {
  const env = store.reader.env;
  return {
    partitions: store.partitions,
    getTable: (name) => store.getTable(name),
    listTables: () => store.listTables(),
    keysIn: (start, end, limit) => {
      // The first `limit` keys of each source: the first `limit` of their union are among them.
      const seen = new Map<string, Buffer>();
      for (const db of [env.versions, env.delta, env.pkidx]) {
        for (const key of db.getKeys({ start, end, limit })) {
          const k = key as Buffer;
          const text = k.toString('latin1');
          if (!seen.has(text)) seen.set(text, Buffer.from(k));
        }
      }
      return [...seen.values()].sort(Buffer.compare).slice(0, limit);
    },
    versionEntryAt: (key) => env.versions.getBinary(key),
    encodedRowAt: (table, key) => store.encodedRowAt(table, key),
    applyReplicated: (fn) => store.applyReplicated(fn),
  };
}
