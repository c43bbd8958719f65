// Sloppy quorum on the write path, with a fake placement and fake peers: which fallback stands in
// for which down replica, what it is sent (replica.hint), when it counts toward W, the coordinator
// as its own fallback; the replica.hint message and the fallback's side (HintTaker).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HintStore } from '../../../../src/cluster/handoff/index.js';
import type { HintKey } from '../../../../src/cluster/handoff/index.js';
import {
  HintTaker,
  REPLICA_APPLY_RPC_TYPE,
  REPLICA_HINT_PROTOCOL_VERSION,
  REPLICA_HINT_RPC_TYPE,
  REPLICA_PROTOCOL_VERSION,
  ReplicationStats,
  WriteReplicator,
  encodeApplyRequest,
  hintRequest,
  parseApplyRequest,
  parseHintReply,
  parseHintRequest,
} from '../../../../src/cluster/replication/index.js';
import type { ApplyReply, ApplyRequest, ApplyRequestBody, HintRequest, ReplicaPlacement } from '../../../../src/cluster/replication/index.js';
import { decodeBody, encodeBody } from '../../../../src/cluster/rpc/index.js';
import { HybridClock, encodeRowVersion, hlcOf } from '../../../../src/cluster/version/index.js';
import type { RowChange } from '../../../../storage/store.js';
import type { TableSchema } from '../../../../storage/index.js';

function table(settings: Pick<TableSchema, 'replicas' | 'writeQuorum'> = {}): TableSchema {
  return {
    id: 7,
    name: 't',
    columns: [{ name: 'id', type: { kind: 'int4' }, notNull: true }],
    primaryKey: [0],
    distributionKey: [0],
    ...settings,
  };
}

function change(t: TableSchema, partition = 3): RowChange {
  return { table: t, partition, key: Buffer.from([0, 0, 0, 7, 0, partition, 1, 2]), row: Buffer.from([1]), basis: undefined };
}

interface Setup {
  /** The nodes clockwise from the partition's owner: the first N are its replicas, the rest fallback candidates. */
  readonly ring: readonly string[];
  readonly self?: string;
  readonly down?: readonly string[];
  readonly pending?: readonly string[];
  /** Fallbacks whose replica.hint fails, or that answer stored: false. */
  readonly failing?: readonly string[];
  readonly refusing?: readonly string[];
  /** Whether the coordinator can keep hints durably (and so stand in itself). */
  readonly durable?: boolean;
  readonly noFallbacks?: boolean;
  /** Replicas whose apply requests fail from this one on (1: the first), the earlier ones landing. */
  readonly failFrom?: Readonly<Record<string, number>>;
  readonly requestBytesMax?: number;
}

/** A replicator over fake peers, recording what each was sent and the hints the coordinator kept. */
function replicator(setup: Setup) {
  const sent: { to: string; type: string; standsInFor?: string; partitions: number[] }[] = [];
  const applies = new Map<string, number>();
  const hinted: string[] = [];
  const durable: string[] = [];
  const stats = new ReplicationStats();
  const placement: ReplicaPlacement = {
    nodeId: setup.self ?? 'self',
    hasPeers: () => true,
    replicasOf: (_p, n) => setup.ring.slice(0, n ?? 3),
    pendingOf: () => setup.pending ?? [],
    ...(setup.noFallbacks === true ? {} : { fallbacksOf: (_p: number, n?: number) => setup.ring.slice(n ?? 3) }),
    isUp: (id) => !(setup.down ?? []).includes(id),
    addressOf: (id) => id,
  };
  const w = new WriteReplicator({
    placement,
    peers: {
      request: async (address, type, body) => {
        const hint = type === REPLICA_HINT_RPC_TYPE ? parseHintRequest(body) : undefined;
        const apply = hint?.request ?? parseApplyRequest(body);
        // The partition of each change: the first two bytes of its key.
        const partitions = apply.tables.flatMap((t) => t.keys.map((k) => (k[0]! << 8) | k[1]!));
        sent.push({ to: address, type, ...(hint === undefined ? {} : { standsInFor: hint.standsInFor }), partitions });
        if ((setup.failing ?? []).includes(address)) throw new Error('connection reset');
        if (hint === undefined) {
          const n = (applies.get(address) ?? 0) + 1;
          applies.set(address, n);
          if (n >= (setup.failFrom?.[address] ?? Infinity)) throw new Error('connection reset');
        }
        if (type === REPLICA_HINT_RPC_TYPE) return { body: { kind: 'hinted', v: REPLICA_HINT_PROTOCOL_VERSION, stored: !(setup.refusing ?? []).includes(address) } };
        return { body: { kind: 'applied', v: REPLICA_PROTOCOL_VERSION, applied: 1, stale: 0, conflicts: 0, refused: [] } };
      },
    },
    clock: new HybridClock({ now: () => Date.now() }),
    stats,
    timeoutMs: 1_000,
    ...(setup.requestBytesMax === undefined ? {} : { requestBytesMax: setup.requestBytesMax }),
    hints: {
      add: (target: string, _r: ApplyRequest) => void hinted.push(target),
      ...(setup.durable === false
        ? {}
        : {
            addDurable: async (target: string, _r: ApplyRequest) => {
              durable.push(target);
              return true;
            },
          }),
    },
  });
  const stamp = w.stamp([]);
  return {
    replicate: (t: TableSchema, changes?: RowChange[]) => w.replicate(changes ?? [change(t)], stamp),
    sent,
    hinted,
    durable,
    stats,
  };
}

