// The message a data-engine task carries from the coordinator to a worker, and its validation.

import { EonError } from '../src/errors/index.js';
import type { ZonePredicate } from './column-vector.js';

export const FRAGMENT_TASK_VERSION = 1;
/** What a worker posts once its module is loaded (see DataEnginePool.close). */
export const WORKER_READY_MESSAGE = 'eon-data-engine-ready';

export interface FragmentTask {
  tableId: number;
  /** Partitions scanned one after another; the kernel sees all their batches in one run. */
  partitions: number[];
  columns: number[];
  prune?: ZonePredicate[];
  /** Body of `function (batches, args, lib)`; compiled once per distinct source in each worker. */
  kernel: string;
  args: unknown[];
}

/** What crosses the thread boundary: the task, the storage dir and a version. */
export interface FragmentMessage {
  v: number;
  dir: string;
  task: FragmentTask;
}

const zoneOps = new Set(['=', '<', '<=', '>', '>=']);

export function validateFragmentMessage(m: unknown): FragmentMessage {
  const bad = (why: string): never => {
    throw new EonError('internal_error', `invalid fragment task: ${why}`);
  };
  if (typeof m !== 'object' || m === null) return bad('not an object');
  const msg = m as Partial<FragmentMessage>;
  if (msg.v !== FRAGMENT_TASK_VERSION) return bad(`version ${String(msg.v)}`);
  if (typeof msg.dir !== 'string') return bad('no dir');
  const t = msg.task;
  if (typeof t !== 'object' || t === null) return bad('no task');
  if (!Number.isInteger(t.tableId)) return bad('tableId');
  if (!Array.isArray(t.partitions) || !t.partitions.every((p) => Number.isInteger(p))) return bad('partitions');
  if (!Array.isArray(t.columns) || !t.columns.every((c) => Number.isInteger(c))) return bad('columns');
  if (typeof t.kernel !== 'string') return bad('kernel');
  if (!Array.isArray(t.args)) return bad('args');
  if (t.prune !== undefined) {
    if (!Array.isArray(t.prune)) return bad('prune');
    for (const p of t.prune) {
      if (!Number.isInteger(p.column) || !zoneOps.has(p.op) || typeof p.value !== 'number') return bad('prune predicate');
    }
  }
  return msg as FragmentMessage;
}
