// Where a node keeps the cluster catalog version it applied last: a key in its consensus
// environment, written before the apply is reported done, so a restart resumes from it.

import type { RootDatabase } from 'lmdb';
import { decodeCatalog, encodeCatalog } from './catalog-document.js';
import type { AppliedCatalogStore } from './cluster-catalog.js';

const APPLIED_KEY = 'catalog.applied';

export function appliedCatalogStore(env: RootDatabase): AppliedCatalogStore {
  const db = env.openDB<string, string>({ name: 'state', encoding: 'string' });
  return {
    load() {
      const text = db.get(APPLIED_KEY);
      if (text === undefined) return undefined;
      const sep = text.indexOf('\n');
      const version = Number(text.slice(0, sep));
      const doc = sep < 0 ? null : decodeCatalog(text.slice(sep + 1));
      // A damaged record only costs a full re-apply from the register.
      return Number.isSafeInteger(version) && doc !== null ? { version, doc } : undefined;
    },
    save(applied) {
      db.putSync(APPLIED_KEY, `${applied.version}\n${encodeCatalog(applied.doc)}`);
    },
  };
}
