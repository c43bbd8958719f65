// The pure parts of replicated writes: version entries, quorum counting, message validation,
// table settings and shapes.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeBody, decodeBody } from '../../../../src/cluster/rpc/index.js';
import {
  REPLICA_LISTS_PROTOCOL_VERSION,
  REPLICA_PROTOCOL_VERSION,
  VERSION_ZERO,
  WriteQuorum,
  checkQuorum,
  decodeVersionEntry,
  encodeApplyRequest,
  encodeVersionEntry,
  parseApplyReply,
  parseApplyRequest,
  tableQuorum,
  tableShape,
  versionStamp,
} from '../../../../src/cluster/replication/index.js';
import { compareVersions, encodeRowVersion, hlcOf } from '../../../../src/cluster/version/index.js';
import type { TableSchema } from '../../../../storage/index.js';

const table = (over: Partial<TableSchema> = {}): TableSchema => ({
  id: 1,
  name: 't',
  columns: [
    { name: 'id', type: { kind: 'int4' }, notNull: true },
    { name: 'v', type: { kind: 'numeric', precision: 10, scale: 2 }, notNull: false },
  ],
  primaryKey: [0],
  distributionKey: [0],
  ...over,
});

describe('version entries', () => {
  it('round-trip versions and the tombstone flag', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 0, max: 65535 }), fc.string({ minLength: 1, maxLength: 20 }), fc.boolean(), (ms, logical, node, tombstone) => {
        const version = { hlc: hlcOf(ms, logical), node };
        expect(decodeVersionEntry(encodeVersionEntry({ version, tombstone }))).toEqual({ version, tombstone });
      }),
    );
  });

  it('refuses damaged entries with replica_data_corrupted', () => {
    const good = encodeVersionEntry({ version: { hlc: hlcOf(5, 1), node: 'n-1' }, tombstone: false });
    expect(() => decodeVersionEntry(good.subarray(0, 1))).toThrow(expect.objectContaining({ code: 'replica_data_corrupted' }));
    expect(() => decodeVersionEntry(good.subarray(0, good.length - 1))).toThrow(expect.objectContaining({ code: 'replica_data_corrupted' }));
    const flagged = good.slice();
    flagged[0] = 0x80;
    expect(() => decodeVersionEntry(flagged)).toThrow(expect.objectContaining({ code: 'replica_data_corrupted' }));
  });

  it('orders version zero before every real version, and stamps differ only in the flag', () => {
    expect(compareVersions(VERSION_ZERO, { hlc: 1n, node: 'a' })).toBe(-1);
    const stamp = versionStamp({ hlc: hlcOf(9, 0), node: 'n-2' });
    expect(decodeVersionEntry(stamp.live).tombstone).toBe(false);
    expect(decodeVersionEntry(stamp.tombstone).tombstone).toBe(true);
    expect(stamp.live.subarray(1)).toEqual(stamp.tombstone.subarray(1));
  });
});

