// The fragment.run request and its reply: a fragment task (a kernel over some partitions of one
// table) sent to a node that serves those partitions, run by its data engines, its result sent
// back. The header is msgpack and versioned; the task and the result travel as attachments in
// V8's serialization (the structured clone the worker pool uses too: bigint constants, Sets of
// key-filter values, typed arrays of broadcast hash tables, Arrow IPC bytes). Both are validated
// on arrival; only authenticated peers (the cluster secret) can send either. A task's arguments
// past FRAGMENT_ARGS_INLINE_BYTES_MAX (hashed build sides, key filters) go once per node and
// statement in a fragment.args request, and the tasks name them (`argsRef`) instead of carrying them.

import { deserialize, serialize } from 'node:v8';
import { EonError } from '../../errors/index.js';
import type { FragmentTask } from '../../../storage/index.js';

/** The RPC request type a node answers by running a fragment task on its data engines. */
export const FRAGMENT_RUN_RPC_TYPE = 'fragment.run';
/** The request type that leaves a task's arguments at a node for the tasks that name them. */
export const FRAGMENT_ARGS_RPC_TYPE = 'fragment.args';
export const FRAGMENT_PROTOCOL_VERSION = 2;
/** Arguments up to this many bytes travel inside each task; larger ones once per node (fragment.args). */
export const FRAGMENT_ARGS_INLINE_BYTES_MAX = 64 * 1024;
const ARGS_ID_CHARS_MAX = 64;
const TABLE_NAME_CHARS_MAX = 1024;
const TABLE_SHAPE_CHARS_MAX = 64 * 1024;

export interface RunRequest {
  readonly kind: 'run';
  readonly v: typeof FRAGMENT_PROTOCOL_VERSION;
  readonly table: string;
  /** tableShape() on the coordinator: a node runs the task only on a table of the same shape. */
  readonly shape: string;
  /** Arguments left at the node by fragment.args (the task's own are then empty). */
  readonly argsRef?: string;
}

export interface ArgsRequest {
  readonly kind: 'args';
  readonly v: typeof FRAGMENT_PROTOCOL_VERSION;
  readonly id: string;
}

/** Why a node did not run a task; each lets the coordinator ask another replica (or split it). */
export type RunRefusal = 'unknown-table' | 'different-shape' | 'not-serving' | 'result-too-large' | 'overloaded' | 'args-unknown';
const REFUSALS: readonly RunRefusal[] = ['unknown-table', 'different-shape', 'not-serving', 'result-too-large', 'overloaded', 'args-unknown'];

export type RunReply =
  | { readonly kind: 'result'; readonly v: typeof FRAGMENT_PROTOCOL_VERSION }
  | { readonly kind: 'refused'; readonly v: typeof FRAGMENT_PROTOCOL_VERSION; readonly reason: RunRefusal; readonly detail: string };

/** A task without its table id: ids are per node, the table is named in the request. */
export type FragmentWork = Omit<FragmentTask, 'tableId'>;

function malformed(what: string): EonError {
  return new EonError('protocol_violation', `malformed ${FRAGMENT_RUN_RPC_TYPE} message: ${what}`);
}

function record(x: unknown, what: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || x instanceof Uint8Array) throw malformed(`${what} is not a map`);
  return x as Record<string, unknown>;
}

function checkVersion(m: Record<string, unknown>): void {
  if (m.v !== FRAGMENT_PROTOCOL_VERSION) throw malformed(`protocol version ${String(m.v)}, this node speaks ${FRAGMENT_PROTOCOL_VERSION}`);
}

function text(x: unknown, what: string, max: number): string {
  if (typeof x !== 'string' || x.length === 0 || x.length > max) throw malformed(`${what} is not a string of 1..${max} characters`);
  return x;
}

export function runRequest(table: string, shape: string, argsRef?: string): RunRequest {
  return { kind: 'run', v: FRAGMENT_PROTOCOL_VERSION, table, shape, ...(argsRef === undefined ? {} : { argsRef }) };
}

export function parseRunRequest(body: unknown): RunRequest {
  const m = record(body, 'request');
  if (m.kind !== 'run') throw malformed(`kind ${String(m.kind)}, expected run`);
  checkVersion(m);
  const argsRef = m.argsRef === undefined ? undefined : text(m.argsRef, 'argsRef', ARGS_ID_CHARS_MAX);
  return runRequest(text(m.table, 'table', TABLE_NAME_CHARS_MAX), text(m.shape, 'shape', TABLE_SHAPE_CHARS_MAX), argsRef);
}

export function argsRequest(id: string): ArgsRequest {
  return { kind: 'args', v: FRAGMENT_PROTOCOL_VERSION, id };
}

export function parseArgsRequest(body: unknown): ArgsRequest {
  const m = record(body, 'request');
  if (m.kind !== 'args') throw malformed(`kind ${String(m.kind)}, expected args`);
  checkVersion(m);
  return argsRequest(text(m.id, 'id', ARGS_ID_CHARS_MAX));
}

/** A task's arguments as fragment.args carries them. */
export function encodeArgs(args: readonly unknown[]): Uint8Array {
  return serialize(args);
}

/** The value an attachment carries (`what` names it in the refusal when it is missing or undecodable). */
function attachment(bytes: Uint8Array | undefined, what: string): unknown {
  if (bytes === undefined) throw malformed(`no ${what} attachment`);
  try {
    return deserialize(bytes);
  } catch (e) {
    throw malformed(`undecodable ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function decodeArgs(bytes: Uint8Array | undefined): unknown[] {
  const value = attachment(bytes, 'arguments');
  if (!Array.isArray(value)) throw malformed('arguments are not a list');
  return value;
}

export function parseRunReply(body: unknown): RunReply {
  const m = record(body, 'reply');
  checkVersion(m);
  if (m.kind === 'result') return { kind: 'result', v: FRAGMENT_PROTOCOL_VERSION };
  if (m.kind !== 'refused') throw malformed(`kind ${String(m.kind)}, expected result or refused`);
  const reason = REFUSALS.find((r) => r === m.reason);
  if (reason === undefined) throw malformed(`refusal reason ${String(m.reason)}`);
  return { kind: 'refused', v: FRAGMENT_PROTOCOL_VERSION, reason, detail: typeof m.detail === 'string' ? m.detail : '' };
}

export function encodeWork(task: FragmentTask): Uint8Array {
  const { tableId: _id, ...work } = task;
  return serialize(work);
}

/** The task an attachment carries, checked for its shape (the worker checks its contents again). */
export function decodeWork(bytes: Uint8Array | undefined, partitions: number): FragmentWork {
  const w = record(attachment(bytes, 'task'), 'task');
  const ints = (x: unknown, what: string, max: number): number[] => {
    if (!Array.isArray(x) || !x.every((v) => Number.isInteger(v) && v >= 0 && v < max)) throw malformed(`${what} are not integers in 0..${max - 1}`);
    return x as number[];
  };
  const parts = ints(w.partitions, 'partitions', partitions);
  if (parts.length === 0 || new Set(parts).size !== parts.length) throw malformed('partitions are empty or repeated');
  ints(w.columns, 'columns', 1 << 16);
  if (typeof w.kernel !== 'string') throw malformed('kernel is not a string');
  if (!Array.isArray(w.args)) throw malformed('args are not a list');
  if (w.prune !== undefined && !Array.isArray(w.prune)) throw malformed('prune is not a list');
  return w as unknown as FragmentWork;
}

export function encodeResult(result: unknown): Uint8Array {
  return serialize(result);
}

export function decodeResult(bytes: Uint8Array | undefined): unknown {
  return attachment(bytes, 'result');
}