const hintsSent = (r: ReturnType<typeof replicator>): string[] =>
  r.sent.filter((s) => s.type === REPLICA_HINT_RPC_TYPE).map((s) => `${s.to}->${s.standsInFor}`);

describe('sloppy quorum on the write path', () => {
  it('two of three replicas down, one fallback up: it takes a hint for the first, W = 2 is reached, the other is hinted here', async () => {
    const r = replicator({ ring: ['self', 'b', 'c', 'd', 'e'], down: ['b', 'c', 'e'] });
    await r.replicate(table());
    expect(hintsSent(r)).toEqual(['d->b']);
    expect(r.sent.filter((s) => s.type === REPLICA_APPLY_RPC_TYPE)).toEqual([]);
    expect(r.hinted).toEqual(['c']);
    expect(r.stats.view()).toMatchObject({ hintsSent: 1, hintsSentFailed: 0, writesIncomplete: 0 });
  });

  it('counts each fallback once, for one down replica: W = 3 needs two fallbacks', async () => {
    const two = replicator({ ring: ['self', 'b', 'c', 'd', 'e'], down: ['b', 'c'] });
    await two.replicate(table({ replicas: 3, writeQuorum: 3 }));
    expect(hintsSent(two).sort()).toEqual(['d->b', 'e->c']);
    expect(two.hinted).toEqual([]);
    const one = replicator({ ring: ['self', 'b', 'c', 'd', 'e'], down: ['b', 'c', 'e'] });
    await expect(one.replicate(table({ replicas: 3, writeQuorum: 3 }))).rejects.toMatchObject({ code: 'replication_incomplete', sqlstate: '57P03' });
  });

  it('with no fallback up fails with replication_incomplete as before, the hints kept here', async () => {
    const r = replicator({ ring: ['self', 'b', 'c', 'd', 'e'], down: ['b', 'c', 'd', 'e'] });
    await expect(r.replicate(table())).rejects.toMatchObject({ code: 'replication_incomplete', sqlstate: '57P03' });
    expect(r.sent).toEqual([]);
    expect(r.hinted.sort()).toEqual(['b', 'c']);
    // A placement that names no fallbacks (as before sloppy quorum) behaves the same.
    const none = replicator({ ring: ['self', 'b', 'c', 'd'], down: ['b', 'c'], noFallbacks: true });
    await expect(none.replicate(table())).rejects.toMatchObject({ sqlstate: '57P03' });
    expect(none.hinted.sort()).toEqual(['b', 'c']);
  });

  it('does not count a fallback that failed or did not keep the hint: the coordinator keeps it instead', async () => {
    for (const setup of [{ failing: ['d'] }, { refusing: ['d'] }]) {
      const r = replicator({ ring: ['self', 'b', 'c', 'd'], down: ['b', 'c'], ...setup });
      await expect(r.replicate(table())).rejects.toMatchObject({ sqlstate: '57P03' });
      expect(r.hinted.sort()).toEqual(['b', 'c']);
      expect(r.stats.view()).toMatchObject({ hintsSent: 1, hintsSentFailed: 1, writesIncomplete: 1 });
    }
  });

  it('lets the coordinator stand in itself when it is the first fallback, kept durably and counted', async () => {
    // Replicas a, b, c; the coordinator is the next node; a and b are down, e too.
    const r = replicator({ ring: ['a', 'b', 'c', 'self', 'e'], down: ['a', 'b', 'e'] });
    await r.replicate(table());
    expect(r.durable).toEqual(['a']);
    expect(r.hinted).toEqual(['b']);
    expect(r.sent.map((s) => `${s.type}:${s.to}`)).toEqual([`${REPLICA_APPLY_RPC_TYPE}:c`]);
    expect(r.stats.view().hintsTaken).toBe(1);
    // One down replica, the coordinator standing in, the other replica up: W = 2 without waiting on a peer's hint.
    const e = replicator({ ring: ['a', 'b', 'c', 'self', 'e'], down: ['a'] });
    await e.replicate(table());
    expect(e.durable).toEqual(['a']);
    expect(hintsSent(e)).toEqual([]);
    // Without a durable hint store the coordinator is no fallback: e is taken instead.
    const notSelf = replicator({ ring: ['a', 'b', 'c', 'self', 'e'], down: ['a'], durable: false });
    await notSelf.replicate(table());
    expect(hintsSent(notSelf)).toEqual(['e->a']);
  });

  it('sends a fallback the writes of a replica believed up whose send failed, and counts it', async () => {
    // b and c are still believed up (not yet seen dead) but their sends fail: d stands in for one of them.
    const r = replicator({ ring: ['self', 'b', 'c', 'd'], failing: ['b', 'c'] });
    await r.replicate(table());
    const standIn = hintsSent(r);
    expect(standIn).toHaveLength(1);
    expect(['d->b', 'd->c']).toContain(standIn[0]);
    // The other has no fallback left: its hint stays here.
    expect(r.hinted).toEqual([standIn[0] === 'd->b' ? 'c' : 'b']);
    expect(r.stats.view()).toMatchObject({ requestsFailed: 2, hintsSent: 1, writesIncomplete: 0 });
    // A pending replica whose send fails gets no fallback: it stops raising W and is hinted here.
    const p = replicator({ ring: ['self', 'b', 'c', 'd'], pending: ['d'], failing: ['d'] });
    await p.replicate(table());
    expect(hintsSent(p)).toEqual([]);
    expect(p.hinted).toEqual(['d']);
  });

  it('sends a fallback only what did not land before a send failed midway', async () => {
    const t = table();
    // One change per request: b takes the first (partition 1) and fails from its second on.
    const r = replicator({ ring: ['self', 'b', 'c', 'd'], failFrom: { b: 2 }, requestBytesMax: 1 });
    await r.replicate(t, [change(t, 1), change(t, 2), change(t, 3)]);
    const toD = r.sent.filter((s) => s.type === REPLICA_HINT_RPC_TYPE);
    expect(toD.map((s) => `${s.to}->${s.standsInFor}`)).toEqual(['d->b', 'd->b']);
    expect(toD.flatMap((s) => s.partitions)).toEqual([2, 3]);
    expect(r.hinted).toEqual([]);
  });

  it('skips candidates that are pending replicas of the partition', async () => {
    // d is receiving the partition (pending): it gets the write itself and raises W; e stands in for b.
    const r = replicator({ ring: ['self', 'b', 'c', 'd', 'e'], down: ['b'], pending: ['d'] });
    await r.replicate(table());
    expect(hintsSent(r)).toEqual(['e->b']);
    expect(r.sent.filter((s) => s.type === REPLICA_APPLY_RPC_TYPE).map((s) => s.to).sort()).toEqual(['c', 'd']);
  });

  it('chooses per (table, partition): one request per fallback and replica it stands in for', async () => {
    const t = table();
    const r = replicator({ ring: ['self', 'b', 'c', 'd'], down: ['b'] });
    await r.replicate(t, [change(t, 1), change(t, 2), change(t, 3)]);
    expect(hintsSent(r)).toEqual(['d->b']);
    expect(r.hinted).toEqual([]);
  });
});

