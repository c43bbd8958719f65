// Quorum point reads with fake replicas and a fake transport (no processes, no LMDB): answers at
// R (counting the coordinator where it is a replica), the newest version by the replication rule,
// read repair of exactly the replicas behind it, timeouts and refusals, and message validation.

import { describe, expect, it } from 'vitest';
import { decodeBody, encodeBody } from '../../../../src/cluster/rpc/index.js';
import { HybridClock, hlcOf } from '../../../../src/cluster/version/index.js';
import type { RowVersion } from '../../../../src/cluster/version/index.js';
import {
  REPLICA_APPLY_RPC_TYPE,
  REPLICA_READ_PROTOCOL_VERSION,
  REPLICA_READ_RPC_TYPE,
  ReadCoordinator,
  ReadQuorum,
  ReplicaApplier,
  ReplicaReader,
  ReplicationStats,
  decodeVersionEntry,
  encodeVersionEntry,
  parseReadReply,
  parseReadRequest,
  tableShape,
} from '../../../../src/cluster/replication/index.js';
import type { ReplicaPlacement, ReplicaReadStore, ReplicaRequester, ReplicaStore } from '../../../../src/cluster/replication/index.js';
import { decodeRow, encodeKey, encodeRow, partitionOfKey } from '../../../../storage/index.js';
import type { TableSchema } from '../../../../storage/index.js';
import type { ReplicaWriteTx } from '../../../../storage/store.js';
import { EonError } from '../../../../src/errors/index.js';

const PARTITIONS = 8;
const TIMEOUT_MS = 60;
const table: TableSchema = {
  id: 7,
  name: 't',
  columns: [
    { name: 'id', type: { kind: 'int4' }, notNull: true },
    { name: 'v', type: { kind: 'text' }, notNull: false },
  ],
  primaryKey: [0],
  distributionKey: [0],
};

function keyOf(id: number): Buffer {
  return encodeKey(table.id, partitionOfKey(table, [id], PARTITIONS), [{ kind: 'int4' }], [id]);
}

const v = (ms: number, node: string): RowVersion => ({ hlc: hlcOf(ms, 0), node });

/** One node's store: rows and version entries by key, and the real applier and reader over them. */
class FakeReplica implements ReplicaReadStore, ReplicaStore {
  readonly partitions = PARTITIONS;
  readonly rows = new Map<string, Uint8Array>();
  readonly entries = new Map<string, Uint8Array>();
  readonly stats = new ReplicationStats();
  readonly applier = new ReplicaApplier(this, new HybridClock({ now: () => Date.now() }), this.stats);
  readonly reader = new ReplicaReader(this, this.stats);

  getTable(name: string): TableSchema | undefined {
    return name === table.name ? table : undefined;
  }
  versionEntryAt(key: Buffer): Uint8Array | undefined {
    return this.entries.get(key.toString('latin1'));
  }
  encodedRowAt(_t: TableSchema, key: Buffer): Uint8Array | undefined {
    return this.rows.get(key.toString('latin1'));
  }
  async applyReplicated<T>(fn: (tx: ReplicaWriteTx) => T): Promise<T> {
    return fn({
      versionEntry: (key) => this.versionEntryAt(key),
      versionEntries: (keys) => keys.map((key) => this.versionEntryAt(key)),
      storedRow: (t, key) => this.encodedRowAt(t, key),
      apply: (_t, key, row, entry) => {
        const k = key.toString('latin1');
        if (row === null) this.rows.delete(k);
        else this.rows.set(k, row);
        this.entries.set(k, entry);
      },
    });
  }

  /** Stores a row (null: a delete's tombstone) at a version; without a version, a row with no entry. */
  put(id: number, value: string | null, version: RowVersion | null): void {
    const k = keyOf(id).toString('latin1');
    if (value === null) this.rows.delete(k);
    else this.rows.set(k, encodeRow([id, value]));
    if (version === null) this.entries.delete(k);
    else this.entries.set(k, encodeVersionEntry({ version, tombstone: value === null }));
  }

  valueOf(id: number): string | null | undefined {
    const k = keyOf(id).toString('latin1');
    const row = this.rows.get(k);
    return row === undefined ? undefined : (decodeRow(row)[1] as string | null);
  }

  versionOf(id: number): RowVersion | null {
    const e = this.entries.get(keyOf(id).toString('latin1'));
    return e === undefined ? null : decodeVersionEntry(e).version;
  }
}

type Behaviour = 'answer' | 'fail' | 'hold';

