// fragment.run: the task and result encodings, validation on arrival, and the server's refusals.
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { RpcReply } from '../../../../src/cluster/rpc/index.js';
import {
  FRAGMENT_ARGS_KEPT_MS,
  FragmentServer,
  FragmentStats,
  heapPressure,
  argsRequest,
  decodeResult,
  decodeWork,
  encodeArgs,
  encodeWork,
  parseRunReply,
  parseRunRequest,
  runRequest,
} from '../../../../src/cluster/fragments/index.js';
import { tableShape } from '../../../../src/cluster/replication/table-quorum.js';
import type { FragmentTask, TableSchema } from '../../../../storage/index.js';

const table: TableSchema = { id: 7, name: 't', columns: [{ name: 'id', type: { kind: 'int4' }, notNull: true }], primaryKey: [0], distributionKey: [0] };
const task: FragmentTask = { tableId: 7, partitions: [1, 5], columns: [0], kernel: 'return 1;', args: [12n, new Set(['x']), new Int32Array(new SharedArrayBuffer(8)).fill(3), null] };
const signal = new AbortController().signal;

function server(
  serves: (p: number) => boolean,
  resultBytesMax?: number,
  hold?: Promise<void>,
  pressure: () => string | null = () => null,
): { server: FragmentServer; stats: FragmentStats; ran: FragmentTask[] } {
  const stats = new FragmentStats();
  const ran: FragmentTask[] = [];
  const host = {
    partitions: 8,
    getTable: (name: string) => (name === 't' ? { ...table, id: 3 } : undefined),
    serves: (_t: TableSchema, p: number) => serves(p),
    run: async (t: FragmentTask) => {
      ran.push(t);
      await hold;
      return { rows: 2, ipc: new Uint8Array([1, 2, 3]) };
    },
    memoryPressure: pressure,
  };
  return { server: new FragmentServer(host, stats, resultBytesMax, 2), stats, ran };
}

describe('fragment.run messages', () => {
  it('a task travels with its constants, key sets and typed arrays, without its table id', () => {
    const work = decodeWork(encodeWork(task), 8);
    expect(work).not.toHaveProperty('tableId');
    expect(work.args[0]).toBe(12n);
    expect(work.args[1]).toEqual(new Set(['x']));
    expect([...(work.args[2] as Int32Array)]).toEqual([3, 3]);
  });

  it('refuses malformed requests and tasks', () => {
    expect(() => parseRunRequest({ kind: 'run', v: 1, table: 't', shape: 's' })).toThrow(/protocol version 1/);
    expect(() => parseRunRequest({ kind: 'run', v: 2, table: '', shape: 's' })).toThrow(/table is not a string/);
    expect(() => decodeWork(new Uint8Array([1, 2, 3]), 8)).toThrow(/undecodable task/);
    expect(() => decodeWork(serialize({ partitions: [9], columns: [], kernel: '', args: [] }), 8)).toThrow(/partitions are not integers in 0..7/);
    expect(() => decodeWork(serialize({ partitions: [1, 1], columns: [], kernel: '', args: [] }), 8)).toThrow(/repeated/);
    expect(() => parseRunReply({ kind: 'refused', v: 2, reason: 'bored' })).toThrow(/refusal reason/);
  });
});