describe('write quorum', () => {
  const slot = (partition: number, replicas: string[], need: number) => ({ table: 't', partition, replicas, need });

  it('counts the coordinator where it is a replica, and each replica once', () => {
    const q = new WriteQuorum([slot(0, ['a', 'b', 'c'], 2), slot(1, ['b', 'c', 'd'], 2)], 'a');
    expect(q.satisfied).toBe(false);
    q.held('b', [0, 1]);
    q.held('b', [0, 1]);
    expect(q.shortfall().map((s) => [s.slot.partition, s.reached])).toEqual([[1, 1]]);
    q.held('a', [1]); // not a replica of partition 1
    expect(q.satisfied).toBe(false);
    q.held('d', [1]);
    expect(q.satisfied).toBe(true);
  });

  it('names the first partition short of W and how many more are', () => {
    const q = new WriteQuorum([slot(3, ['a', 'b', 'c'], 2), slot(5, ['a', 'b', 'c'], 2), slot(6, ['a', 'b', 'c'], 2)], 'a');
    q.held('c', [2]);
    const e = q.error('b: peer_unavailable');
    expect(e.code).toBe('replication_incomplete');
    expect(e.httpStatus).toBe(503);
    expect(e.message).toBe('write reached 1 of 3 replicas of partition 3 of table "t", needed 2 (and 1 more partition); it stays committed where it was written and may still spread');
    expect(e.detail).toBe('b: peer_unavailable');
  });

  it('is satisfied at once when W is 1 and the coordinator is a replica', () => {
    expect(new WriteQuorum([slot(0, ['a', 'b'], 1)], 'a').satisfied).toBe(true);
  });

  it('excuses a pending replica whose send failed (it gets a hint), and no serving one', () => {
    // Serving a, b, c at W = 2, d pending and up: W + 1.
    const pending = { table: 't', partition: 4, replicas: ['a', 'b', 'c', 'd'], need: 3, excusable: ['d'] };
    const q = new WriteQuorum([pending], 'a');
    q.held('b', [0]);
    expect(q.satisfied).toBe(false);
    q.excuse('c', [0]); // a serving replica's failure changes nothing
    q.excuse('d', [0]);
    q.excuse('d', [0]); // once
    expect(q.satisfied).toBe(true);

    const short = new WriteQuorum([pending], 'a');
    short.excuse('d', [0]);
    expect(short.satisfied).toBe(false);
    expect(short.error(undefined).message).toMatch(/^write reached 1 of 4 replicas of partition 4 of table "t", needed 2;/);
    // Held, then failing a later request of the same write: stays counted as held.
    const held = new WriteQuorum([pending], 'a');
    held.held('d', [0]);
    held.excuse('d', [0]);
    held.held('b', [0]);
    expect(held.satisfied).toBe(true);
  });
});