/** A cluster of fake replicas behind a fake transport: every body crosses msgpack as on the wire. */
class FakeCluster {
  readonly replicas = new Map<string, FakeReplica>();
  readonly behaviour = new Map<string, Behaviour>();
  readonly down = new Set<string>();
  readonly requests: { to: string; type: string }[] = [];
  /** Requests held back ('hold'): released by hand, or failed at their timeout. */
  private readonly held: (() => void)[] = [];

  constructor(ids: readonly string[]) {
    for (const id of ids) this.replicas.set(id, new FakeReplica());
  }

  node(id: string): FakeReplica {
    return this.replicas.get(id)!;
  }

  readonly peers: ReplicaRequester = {
    request: (address, type, body, { timeoutMs }) => {
      this.requests.push({ to: address, type });
      const target = this.replicas.get(address);
      if (target === undefined) return Promise.reject(new EonError('peer_unavailable', `no node at ${address}`));
      const deliver = async (): Promise<{ body: unknown }> => {
        const wire = decodeBody(encodeBody(body));
        const reply = type === REPLICA_READ_RPC_TYPE ? target.reader.answer(wire) : type === REPLICA_APPLY_RPC_TYPE ? await target.applier.apply(wire) : undefined;
        return { body: decodeBody(encodeBody(reply)) };
      };
      const behaviour = this.behaviour.get(address) ?? 'answer';
      if (behaviour === 'fail') return Promise.reject(new EonError('peer_unavailable', `${address} is unreachable`));
      if (behaviour === 'answer') return deliver();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new EonError('peer_timeout', `${address} did not answer in ${timeoutMs} ms`)), timeoutMs);
        this.held.push(() => {
          clearTimeout(timer);
          deliver().then(resolve, reject);
        });
      });
    },
  };

  /** Lets every held request through. */
  release(): void {
    for (const go of this.held.splice(0)) go();
  }

  coordinator(self: string, replicasOf: readonly string[] = [...this.replicas.keys()], stats = new ReplicationStats()): { reads: ReadCoordinator; stats: ReplicationStats } {
    const placement: ReplicaPlacement = {
      nodeId: self,
      hasPeers: () => true,
      replicasOf: () => replicasOf,
      isUp: (id) => !this.down.has(id),
      addressOf: (id) => (this.replicas.has(id) ? id : undefined),
    };
    const local = this.replicas.get(self) ?? new FakeReplica();
    const reads = new ReadCoordinator({ placement, peers: this.peers, store: local, applyLocal: (r) => local.applier.apply(r), stats, timeoutMs: TIMEOUT_MS });
    return { reads, stats };
  }
}

const valueOfRow = (row: Uint8Array | null): unknown => (row === null ? null : decodeRow(row)[1]);

