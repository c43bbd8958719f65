// The coordinator's fragment client: large task arguments go to a node once per arguments array
// (fragment.args), tasks name them; a node that no longer keeps them gets them again.
import { describe, expect, it } from 'vitest';
import { RpcReply } from '../../../../src/cluster/rpc/index.js';
import { ClusterRemoteEngines, FRAGMENT_ARGS_RPC_TYPE, FragmentServer, FragmentStats, type FragmentCluster } from '../../../../src/cluster/fragments/index.js';
import type { FragmentTask, TableSchema } from '../../../../storage/index.js';

const table: TableSchema = { id: 7, name: 't', columns: [{ name: 'id', type: { kind: 'int4' }, notNull: true }], primaryKey: [0], distributionKey: [0] };

function cluster(serverOf: () => FragmentServer, calls: string[]): FragmentCluster {
  return {
    self: 'a',
    partitions: 4,
    hasPeers: () => true,
    replicasOf: () => ['a', 'b'],
    stateOf: () => 'alive',
    onStateChange: () => () => {},
    addressOf: (node) => node,
    stored: () => true,
    lagging: () => false,
    figuresOf: () => undefined,
    async request(_address, type, body, options) {
      calls.push(type);
      const server = serverOf();
      if (type === FRAGMENT_ARGS_RPC_TYPE) return { body: server.keep(body, options.attachment) };
      const reply = await server.answer(body, options.attachment, new AbortController().signal);
      return reply instanceof RpcReply ? { body: reply.body, ...(reply.attachment === undefined ? {} : { attachment: reply.attachment }) } : { body: reply };
    },
  };
}

function fragmentServer(): FragmentServer {
  return new FragmentServer(
    {
      partitions: 4,
      getTable: () => table,
      serves: () => true,
      run: async (task) => (task.args[0] as Float64Array).length + task.partitions[0]!,
      memoryPressure: () => null,
    },
    new FragmentStats(),
  );
}

describe('ClusterRemoteEngines', () => {
  it('leaves large arguments at a node once, and again when the node no longer keeps them', async () => {
    const calls: string[] = [];
    let server = fragmentServer();
    const remote = new ClusterRemoteEngines(cluster(() => server, calls));
    const args = [new Float64Array(20_000)];
    const task = (p: number): FragmentTask => ({ tableId: 7, partitions: [p], columns: [0], kernel: '', args });
    const answers = await Promise.all([0, 1, 2].map((p) => remote.run('b', table, task(p))));
    expect(answers.flatMap((a) => a.results)).toEqual([20_000, 20_001, 20_002]);
    // The bytes each result took on the way back (V8 serialization of a number).
    expect(answers.every((a) => a.bytes > 0 && a.bytes < 64)).toBe(true);
    expect(calls).toEqual(['fragment.args', 'fragment.run', 'fragment.run', 'fragment.run']);
    // The node restarted: it has forgotten them.
    server = fragmentServer();
    calls.length = 0;
    expect((await remote.run('b', table, task(3))).results).toEqual([20_003]);
    expect(calls).toEqual(['fragment.run', 'fragment.args', 'fragment.run']);
  });

  it('sends small arguments inside each task', async () => {
    const calls: string[] = [];
    const server = fragmentServer();
    const remote = new ClusterRemoteEngines(cluster(() => server, calls));
    const args = [new Float64Array(10)];
    await remote.run('b', table, { tableId: 7, partitions: [1], columns: [0], kernel: '', args });
    expect(calls).toEqual(['fragment.run']);
  });
});
