// Build sides split by partition: where a join pipeline probes a build side with the fact table's
// distribution key, a fact row of partition p can only meet build rows whose key hashes to p the
// same way — so a node scanning some of the fact's partitions needs only those build rows, not the
// whole side. The coordinator still computes the whole side; each other node receives its share
// (about 1/n of it) instead of all of it, so what a broadcast join sends grows with the build side,
// not with the build side times the nodes.

import type { Value } from '../../src/types/index.js';
import { partitionOfRow } from '../../storage/index.js';
import type { JoinPipeline } from './join-pipeline.js';

/**
 * Key kinds whose values equal in SQL only when they are the same JS value (so they hash alike):
 * integers by kind (int4 with int4, not with int8: one is a number, the other a bigint), dates,
 * text (compared by code point).
 */
export const CO_PARTITIONED_KINDS: ReadonlySet<string> = new Set(['int2', 'int4', 'int8', 'date', 'text', 'varchar']);

/**
 * For each build side, the fact partition its key meets (the fact table's partition function of
 * that value), or null when the side is not probed by the fact's whole distribution key (one
 * column, of the same kind as the side's key) — that side must go whole to every node.
 */
export function buildPartitioners(pipeline: JoinPipeline, partitions: number): (((key: Value) => number) | null)[] {
  const table = pipeline.fact.table;
  const dk = table.distributionKey;
  const out: (((key: Value) => number) | null)[] = pipeline.builds.map(() => null);
  if (dk.length !== 1) return out;
  const column = dk[0]!;
  const kind = table.columns[column]!.type.kind;
  if (!CO_PARTITIONED_KINDS.has(kind)) return out;
  for (const step of pipeline.steps) {
    if (step.kind !== 'probe' || step.probeKeys.length !== 1) continue;
    const probe = step.probeKeys[0]!;
    const side = pipeline.builds[step.build]!;
    if (probe.kind !== 'column' || probe.index !== column || side.keys.length !== 1 || side.keys[0]!.type.kind !== kind) continue;
    const row: Value[] = new Array<Value>(table.columns.length).fill(null);
    out[step.build] = (key) => {
      row[column] = key;
      return partitionOfRow(table, row, partitions);
    };
  }
  return out;
}