describe('quorum point reads', () => {
  it('answers at R = 2 with the coordinator counted, without waiting for the third replica', async () => {
    const c = new FakeCluster(['a', 'b', 'c']);
    c.node('a').put(1, 'old', v(10, 'a'));
    c.node('b').put(1, 'new', v(20, 'b'));
    c.node('c').put(1, 'newest', v(30, 'c'));
    c.behaviour.set('c', 'hold');
    const { reads, stats } = c.coordinator('a');
    // a and b make R: the answer is b's, though c (held back) holds a newer one.
    expect(valueOfRow(await reads.read(table, keyOf(1)))).toBe('new');
    expect(stats.pointReads).toBe(1);
    c.release();
    await reads.idle();
    // Once c answered, the newest of all three went to a and b.
    expect([c.node('a').valueOf(1), c.node('b').valueOf(1), c.node('c').valueOf(1)]).toEqual(['newest', 'newest', 'newest']);
    expect(stats.readRepairs).toBe(2);
    expect(c.node('c').stats.applied).toBe(0);
  });

  it('takes the newest version by the replication rule: later timestamp, then node id; a tombstone reads as absent', async () => {
    const c = new FakeCluster(['a', 'b', 'c']);
    c.node('a').put(1, 'from a', v(10, 'n-a'));
    c.node('b').put(1, 'from b', v(10, 'n-b'));
    c.node('c').put(1, 'from c', v(9, 'n-z'));
    const { reads } = c.coordinator('a');
    expect(valueOfRow(await reads.read(table, keyOf(1)))).toBe('from b');
    await reads.idle();
    expect(c.node('a').versionOf(1)).toEqual(v(10, 'n-b'));
    expect(c.node('c').valueOf(1)).toBe('from b');

    // A delete newer than the row: the read finds nothing, and the delete is written back.
    c.node('b').put(2, null, v(50, 'n-b'));
    c.node('a').put(2, 'stale', v(40, 'n-a'));
    c.node('c').put(2, 'stale', v(40, 'n-a'));
    expect(await reads.read(table, keyOf(2))).toBeNull();
    await reads.idle();
    for (const id of ['a', 'b', 'c']) {
      expect(c.node(id).valueOf(2)).toBeUndefined();
      expect(c.node(id).versionOf(2)).toEqual(v(50, 'n-b'));
    }
  });

  it('repairs only the replicas behind the newest: a replica with no entry, the coordinator itself', async () => {
    const c = new FakeCluster(['a', 'b', 'c']);
    c.node('b').put(1, 'current', v(20, 'b'));
    c.node('c').put(1, 'current', v(20, 'b'));
    const { reads, stats } = c.coordinator('a');
    expect(valueOfRow(await reads.read(table, keyOf(1)))).toBe('current');
    await reads.idle();
    expect(c.node('a').valueOf(1)).toBe('current');
    expect(stats.readRepairs).toBe(1);
    // The repair went through a's own applier: no apply request on the wire, and b and c untouched.
    expect(c.requests.filter((r) => r.type === REPLICA_APPLY_RPC_TYPE)).toEqual([]);
    expect(c.node('b').stats.applied + c.node('c').stats.applied).toBe(0);
    // Read again: everyone agrees, nothing to repair.
    await reads.read(table, keyOf(1));
    await reads.idle();
    expect(stats.readRepairs).toBe(1);
  });

  it('writes nothing back for rows without versions (written while alone): there is no version to ship', async () => {
    const c = new FakeCluster(['a', 'b', 'c']);
    c.node('a').put(1, 'alone', null);
    const { reads, stats } = c.coordinator('a');
    expect(valueOfRow(await reads.read(table, keyOf(1)))).toBe('alone');
    await reads.idle();
    expect(stats.readRepairs).toBe(0);
    expect(c.node('b').valueOf(1)).toBeUndefined();
  });

  it('fails with 57P03 naming how many replied when fewer than R answer within the timeout', async () => {
    const c = new FakeCluster(['a', 'b', 'c']);
    c.behaviour.set('b', 'hold');
    c.behaviour.set('c', 'fail');
    const { reads, stats } = c.coordinator('a');
    const error = await reads.read(table, keyOf(1)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EonError);
    expect((error as EonError).sqlstate).toBe('57P03');
    expect((error as EonError).message).toMatch(/^read reached 1 of 3 replicas of partition \d+ of table "t", needed 2$/);
    expect((error as EonError).detail).toMatch(/c: c is unreachable.*no answer within 60 ms/);
    expect(stats.readsIncomplete).toBe(1);
    await reads.idle();
  });

  it('asks no replica that is down, and fails at once when the rest cannot make R', async () => {
    const c = new FakeCluster(['a', 'b', 'c']);
    c.down.add('b');
    c.down.add('c');
    const { reads } = c.coordinator('a');
    await expect(reads.read(table, keyOf(1))).rejects.toMatchObject({ code: 'quorum_unavailable', detail: 'b: down; c: down' });
    expect(c.requests).toEqual([]);
  });

  it('does not count a replica that refuses the table', async () => {
    const c = new FakeCluster(['a', 'b', 'c']);
    c.node('c').getTable = () => undefined;
    c.node('b').put(1, 'x', v(5, 'b'));
    const { reads } = c.coordinator('a');
    expect(valueOfRow(await reads.read(table, keyOf(1)))).toBe('x');
    c.node('b').getTable = () => ({ ...table, columns: [table.columns[0]!] });
    await expect(reads.read(table, keyOf(1))).rejects.toMatchObject({ code: 'quorum_unavailable', message: expect.stringMatching(/read reached 1 of 3/) });
    await reads.idle();
  });

  it('reads through a coordinator that is not a replica at the replicas only', async () => {
    const c = new FakeCluster(['b', 'c', 'd']);
    c.node('b').put(1, 'b1', v(1, 'b'));
    c.node('c').put(1, 'c2', v(2, 'c'));
    c.node('d').put(1, 'c2', v(2, 'c'));
    const { reads } = c.coordinator('x', ['b', 'c', 'd']);
    expect(valueOfRow(await reads.read(table, keyOf(1)))).toMatch(/^(b1|c2)$/);
    await reads.idle();
    expect(c.node('b').valueOf(1)).toBe('c2');
    expect(c.requests.filter((r) => r.type === REPLICA_READ_RPC_TYPE).map((r) => r.to).sort()).toEqual(['b', 'c', 'd']);
  });

  it('with R = 1 on a replica, answers from the coordinator alone', async () => {
    const c = new FakeCluster(['a', 'b', 'c']);
    c.node('a').put(1, 'here', v(1, 'a'));
    const { reads } = c.coordinator('a');
    expect(valueOfRow(await reads.read({ ...table, readQuorum: 1 }, keyOf(1)))).toBe('here');
    expect(c.requests).toEqual([]);
  });
});

