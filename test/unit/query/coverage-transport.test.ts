// The coverage transport: tasks go to the node their partitions are read on; a node that fails one
// is left out and the task's partitions are read on the replicas left, in pieces; a failure that
// is not the node's (a query error) fails the statement as it is.
import { describe, expect, it } from 'vitest';
import { EonError } from '../../../src/errors/index.js';
import { CoverageTransport, coverageTasks, FAILOVER_NODES_MAX } from '../../../query/execute/exchange/coverage-transport.js';
import { ReadersUnavailable, type CoveragePolicy, type RemoteEngines, type ScanRead } from '../../../query/execute/exchange/remote-engines.js';
import type { FragmentTask, TableSchema } from '../../../storage/index.js';

const table: TableSchema = { id: 1, name: 't', columns: [{ name: 'id', type: { kind: 'int4' }, notNull: true }], primaryKey: [0], distributionKey: [0] };

/** Six partitions, replicas (a, b, c) rotated per partition; `failing` nodes refuse as down, `unsynced` ones fail digest reads. */
function engines(failing: Set<string>, fail: (node: string) => Error = (n) => new EonError('peer_unavailable', `${n} is down`), unsynced: Set<string> = new Set()) {
  const calls: string[] = [];
  const replicas = (p: number): string[] => ['a', 'b', 'c'].map((_, i) => ['a', 'b', 'c'][(p + i) % 3]!);
  const remote: RemoteEngines = {
    self: 'a',
    active: () => true,
    coverage: (_t: TableSchema, _policy: CoveragePolicy, avoid?: ReadonlySet<string>) =>
      Array.from({ length: 6 }, (_, p) => replicas(p).find((n) => n !== 'a' && avoid?.has(n) !== true) ?? 'a'),
    run: async (node: string, _t: TableSchema, task: FragmentTask) => {
      calls.push(`${node}:${task.partitions.join(',')}`);
      if (failing.has(node)) throw fail(node);
      return { results: [task.partitions.map((p) => `${node}${p}`)], bytes: 10 };
    },
    syncReads: async (reads: readonly ScanRead[]) => {
      for (const read of reads) {
        const nodes = new Set(read.readers.values());
        calls.push(`sync(R=${read.readQuorum}) ${[...read.readers].map(([p, n]) => `${n}${p}`).join(',')}`);
        const lost = [...nodes].filter((n) => unsynced.has(n));
        if (lost.length > 0) throw new ReadersUnavailable(new Set(lost), 'cut off');
      }
    },
    retriable: (e: unknown) => e instanceof EonError && e.code === 'peer_unavailable',
  };
  return { remote, calls };
}

function transport(remote: RemoteEngines, coverage: string[], readQuorum = 1): CoverageTransport {
  const local = async (task: FragmentTask): Promise<unknown> => task.partitions.map((p) => `a${p}`);
  return new CoverageTransport({ table, policy: 'local', coverage, remote, local, parallelism: 3, readQuorum });
}

const task = (partitions: number[]): FragmentTask => ({ tableId: 1, partitions, columns: [0], kernel: '', args: [] });

describe('CoverageTransport', () => {
  it('runs a task here or on the node its partitions are read on', async () => {
    const { remote, calls } = engines(new Set());
    const t = transport(remote, ['a', 'b', 'c', 'a', 'b', 'c']);
    expect(await t.run(task([0, 3]))).toEqual([['a0', 'a3']]);
    expect(await t.run(task([1, 4]))).toEqual([['b1', 'b4']]);
    expect(calls).toEqual(['b:1,4']);
  });

  it('reads the partitions of a node that failed on the replicas left, in pieces', async () => {
    const { remote, calls } = engines(new Set(['b']));
    const t = transport(remote, ['a', 'b', 'b', 'a', 'b', 'b']);
    // Partition 1's replicas are b, c, a: c next; partition 2's are c, a, b: c; 4: b, c, a: c.
    const results = await t.run(task([1, 2, 4]));
    expect(results.flat()).toEqual(['c1', 'c2', 'c4']);
    expect(calls).toEqual(['b:1,2,4', 'c:1,2,4']);
  });

  it('checks a replica taking over with digest reads before it reads (R > 1), and passes over one that cannot answer', async () => {
    const { remote, calls } = engines(new Set(['b']), undefined, new Set(['c']));
    const t = transport(remote, ['a', 'b', 'b', 'a', 'b', 'b'], 2);
    // b fails; c takes over but cannot be checked; a (this node) reads them, checked first.
    expect((await t.run(task([1, 2])))
      .flat()).toEqual(['a1', 'a2']);
    expect(calls).toEqual(['b:1,2', 'sync(R=2) c1,c2', 'sync(R=2) a1,a2']);
    // The first reader was checked by the statement up front: no check before its first run.
    const fine = engines(new Set());
    await transport(fine.remote, ['a', 'b', 'b', 'a', 'b', 'b'], 2).run(task([1]));
    expect(fine.calls).toEqual(['b:1']);
  });

  it(`gives up after ${FAILOVER_NODES_MAX} nodes, and at once on an error that is not the node's`, async () => {
    const down = engines(new Set(['b', 'c']));
    const t = transport(down.remote, ['a', 'b', 'c', 'a', 'b', 'c']);
    // b fails, then c: a (this node) reads partition 1 itself.
    expect((await t.run(task([1]))).flat()).toEqual(['a1']);
    const broken = engines(new Set(['b']), () => new EonError('division_by_zero', 'division by zero'));
    await expect(transport(broken.remote, ['a', 'b', 'c', 'a', 'b', 'c']).run(task([1]))).rejects.toThrow('division by zero');
    expect(broken.calls).toEqual(['b:1']);
  });
});

describe('coverageTasks', () => {
  it('cuts each node\'s partitions into tasks of at most n, interleaved across nodes', () => {
    const coverage = ['a', 'b', 'a', 'b', 'a', 'c', 'a'];
    const tasks = coverageTasks(coverage, 2);
    expect(tasks).toEqual([[0, 4], [1, 3], [5], [2, 6]]);
    expect(tasks.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('leaves out the partitions a key range pruned, and the nodes left with none', () => {
    expect(coverageTasks(['a', 'b', 'a', 'b', 'a', 'c', 'a'], 2, new Set([2, 5]))).toEqual([[2], [5]]);
  });
});
