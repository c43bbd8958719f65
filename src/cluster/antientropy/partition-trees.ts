// The Merkle trees of this node's partition replicas, built from their version entries and kept
// until a committed write changes the partition (the store's version generation): anti-entropy
// rounds and digest reads of a partition nobody wrote since are answered without a scan.
//
// Built whole from a scan rather than kept up to date per write: a tree built while a commit is
// in flight may or may not include it, and only the generation bump after the commit says which
// trees are stale — so no write ever has to be applied to a tree it may already be in.

import type { Store, TableSchema } from '../../../storage/index.js';
import { partitionEnd, partitionPrefix } from '../../../storage/key-codec.js';
import { digest64 } from '../version/index.js';
import { MerkleTree } from './merkle-tree.js';

/** Trees kept at most (each about 8.5 KiB: 1,024 leaves and the inner levels); the least recently used go first. */
export const PARTITION_TREES_CACHED_MAX = 4096;

/** Table id bytes at the front of a stored key; trees hash keys without them (ids differ by node). */
export const TABLE_ID_BYTES = 4;

interface Cached {
  readonly generation: number;
  readonly tree: MerkleTree;
}

export class PartitionTrees {
  private readonly trees = new Map<string, Cached>();
  /** Trees built from a scan (the rest were answered from the cache). */
  built = 0;

  constructor(private readonly store: Store) {}

  /** The tree of one partition of a table as committed now. Do not change it: it is shared. */
  treeOf(table: TableSchema, partition: number): MerkleTree {
    const id = `${table.id}:${partition}`;
    const generation = this.store.versionGeneration(table.id, partition);
    const cached = this.trees.get(id);
    if (cached !== undefined) {
      this.trees.delete(id);
      if (cached.generation === generation) {
        this.trees.set(id, cached);
        return cached.tree;
      }
    }
    // The scan is synchronous: no commit's generation bump can run between it and the read above.
    const tree = new MerkleTree();
    for (const { key, value } of this.versionRange(table, partition)) tree.putFrom(key as Buffer, TABLE_ID_BYTES, digest64(value as Uint8Array));
    this.built++;
    this.trees.set(id, { generation, tree });
    if (this.trees.size > PARTITION_TREES_CACHED_MAX) this.trees.delete(this.trees.keys().next().value!);
    return tree;
  }

  /** The root of treeOf, as the decimal text replicas compare. */
  rootOf(table: TableSchema, partition: number): string {
    return this.treeOf(table, partition).root().toString();
  }

  /** The partition's version entries in key order, read in the current read transaction. */
  versionRange(table: TableSchema, partition: number) {
    return this.store.reader.env.versions.getRange({ start: partitionPrefix(table.id, partition), end: partitionEnd(table.id, partition) });
  }
}