describe('replica.hint messages', () => {
  // As it travels (packed, replica.apply protocol 2).
  const apply: ApplyRequestBody = encodeApplyRequest(encodeRowVersion({ hlc: hlcOf(100, 0), node: 'n-1' }), [
    { name: 't', shape: 's', keys: [new Uint8Array([0, 1, 2])], rows: [null], bases: [null] },
  ]);

  it('survive the RPC codec', () => {
    const parsed = parseHintRequest(decodeBody(encodeBody(hintRequest('n-2', apply))));
    expect(parsed.standsInFor).toBe('n-2');
    expect([...parsed.request.tables[0]!.keys[0]!]).toEqual([0, 1, 2]);
    const reply = { kind: 'hinted', v: REPLICA_HINT_PROTOCOL_VERSION, stored: true };
    expect(parseHintReply(decodeBody(encodeBody(reply)))).toEqual(reply);
  });

  it('refuse other versions and malformed shapes', () => {
    const good = hintRequest('n-2', apply);
    const bad: unknown[] = [
      undefined,
      [],
      'hint',
      { ...good, v: 2 },
      { ...good, kind: 'apply' },
      { ...good, standsInFor: '' },
      { ...good, standsInFor: 7 },
      { ...good, standsInFor: 'x'.repeat(300) },
      { ...good, request: undefined },
      { ...good, request: { ...apply, v: 9 } },
      { ...good, request: { ...apply, tables: [{ ...apply.tables[0], changes: new Uint8Array([0, 9]) }] } },
    ];
    for (const b of bad) expect(() => parseHintRequest(b)).toThrow(expect.objectContaining({ code: 'protocol_violation' }));
    for (const b of [{ kind: 'hinted', v: 1 }, { kind: 'hinted', v: 2, stored: true }, { kind: 'applied', v: 1, stored: true }, null]) {
      expect(() => parseHintReply(b)).toThrow(expect.objectContaining({ code: 'protocol_violation' }));
    }
  });
});