describe('FragmentServer', () => {
  it('runs a task on the partitions it serves, under its own table id, and counts the bytes sent', async () => {
    const { server: s, stats, ran } = server(() => true);
    const reply = await s.answer(runRequest('t', tableShape(table)), encodeWork(task), signal);
    expect(reply).toBeInstanceOf(RpcReply);
    expect(parseRunReply((reply as RpcReply).body).kind).toBe('result');
    expect(decodeResult((reply as RpcReply).attachment)).toEqual({ rows: 2, ipc: new Uint8Array([1, 2, 3]) });
    expect(ran[0]!.tableId).toBe(3);
    expect(stats.answered).toBe(1);
    expect(stats.bytesSent).toBeGreaterThan(0);
  });

  it('refuses partitions it does not serve, unknown tables, other shapes and results too large', async () => {
    const reason = async (s: FragmentServer, tableName: string, shape: string): Promise<string> => {
      const r = await s.answer(runRequest(tableName, shape), encodeWork(task), signal);
      const parsed = parseRunReply(r instanceof RpcReply ? r.body : r);
      return parsed.kind === 'refused' ? `${parsed.reason}: ${parsed.detail}` : 'ran';
    };
    const shape = tableShape(table);
    expect(await reason(server((p) => p !== 5).server, 't', shape)).toBe('not-serving: this node does not serve partition 5 of "t"');
    expect(await reason(server(() => true).server, 'u', shape)).toMatch(/^unknown-table/);
    expect(await reason(server(() => true).server, 't', '[]')).toMatch(/^different-shape/);
    expect(await reason(server(() => true, 4).server, 't', shape)).toMatch(/^result-too-large/);
  });

  it('refuses as overloaded past its tasks in flight, and takes tasks again once they finish', async () => {
    let release = (): void => {};
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { server: s, stats } = server(() => true, undefined, hold);
    const ask = () => s.answer(runRequest('t', tableShape(table)), encodeWork(task), signal);
    const running = [ask(), ask()];
    const third = await ask();
    expect(third).toMatchObject({ kind: 'refused', reason: 'overloaded' });
    expect(stats.overloaded).toBe(1);
    release();
    await Promise.all(running);
    expect(await ask()).toBeInstanceOf(RpcReply);
  });

  it('refuses as overloaded while the node is short of memory, and runs tasks again once it is not', async () => {
    let short: string | null = 'its heap holds 900 MiB of its 1000 MiB limit';
    const { server: s, stats, ran } = server(() => true, undefined, undefined, () => short);
    const ask = () => s.answer(runRequest('t', tableShape(table)), encodeWork(task), signal);
    expect(await ask()).toMatchObject({ kind: 'refused', reason: 'overloaded', detail: 'this node is short of memory: its heap holds 900 MiB of its 1000 MiB limit' });
    expect(stats.overloaded).toBe(1);
    expect(ran).toEqual([]);
    short = null;
    expect(await ask()).toBeInstanceOf(RpcReply);
    // The real figure: a node far from its heap limit (this test process) is not short.
    expect(heapPressure()).toBeNull();
    expect(heapPressure(0)).toMatch(/^its heap holds \d+ MiB of its \d+ MiB limit$/);
  });

  it('runs a task naming arguments left by fragment.args, and refuses one naming arguments it does not keep', async () => {
    const { server: s, ran } = server(() => true);
    const big = [new Float64Array(10_000).fill(2), 7n];
    expect(s.keep(argsRequest('a1'), encodeArgs(big))).toEqual({ kind: 'kept', v: 2 });
    const reply = await s.answer(runRequest('t', tableShape(table), 'a1'), encodeWork({ ...task, args: [] }), signal);
    expect(reply).toBeInstanceOf(RpcReply);
    expect((ran[0]!.args[0] as Float64Array)[9_999]).toBe(2);
    expect(ran[0]!.args[1]).toBe(7n);
    const unknown = await s.answer(runRequest('t', tableShape(table), 'a2'), encodeWork({ ...task, args: [] }), signal);
    expect(unknown).toMatchObject({ kind: 'refused', reason: 'args-unknown' });
    // Kept arguments go after a minute without use (swept when others arrive).
    s.keep(argsRequest('a3'), encodeArgs([1]), Date.now() + FRAGMENT_ARGS_KEPT_MS + 1);
    expect(await s.answer(runRequest('t', tableShape(table), 'a1'), encodeWork({ ...task, args: [] }), signal)).toMatchObject({ reason: 'args-unknown' });
  });

  it('counts and rejects a malformed request', async () => {
    const { server: s, stats } = server(() => true);
    await expect(s.answer({ kind: 'run', v: 2, table: 't' }, encodeWork(task), signal)).rejects.toThrow(/shape/);
    expect(stats.malformed).toBe(1);
  });
});