describe('read quorum bookkeeping', () => {
  it('ignores non-replicas and second answers, and refuses an impossible R', () => {
    const q = new ReadQuorum(['a', 'b', 'c'], 2);
    q.answered('z', { entry: null, row: null });
    q.answered('a', { entry: null, row: null });
    q.answered('a', { entry: encodeVersionEntry({ version: v(1, 'a'), tombstone: false }), row: null });
    expect(q.replied).toBe(1);
    expect(q.satisfied).toBe(false);
    q.failed('b', 'down');
    q.answered('b', { entry: null, row: null });
    expect(q.replied).toBe(1);
    expect(q.settled).toBe(false);
    q.failed('c', 'down');
    expect(q.settled).toBe(true);
    expect(() => new ReadQuorum(['a'], 2)).toThrow();
    expect(() => new ReadQuorum(['a', 'b'], 2).error('t', 0, null)).not.toThrow();
  });

  it('ships nothing when the newest live entry came without its row', () => {
    const q = new ReadQuorum(['a', 'b'], 2);
    q.answered('a', { entry: encodeVersionEntry({ version: v(5, 'a'), tombstone: false }), row: null });
    q.answered('b', { entry: null, row: null });
    expect(q.row()).toBeNull();
    expect(q.stale()).toEqual([]);
  });
});

describe('replica.read messages', () => {
  const key = keyOf(1).subarray(4);
  const request = { kind: 'read', v: REPLICA_READ_PROTOCOL_VERSION, table: 't', shape: tableShape(table), key };

  it('validates requests', () => {
    const parsed = parseReadRequest(decodeBody(encodeBody(request)));
    expect(Buffer.from(parsed.key).equals(key)).toBe(true);
    expect({ ...parsed, key: null }).toEqual({ ...request, key: null });
    for (const bad of [null, [], { ...request, v: 2 }, { ...request, kind: 'apply' }, { ...request, table: '' }, { ...request, key: new Uint8Array(1) }, { ...request, key: new Uint8Array(4000) }, { ...request, shape: 3 }]) {
      expect(() => parseReadRequest(bad)).toThrow(expect.objectContaining({ code: 'protocol_violation' }));
    }
  });

  it('validates replies: entries decode, tombstones carry no row, refusals carry nothing', () => {
    const live = encodeVersionEntry({ version: v(1, 'a'), tombstone: false });
    const dead = encodeVersionEntry({ version: v(1, 'a'), tombstone: true });
    const ok = { kind: 'held', v: REPLICA_READ_PROTOCOL_VERSION, entry: live, row: new Uint8Array([1]), refused: null };
    expect(parseReadReply(ok).entry).toEqual(live);
    expect(parseReadReply({ ...ok, entry: null, row: null, refused: 'unknown-table' }).refused).toBe('unknown-table');
    for (const bad of [{ ...ok, v: 0 }, { ...ok, entry: dead }, { ...ok, entry: new Uint8Array([0x80, 1]) }, { ...ok, refused: 'other' }, { ...ok, refused: 'unknown-table' }, { ...ok, row: 'x' }]) {
      expect(() => parseReadReply(bad)).toThrow(expect.objectContaining({ code: 'protocol_violation' }));
    }
  });

  it('a replica counts and refuses malformed requests and keys of partitions it does not have', () => {
    const r = new FakeReplica();
    expect(() => r.reader.answer({ ...request, v: 9 })).toThrow(expect.objectContaining({ code: 'protocol_violation' }));
    expect(() => r.reader.answer({ ...request, key: new Uint8Array([0xff, 0xff, 0, 0]) })).toThrow(expect.objectContaining({ code: 'protocol_violation' }));
    expect(r.stats.malformed).toBe(2);
    expect(r.reader.answer({ ...request, table: 'nope' })).toMatchObject({ refused: 'unknown-table', entry: null, row: null });
    r.put(1, 'here', v(3, 'a'));
    expect(valueOfRow(r.reader.answer(request).row)).toBe('here');
    expect(r.stats.readsAnswered).toBe(1);
  });
});
