// A node's side of fragment.run: finds the table by name and shape, checks it serves every
// partition the task names (a node never answers for a partition from rows it merely holds), runs
// the task on its own data engines and sends the result back. Counted for the node's stats.

import { getHeapStatistics } from 'node:v8';
import { FRAME_BYTES_MAX } from '../rpc/frame.js';
import { RpcReply } from '../rpc/index.js';
import type { FragmentTask, TableSchema } from '../../../storage/index.js';
import { tableShape } from '../replication/table-quorum.js';
import { FRAGMENT_PROTOCOL_VERSION, decodeArgs, decodeWork, encodeResult, parseArgsRequest, parseRunRequest, type RunRefusal, type RunReply } from './messages.js';

/** Result bytes one reply may carry: a frame's limit less room for the header. */
export const FRAGMENT_RESULT_BYTES_MAX = FRAME_BYTES_MAX - 64 * 1024;
/**
 * Other nodes' tasks a node runs or queues at once; past it a task is refused as overloaded (the
 * coordinator asks another replica) rather than queued without bound behind its own statements.
 */
export const FRAGMENTS_IN_FLIGHT_MAX = 64;
/**
 * Share of its heap limit a node may be using and still take other nodes' tasks: past it a task
 * is refused as overloaded (the coordinator asks another replica, or fails with 53000), so a node
 * short of memory sheds remote work before its own statements fail or the process dies.
 */
export const FRAGMENT_HEAP_FRACTION_MAX = 0.85;
/** Task arguments (fragment.args) a node keeps at once, and their bytes; the least recently used go first past either. */
export const FRAGMENT_ARGS_KEPT_MAX = 64;
export const FRAGMENT_ARGS_KEPT_BYTES_MAX = 256 * 1024 * 1024;
/** How long kept arguments stay after their last use: a statement's tasks follow them within it. */
export const FRAGMENT_ARGS_KEPT_MS = 60_000;

/** What the server needs of its node. */
export interface FragmentHost {
  readonly partitions: number;
  getTable(name: string): TableSchema | undefined;
  /** Whether this node serves reads of the partition (Store.servesPartition). */
  serves(table: TableSchema, partition: number): boolean;
  /** Runs a task on this node's data engines (DataEnginePool.run). */
  run(task: FragmentTask, signal: AbortSignal): Promise<unknown>;
  /** Why the node is short of memory now (heapPressure), or null. */
  memoryPressure(): string | null;
}

/** Whether this process uses more than `fraction` of its heap limit: the figures, or null. */
export function heapPressure(fraction: number = FRAGMENT_HEAP_FRACTION_MAX): string | null {
  const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
  return used > limit * fraction ? `its heap holds ${Math.round(used / 2 ** 20)} MiB of its ${Math.round(limit / 2 ** 20)} MiB limit` : null;
}

export class FragmentStats {
  answered = 0;
  refused = 0;
  /** Refused because FRAGMENTS_IN_FLIGHT_MAX were running or the heap was past FRAGMENT_HEAP_FRACTION_MAX. */
  overloaded = 0;
  malformed = 0;
  /** Result bytes sent back to coordinators. */
  bytesSent = 0;
}

export class FragmentServer {
  private inFlight = 0;
  /** Arguments left by fragment.args, by id, oldest first (Map order), with their last use. */
  private readonly kept = new Map<string, { args: unknown[]; bytes: number; usedAtMs: number }>();
  private keptBytes = 0;

  constructor(
    private readonly host: FragmentHost,
    private readonly stats: FragmentStats,
    private readonly resultBytesMax: number = FRAGMENT_RESULT_BYTES_MAX,
    private readonly inFlightMax: number = FRAGMENTS_IN_FLIGHT_MAX,
  ) {}

  /** Answers one fragment.args request: keeps the arguments for the tasks that will name them. */
  keep(body: unknown, attachment: Uint8Array | undefined, nowMs: number = Date.now()): { kind: 'kept'; v: number } {
    let id: string;
    let args: unknown[];
    try {
      id = parseArgsRequest(body).id;
      args = decodeArgs(attachment);
    } catch (e) {
      this.stats.malformed++;
      throw e;
    }
    const bytes = attachment!.byteLength;
    this.drop(id);
    for (const [k, entry] of this.kept) {
      const full = this.kept.size >= FRAGMENT_ARGS_KEPT_MAX || this.keptBytes + bytes > FRAGMENT_ARGS_KEPT_BYTES_MAX;
      if (nowMs - entry.usedAtMs > FRAGMENT_ARGS_KEPT_MS || full) this.drop(k);
      else break;
    }
    this.kept.set(id, { args, bytes, usedAtMs: nowMs });
    this.keptBytes += bytes;
    return { kind: 'kept', v: FRAGMENT_PROTOCOL_VERSION };
  }

  private drop(id: string): void {
    const entry = this.kept.get(id);
    if (entry === undefined) return;
    this.kept.delete(id);
    this.keptBytes -= entry.bytes;
  }

  /** Answers one fragment.run request: a RunReply, with the result as the attachment. */
  async answer(body: unknown, attachment: Uint8Array | undefined, signal: AbortSignal): Promise<RpcReply | RunReply> {
    let work;
    let request;
    try {
      request = parseRunRequest(body);
      work = decodeWork(attachment, this.host.partitions);
    } catch (e) {
      this.stats.malformed++;
      throw e;
    }
    if (request.argsRef !== undefined) {
      const entry = this.kept.get(request.argsRef);
      if (entry === undefined) return this.refuse('args-unknown', `no arguments ${request.argsRef} kept here`);
      entry.usedAtMs = Date.now();
      // Most recently used last: the sweep in keep() drops from the front.
      this.kept.delete(request.argsRef);
      this.kept.set(request.argsRef, entry);
      work = { ...work, args: entry.args };
    }
    const table = this.host.getTable(request.table);
    if (table === undefined) return this.refuse('unknown-table', `no table "${request.table}" here`);
    if (tableShape(table) !== request.shape) return this.refuse('different-shape', `table "${request.table}" has another shape here`);
    const unserved = work.partitions.filter((p) => !this.host.serves(table, p));
    if (unserved.length > 0) return this.refuse('not-serving', `this node does not serve partition ${unserved.join(', ')} of "${table.name}"`);
    if (this.inFlight >= this.inFlightMax) {
      this.stats.overloaded++;
      return this.refuse('overloaded', `this node runs ${this.inFlight} fragments of other nodes already`);
    }
    const pressure = this.host.memoryPressure();
    if (pressure !== null) {
      this.stats.overloaded++;
      return this.refuse('overloaded', `this node is short of memory: ${pressure}`);
    }
    this.inFlight++;
    let result: unknown;
    try {
      result = await this.host.run({ ...work, tableId: table.id }, signal);
    } finally {
      this.inFlight--;
    }
    const bytes = encodeResult(result);
    if (bytes.byteLength > this.resultBytesMax) return this.refuse('result-too-large', `the result is ${bytes.byteLength} bytes, more than ${this.resultBytesMax}`);
    this.stats.answered++;
    this.stats.bytesSent += bytes.byteLength;
    return new RpcReply({ kind: 'result', v: FRAGMENT_PROTOCOL_VERSION } satisfies RunReply, bytes);
  }

  private refuse(reason: RunRefusal, detail: string): RunReply {
    this.stats.refused++;
    return { kind: 'refused', v: FRAGMENT_PROTOCOL_VERSION, reason, detail };
  }
}
