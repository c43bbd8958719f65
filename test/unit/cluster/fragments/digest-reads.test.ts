// Digest reads on a fake cluster of three nodes (a is this one), six partitions with replicas
// (a, b, c) rotated: roots are compared with R−1 other replicas per partition, the reader repairs
// itself where they differ, a compared replica that fails is replaced by a spare, a reader that
// fails is named for the caller to plan without, and too few replicas is 57P03.

import { describe, expect, it } from 'vitest';
import { EonError } from '../../../../src/errors/index.js';
import { DigestReads, ReadersUnavailable, type DigestCluster } from '../../../../src/cluster/fragments/digest-reads.js';
import type { TableSchema } from '../../../../storage/index.js';

const table: TableSchema = { id: 1, name: 't', columns: [{ name: 'id', type: { kind: 'int4' }, notNull: true }], primaryKey: [0], distributionKey: [0] };
const NODES = ['a', 'b', 'c'];
const replicas = (p: number): string[] => NODES.map((_, i) => NODES[(p + i) % 3]!);

interface Fake {
  readonly cluster: DigestCluster;
  /** What each node was asked: `roots p,q` or `repair p from x`. */
  readonly calls: string[];
  /** node → partition → root; a partition not set has root "same". */
  readonly roots: Map<string, Map<number, string>>;
}

function fake(opts: { down?: string[]; failing?: string[] } = {}): Fake {
  const calls: string[] = [];
  const roots = new Map<string, Map<number, string>>(NODES.map((n) => [n, new Map()]));
  const rootOf = (node: string, p: number): string => roots.get(node)!.get(p) ?? 'same';
  const answer = async (node: string, type: string, body: unknown): Promise<{ body: unknown }> => {
    if (opts.failing?.includes(node)) throw new EonError('peer_timeout', `${node} timed out`);
    if (type === 'ae.roots') {
      const reads = (body as { reads: { partitions: number[] }[] }).reads;
      calls.push(`${node}: roots ${reads.map((r) => r.partitions.join(',')).join(';')}`);
      return { body: { v: 1, roots: reads.map((r) => r.partitions.map((p) => rootOf(node, p))) } };
    }
    const { partition, peer } = body as { partition: number; peer: string };
    calls.push(`${node}: repair ${partition} from ${peer}`);
    roots.get(node)!.set(partition, rootOf(peer, partition));
    return { body: { v: 1, root: rootOf(node, partition) } };
  };
  const cluster: DigestCluster = {
    self: 'a',
    replicasOf: (p) => replicas(p),
    stateOf: (node) => (opts.down?.includes(node) ? 'down' : 'alive'),
    addressOf: (node) => node,
    stored: () => true,
    lagging: () => false,
    roots: (_t, partitions) => {
      calls.push(`a: roots ${partitions.join(',')}`);
      return partitions.map((p) => rootOf('a', p));
    },
    repairFrom: async (_t, partition, peer) => (await answer('a', 'ae.repair', { partition, peer })).body as string,
    request: (address, type, body) => answer(address, type, body),
  };
  return { cluster, calls, roots };
}

const allHere = new Map(Array.from({ length: 6 }, (_, p) => [p, 'a']));

describe('DigestReads', () => {
  it('compares each partition with one other replica at R = 2, one request per node, and repairs none when all agree', async () => {
    const f = fake();
    const reads = new DigestReads(f.cluster);
    await reads.sync([{ table, readers: allHere, readQuorum: 2 }]);
    // The first other replica in each partition's preference order: b for 0, 1, 3, 4; c for 2 and 5.
    expect(f.calls.sort()).toEqual(['a: roots 0,1,2,3,4,5', 'b: roots 0,1,3,4', 'c: roots 2,5']);
    expect(reads.stats).toMatchObject({ checked: 6, differing: 0, repaired: 0 });
  });

  it('repairs the reader from a replica that differs, here or on the reader', async () => {
    const f = fake();
    f.roots.get('b')!.set(0, 'newer'); // b holds a write a lacks
    f.roots.get('c')!.set(2, 'newer');
    const reads = new DigestReads(f.cluster);
    // Partition 0 read here, partition 2 read on b.
    await reads.sync([{ table, readers: new Map([[0, 'a'], [2, 'b']]), readQuorum: 2 }]);
    expect(f.calls.filter((c) => c.includes('repair')).sort()).toEqual(['a: repair 0 from b', 'b: repair 2 from c']);
    expect(reads.stats).toMatchObject({ checked: 2, differing: 2, repaired: 2 });
    // R = 1 (or eon.read_consistency = one) compares nothing.
    f.calls.length = 0;
    await reads.sync([{ table, readers: allHere, readQuorum: 1 }]);
    expect(f.calls).toEqual([]);
  });

  it('replaces a compared replica that fails by a spare, and names a reader that fails', async () => {
    const f = fake({ failing: ['b'] });
    await new DigestReads(f.cluster).sync([{ table, readers: new Map([[0, 'a']]), readQuorum: 2 }]);
    expect(f.calls).toEqual(['a: roots 0', 'c: roots 0']);
    const lost = await new DigestReads(fake({ failing: ['b'] }).cluster)
      .sync([{ table, readers: new Map([[1, 'b']]), readQuorum: 2 }])
      .catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(ReadersUnavailable);
    expect([...(lost as ReadersUnavailable).nodes]).toEqual(['b']);
  });

  it('fails with 57P03 when fewer than R replicas can be asked', async () => {
    const e = await new DigestReads(fake({ down: ['b', 'c'] }).cluster).sync([{ table, readers: new Map([[0, 'a']]), readQuorum: 2 }]).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'quorum_unavailable', sqlstate: '57P03' });
    expect((e as EonError).hint).toMatch(/eon\.read_consistency/);
    // Both others fail while asked: no spare left.
    const e2 = await new DigestReads(fake({ failing: ['b', 'c'] }).cluster).sync([{ table, readers: new Map([[0, 'a']]), readQuorum: 2 }]).catch((x: unknown) => x);
    expect(e2).toMatchObject({ code: 'quorum_unavailable' });
    expect((e2 as EonError).message).toMatch(/did not answer/);
  });
});
