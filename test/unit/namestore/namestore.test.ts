import { describe, expect, it } from 'vitest';
import type { CasOutcome, ConsensusValue, ReadOutcome, Versioned } from '../../../src/cluster/consensus/index.js';
import type { NodeId } from '../../../src/cluster/runtime.js';
import { EonError } from '../../../src/errors/index.js';
import {
  NAME_BYTES_MAX,
  NAMESTORE_REPLICAS,
  Namestore,
  NamestoreStats,
  checkName,
  decodeNameState,
  encodeNameRecord,
  type NameRegister,
} from '../../../src/namestore/index.js';
import { sqlstateOf } from '../../support/errors.js';

/** A one-process register: every CAS and read answers at once, or with the outcome a test forces. */
class MemoryRegister implements NameRegister {
  readonly values = new Map<string, Versioned>();
  readonly calls: string[] = [];
  replicasSeen: readonly NodeId[] = [];
  forced: CasOutcome | ReadOutcome | null = null;

  cas(key: string, replicas: readonly NodeId[], expected: number, value: ConsensusValue, done: (o: CasOutcome) => void): void {
    this.calls.push(`cas ${key} ${expected}`);
    this.replicasSeen = replicas;
    if (this.forced !== null) return done(this.forced as CasOutcome);
    const current = this.values.get(key) ?? { version: 0, value: null };
    if (current.version !== expected) return done({ kind: 'rejected', current });
    this.values.set(key, { version: expected + 1, value });
    done({ kind: 'applied', version: expected + 1 });
  }

  read(key: string, _replicas: readonly NodeId[], done: (o: ReadOutcome) => void): void {
    this.calls.push(`read ${key}`);
    if (this.forced !== null) return done(this.forced as ReadOutcome);
    done({ kind: 'current', current: this.values.get(key) ?? { version: 0, value: null } });
  }
}

function setup(joined = true): { store: Namestore; register: MemoryRegister } {
  const register = new MemoryRegister();
  let n = 0;
  const store = new Namestore({
    register,
    membership: { joined, replicasOf: (p, count) => Array.from({ length: Math.min(count, 3) }, (_, i) => `n${(p + i) % 3}`) },
    partitions: 64,
    newToken: () => `token-${++n}`,
  });
  return { store, register };
}

describe('Namestore', () => {
  it('registers a fresh name with ONE compare-and-set, and says taken to the next caller after one more', async () => {
    const { store, register } = setup();
    expect(await store.register('user:julian')).toEqual({ taken: true, token: 'token-1', registeredAtMs: expect.any(Number), replayed: false });
    expect(register.calls).toEqual(['cas name:user:julian 0']);
    expect(register.replicasSeen.length).toBe(Math.min(NAMESTORE_REPLICAS, 3));
    expect(await store.register('user:julian')).toEqual({ taken: false });
    expect(register.calls).toEqual(['cas name:user:julian 0', 'cas name:user:julian 0']);
    expect(await store.check('user:julian')).toMatchObject({ taken: true });
    expect(await store.check('user:nobody')).toEqual({ taken: false, registeredAtMs: null });
  });

  it('replays the original success for a retry with the same idempotency key, and only for it', async () => {
    const { store } = setup();
    const first = await store.register('slug', 'req-1');
    expect(first).toMatchObject({ taken: true, token: 'token-1', replayed: false });
    expect(await store.register('slug', 'req-1')).toMatchObject({ taken: true, token: 'token-1', replayed: true });
    expect(await store.register('slug', 'req-2')).toEqual({ taken: false });
    expect(await store.register('slug')).toEqual({ taken: false });
  });

  it('releases only for the holder token, then the name can be taken again at its new version', async () => {
    const { store, register } = setup();
    const r = await store.register('post/1');
    if (!r.taken) throw new Error('not taken');
    expect(await sqlstateOf(store.release('post/1', 'wrong'))).toBe('42501');
    expect(await sqlstateOf(store.release('post/2', r.token))).toBe('42704');
    await store.release('post/1', r.token);
    expect((await store.check('post/1')).taken).toBe(false);
    register.calls.length = 0;
    expect(await store.register('post/1')).toMatchObject({ taken: true });
    // A released name: the first CAS learns its version, the second takes it.
    expect(register.calls).toEqual(['cas name:post/1 0', 'cas name:post/1 2']);
    expect(store.stats.snapshot().contentionRetries).toBe(1);
  });

  it('refuses honestly: 57P03 without a majority, 40003 (504) after a proposal, 40001 when contended, 57P03 before joining', async () => {
    const { store, register } = setup();
    register.forced = { kind: 'unavailable', reached: 1, needed: 2 };
    expect(await sqlstateOf(store.register('a'))).toBe('57P03');
    expect(await sqlstateOf(store.check('a'))).toBe('57P03');
    register.forced = { kind: 'indeterminate' };
    const e = await store.register('a', 'k').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EonError);
    expect((e as EonError).httpStatus).toBe(504);
    expect((e as EonError).hint).toMatch(/same Idempotency-Key/);
    register.forced = { kind: 'contended', attempts: 16 };
    expect(await sqlstateOf(store.register('a'))).toBe('40001');
    expect(await sqlstateOf(setup(false).store.register('a'))).toBe('57P03');
    const s = store.stats.snapshot();
    expect(s).toMatchObject({ registrations: 3, unavailable: 2, indeterminate: 1, contended: 1 });
  });

  it('validates names and idempotency keys before any round trip', async () => {
    const { store, register } = setup();
    expect(await sqlstateOf(store.register(''))).toBe('42602');
    expect(await sqlstateOf(store.register('x'.repeat(NAME_BYTES_MAX + 1)))).toBe('42602');
    expect(await sqlstateOf(store.register('é'.repeat(128)))).toBe('42602'); // 256 bytes
    expect(await sqlstateOf(store.register('a\nb'))).toBe('42602');
    expect(await sqlstateOf(store.register('\ud800'))).toBe('42602');
    expect(await sqlstateOf(store.register('ok', ''))).toBe('22023');
    expect(register.calls).toEqual([]);
    expect(checkName('x'.repeat(NAME_BYTES_MAX))).toHaveLength(NAME_BYTES_MAX);
  });
});

describe('name records', () => {
  it('round-trip, and anything else in the register reads as unreadable, never as free', () => {
    const rec = { token: 't', registeredAtMs: 5, idempotencyKey: null };
    expect(decodeNameState(encodeNameRecord(rec))).toEqual({ kind: 'held', record: rec });
    expect(decodeNameState(null)).toEqual({ kind: 'free' });
    for (const bad of ['', 'x', '{}', '[]', '{"format":1,"token":"","registeredAtMs":1,"idempotencyKey":null}', '{"format":2,"token":"t","registeredAtMs":1,"idempotencyKey":null}']) {
      expect(decodeNameState(bad).kind).toBe('unreadable');
    }
  });
});

describe('NamestoreStats', () => {
  it('counts registrations per second over its window and latency percentiles', () => {
    let now = 1_000_000;
    const stats = new NamestoreStats(() => now);
    for (let i = 0; i < 100; i++) stats.answered('register', i % 2 === 0 ? 'registered' : 'taken', now - (i + 1));
    let s = stats.snapshot();
    expect(s).toMatchObject({ registrations: 100, registered: 50, alreadyTaken: 50, registrationsPerSecond: 10 });
    expect(s.latencyP50Ms).toBe(51);
    expect(s.latencyP99Ms).toBe(100);
    now += 60_000;
    s = stats.snapshot();
    expect(s.registrationsPerSecond).toBe(0);
    expect(s.registrations).toBe(100);
  });
});