describe('replica.apply messages', () => {
  const version = encodeRowVersion({ hlc: hlcOf(100, 0), node: 'n-1' });
  // Version 1: the changes as three lists (still taken, as hints an older build kept).
  const request = {
    kind: 'apply',
    v: REPLICA_LISTS_PROTOCOL_VERSION,
    version,
    tables: [{ name: 't', shape: 's', keys: [new Uint8Array([0, 1, 2])], rows: [null], bases: [null] }],
  };

  it('pack a table\'s changes into one byte string that survives the RPC codec', () => {
    const keys = [new Uint8Array([0, 1, 2]), new Uint8Array([0, 3, 9, 9]), new Uint8Array(300).fill(7)];
    const rows = [new Uint8Array([5, 6]), null, new Uint8Array(70_000).fill(1)];
    const bases = [null, new Uint8Array([1, 2, 3]), new Uint8Array(0)];
    const body = encodeApplyRequest(version, [{ name: 't', shape: 's', keys, rows, bases }, { name: 'u', shape: 's2', keys: [], rows: [], bases: [] }]);
    expect(body.v).toBe(REPLICA_PROTOCOL_VERSION);
    expect(body.tables[0]!.changes).toBeInstanceOf(Uint8Array);
    const parsed = parseApplyRequest(decodeBody(encodeBody(body)));
    expect(parsed.tables.map((t) => t.name)).toEqual(['t', 'u']);
    const t = parsed.tables[0]!;
    expect(t.keys.map((k) => [...k])).toEqual(keys.map((k) => [...k]));
    expect(t.rows.map((r) => (r === null ? null : [...r]))).toEqual(rows.map((r) => (r === null ? null : [...r])));
    expect(t.bases.map((b) => (b === null ? null : [...b]))).toEqual(bases.map((b) => (b === null ? null : [...b])));
    expect(parsed.tables[1]!.keys).toEqual([]);
  });

  it('refuse packed changes that are cut short or name a key of the wrong size', () => {
    const good = encodeApplyRequest(version, [{ name: 't', shape: 's', keys: [new Uint8Array([0, 1, 2])], rows: [new Uint8Array([4, 4])], bases: [new Uint8Array([8])] }]);
    const bytes = good.tables[0]!.changes;
    const withChanges = (changes: unknown): unknown => ({ ...good, tables: [{ ...good.tables[0], changes }] });
    const shortKey = Uint8Array.from([0, 1, 9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    for (let cut = 1; cut < bytes.length; cut++) expect(() => parseApplyRequest(withChanges(bytes.subarray(0, cut)))).toThrow(expect.objectContaining({ code: 'protocol_violation' }));
    for (const bad of [withChanges(shortKey), withChanges([1, 2]), withChanges(undefined), { ...good, v: 3 }]) {
      expect(() => parseApplyRequest(bad)).toThrow(expect.objectContaining({ code: 'protocol_violation' }));
    }
    expect(parseApplyRequest(good).tables[0]!.rows.map((r) => [...r!])).toEqual([[4, 4]]);
  });

  it('survive the RPC codec', () => {
    const parsed = parseApplyRequest(decodeBody(encodeBody(request)));
    expect(parsed.tables[0]!.name).toBe('t');
    expect([...parsed.tables[0]!.keys[0]!]).toEqual([0, 1, 2]);
    expect(parsed.tables[0]!.rows[0]).toBeNull();
    const reply = { kind: 'applied', v: REPLICA_PROTOCOL_VERSION, applied: 1, stale: 0, conflicts: 0, refused: [{ table: 'u', reason: 'unknown-table' }] };
    expect(parseApplyReply(decodeBody(encodeBody(reply)))).toEqual(reply);
  });

  it('refuse other versions and malformed shapes', () => {
    const bad: unknown[] = [
      undefined,
      [],
      { ...request, v: 3 },
      // A version 2 request carries packed changes, not the lists.
      { ...request, v: REPLICA_PROTOCOL_VERSION },
      { ...request, kind: 'applied' },
      { ...request, version: 'x' },
      { ...request, tables: {} },
      { ...request, tables: [{ ...request.tables[0], name: '' }] },
      { ...request, tables: [{ ...request.tables[0], keys: [new Uint8Array([0])] }] },
      { ...request, tables: [{ ...request.tables[0], rows: [] }] },
      { ...request, tables: [{ ...request.tables[0], rows: ['row'] }] },
      { ...request, tables: [{ ...request.tables[0], keys: [new Uint8Array(3000)] }] },
    ];
    for (const b of bad) expect(() => parseApplyRequest(b)).toThrow(expect.objectContaining({ code: 'protocol_violation' }));
    expect(() => parseApplyReply({ kind: 'applied', v: 1, applied: -1, stale: 0, conflicts: 0, refused: [] })).toThrow(expect.objectContaining({ code: 'protocol_violation' }));
    expect(() => parseApplyReply({ kind: 'applied', v: 1, applied: 0, stale: 0, conflicts: 0, refused: [{ table: 't', reason: 'why' }] })).toThrow(
      expect.objectContaining({ code: 'protocol_violation' }),
    );
  });
});

describe('table settings and shape', () => {
  it('defaults to N = 3, W = 2, R = 2 and validates 1 ≤ W ≤ N, 1 ≤ R ≤ N', () => {
    expect(tableQuorum(table())).toEqual({ replicas: 3, writeQuorum: 2, readQuorum: 2 });
    expect(tableQuorum(table({ replicas: 5, writeQuorum: 3, readQuorum: 3 }))).toEqual({ replicas: 5, writeQuorum: 3, readQuorum: 3 });
    for (const [n, w, r] of [[0, 1, 1], [3, 4, 1], [3, 0, 1], [3, 2, 4], [2.5, 1, 1]] as const) {
      expect(() => checkQuorum({ replicas: n, writeQuorum: w, readQuorum: r })).toThrow(expect.objectContaining({ code: 'invalid_parameter_value' }));
    }
  });

  it('ignores ids and column names but not types, scales, keys or NOT NULL', () => {
    const base = tableShape(table());
    expect(tableShape(table({ id: 9, name: 'other', columns: table().columns.map((c) => ({ ...c, name: `x${c.name}` })) }))).toBe(base);
    // Property order of a type object does not matter.
    expect(tableShape(table({ columns: [table().columns[0]!, { name: 'v', type: { scale: 2, precision: 10, kind: 'numeric' }, notNull: false }] }))).toBe(base);
    expect(tableShape(table({ columns: [table().columns[0]!, { name: 'v', type: { kind: 'numeric', precision: 10, scale: 3 }, notNull: false }] }))).not.toBe(base);
    expect(tableShape(table({ primaryKey: [0, 1], distributionKey: [0] }))).not.toBe(base);
    expect(tableShape(table({ columns: [table().columns[0]!, { ...table().columns[1]!, notNull: true }] }))).not.toBe(base);
  });
});