describe('the fallback (HintTaker) and durable hints', () => {
  let dir: string;
  let env: RootDatabase;
  let db: Database<unknown, HintKey>;
  const openDb = (): void => {
    env = open({ path: dir, noSubdir: false, maxDbs: 2 });
    db = env.openDB<unknown, HintKey>({ name: 'hints', encoding: 'msgpack' });
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eon-sloppy-'));
    openDb();
  });
  afterEach(async () => {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // As it travels (packed, replica.apply protocol 2).
  const apply: ApplyRequestBody = encodeApplyRequest(encodeRowVersion({ hlc: hlcOf(100, 0), node: 'n-1' }), [
    { name: 't', shape: 's', keys: [new Uint8Array([0, 1, 2])], rows: [null], bases: [null] },
  ]);

  function taker(hints: HintStore, stats: ReplicationStats, applied: ApplyRequest[] = [], refuse = false): HintTaker {
    return new HintTaker({
      self: 'me',
      hints,
      isMember: (id) => id !== 'stranger',
      applyLocal: async (request): Promise<ApplyReply> => {
        applied.push(request);
        return { kind: 'applied', v: REPLICA_PROTOCOL_VERSION, applied: 1, stale: 0, conflicts: 0, refused: refuse ? [{ table: 't', reason: 'unknown-table' }] : [] };
      },
      stats,
    });
  }

  it('addDurable has the hint committed when it resolves', async () => {
    const hints = new HintStore(db);
    expect(await hints.addDurable('b', { n: 1 })).toBe(true);
    // Committed: a read sees it without waiting for the next batched commit.
    expect(db.get(['b', 1])).toEqual({ n: 1 });
    expect(hints.pending('b')).toBe(1);
    expect(hints.stats.stored).toBe(1);
    await env.close();
    openDb();
    expect(new HintStore(db).oldest('b', 10).map((h) => h.body)).toEqual([{ n: 1 }]);
  });

  it('keeps a valid hint durably for the replica named and counts it', async () => {
    const hints = new HintStore(db);
    const stats = new ReplicationStats();
    const reply = await taker(hints, stats).take(decodeBody(encodeBody(hintRequest('b', apply))));
    expect(reply).toEqual({ kind: 'hinted', v: REPLICA_HINT_PROTOCOL_VERSION, stored: true });
    expect(hints.pending('b')).toBe(1);
    // Kept as it travelled, so the replica parses it as the coordinator sent it.
    const kept = parseApplyRequest(hints.oldest('b', 1)[0]!.body);
    expect(kept.kind).toBe('apply');
    expect([...kept.tables[0]!.keys[0]!]).toEqual([0, 1, 2]);
    expect(stats.view().hintsTaken).toBe(1);
  });

  it('refuses malformed requests (counted), hints for strangers, and applies hints naming itself', async () => {
    const hints = new HintStore(db);
    const stats = new ReplicationStats();
    const applied: ApplyRequest[] = [];
    const t = taker(hints, stats, applied);
    const bad: HintRequest = { ...hintRequest('b', apply), v: 2 as typeof REPLICA_HINT_PROTOCOL_VERSION };
    await expect(t.take(bad)).rejects.toMatchObject({ code: 'protocol_violation' });
    await expect(t.take({ kind: 'hint' })).rejects.toMatchObject({ code: 'protocol_violation' });
    expect(stats.view().malformed).toBe(2);
    expect(await t.take(hintRequest('stranger', apply))).toMatchObject({ stored: false });
    expect(await t.take(hintRequest('me', apply))).toMatchObject({ stored: true });
    expect(applied).toHaveLength(1);
    expect(await taker(hints, stats, [], true).take(hintRequest('me', apply))).toMatchObject({ stored: false });
    expect(hints.total()).toBe(0);
    expect(stats.view().hintsTaken).toBe(0);
  });
});
