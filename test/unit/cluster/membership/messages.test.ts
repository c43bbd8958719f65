// The SWIM wire validator, the precedence rules, the gossip queue and the configuration checks.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SWIM_CONFIG, DisseminationQueue, MEMBER_STATES, META_KEYS_MAX, MESSAGE_RECORDS_MAX, overrides,
  retransmitLimit, statsNewer, suspicionTimeoutMs, swimConfig, validateSwimMessage,
} from '../../../../src/cluster/membership/index.js';
import type { MemberState, MemberUpdate } from '../../../../src/cluster/membership/index.js';

const stats = { heartbeat: 3, revision: 7, meanResponseMs: 1.5, errorRate: 0, load: 0.2 };
const sender = { id: 'a', address: 'a:1', incarnation: 2, state: 'alive', meta: { pg: 5432, zone: 'z' }, stats };
const update = { id: 'b', address: 'b:1', incarnation: 1, state: 'suspect', meta: {} };
const ping = { v: 1, kind: 'ping', seq: 9, sender, updates: [update], stats: [{ id: 'b', incarnation: 1, stats }] };

describe('validateSwimMessage', () => {
  it('accepts each kind and returns a clean copy', () => {
    expect(validateSwimMessage(ping)).toEqual(ping);
    expect(validateSwimMessage({ ...ping, kind: 'ack' })).toEqual({ ...ping, kind: 'ack' });
    expect(validateSwimMessage({ ...ping, kind: 'ping-req', target: 'c' })).toEqual({ ...ping, kind: 'ping-req', target: 'c' });
    const { seq: _seq, ...noSeq } = ping;
    expect(validateSwimMessage({ ...noSeq, kind: 'join' })).toEqual({ ...noSeq, kind: 'join' });
    expect(validateSwimMessage({ ...noSeq, kind: 'join-reply' })?.kind).toBe('join-reply');
    const extra = validateSwimMessage({ ...ping, surprise: 1, sender: { ...sender, junk: true } });
    expect(extra).not.toHaveProperty('surprise');
    expect(extra?.sender).not.toHaveProperty('junk');
    const geo = { ...stats, geolocation: { lat: 1, lon: 2 }, extra: { qps: 3 } };
    expect(validateSwimMessage({ ...ping, sender: { ...sender, stats: geo } })?.sender.stats).toEqual(geo);
  });

  it('refuses wrong versions, kinds, fields and sizes', () => {
    const bad: unknown[] = [
      undefined, null, 1, 'x', [], { ...ping, v: 0 }, { ...ping, v: '1' }, { ...ping, kind: 'nope' },
      { ...ping, seq: 1.5 }, { ...ping, seq: -1 }, { ...ping, kind: 'ping-req' }, { ...ping, kind: 'ping-req', target: '' },
      { ...ping, sender: null }, { ...ping, sender: { ...sender, id: '' } }, { ...ping, sender: { ...sender, id: 'x'.repeat(257) } },
      { ...ping, sender: { ...sender, incarnation: -1 } }, { ...ping, sender: { ...sender, state: 'zombie' } },
      { ...ping, sender: { ...sender, meta: { k: {} } } }, { ...ping, sender: { ...sender, meta: [] } },
      { ...ping, sender: { ...sender, meta: Object.fromEntries(Array.from({ length: META_KEYS_MAX + 1 }, (_, i) => [`k${i}`, i])) } },
      { ...ping, sender: { ...sender, stats: { ...stats, load: Number.NaN } } },
      { ...ping, sender: { ...sender, stats: { ...stats, heartbeat: 1.5 } } },
      { ...ping, sender: { ...sender, stats: { ...stats, geolocation: { lat: 91, lon: 0 } } } },
      { ...ping, sender: { ...sender, stats: { ...stats, extra: { q: 'x' } } } },
      { ...ping, updates: {} }, { ...ping, updates: [update, null] }, { ...ping, stats: [{ id: 'b', incarnation: 0 }] },
      { ...ping, updates: Array.from({ length: MESSAGE_RECORDS_MAX + 1 }, () => update) },
    ];
    for (const b of bad) expect(validateSwimMessage(b)).toBeNull();
  });

  it('never throws and only returns messages it would accept again (random input)', () => {
    const value = fc.anything({ maxDepth: 4, withObjectString: true, withNullPrototype: true });
    fc.assert(fc.property(value, (x) => {
      const m = validateSwimMessage(x);
      if (m !== null) expect(validateSwimMessage(m)).toEqual(m);
    }), { numRuns: 500 });
    // Mutations of a valid message: one field replaced by anything.
    const fields = ['v', 'kind', 'seq', 'sender', 'updates', 'stats'];
    fc.assert(fc.property(fc.constantFrom(...fields), value, (k, x) => {
      const m = validateSwimMessage({ ...ping, [k]: x });
      if (m !== null) expect(validateSwimMessage(m)).toEqual(m);
    }), { numRuns: 500 });
  });

  it('a "__proto__" meta key stays an own property', () => {
    const meta = JSON.parse('{"__proto__": "x", "zone": "z"}') as Record<string, unknown>;
    const m = validateSwimMessage({ ...ping, sender: { ...sender, meta } });
    expect(m).not.toBeNull();
    expect(Object.getPrototypeOf(m!.sender.meta)).toBe(Object.prototype);
    expect(Object.keys(m!.sender.meta).sort()).toEqual(['__proto__', 'zone']);
  });
});

describe('SWIM precedence', () => {
  const rank: Record<MemberState, number> = { alive: 0, suspect: 1, dead: 2, left: 3 };
  it('higher incarnation wins; at equal incarnation alive < suspect < dead < left; equal reports never override', () => {
    for (const a of MEMBER_STATES) for (const b of MEMBER_STATES) {
      expect(overrides({ incarnation: 2, state: a }, { incarnation: 1, state: b })).toBe(true);
      expect(overrides({ incarnation: 1, state: a }, { incarnation: 2, state: b })).toBe(false);
      expect(overrides({ incarnation: 1, state: a }, { incarnation: 1, state: b })).toBe(rank[a] > rank[b]);
    }
    // The refutation rule: alive at a higher incarnation beats suspect and dead.
    expect(overrides({ incarnation: 4, state: 'alive' }, { incarnation: 3, state: 'dead' })).toBe(true);
    expect(overrides({ incarnation: 3, state: 'alive' }, { incarnation: 3, state: 'suspect' })).toBe(false);
  });

  it('stats: a higher incarnation or a higher heartbeat is newer', () => {
    expect(statsNewer({ incarnation: 1, heartbeat: 1 }, { incarnation: 0, heartbeat: 99 })).toBe(true);
    expect(statsNewer({ incarnation: 1, heartbeat: 5 }, { incarnation: 1, heartbeat: 4 })).toBe(true);
    expect(statsNewer({ incarnation: 1, heartbeat: 4 }, { incarnation: 1, heartbeat: 4 })).toBe(false);
  });
});

describe('DisseminationQueue', () => {
  const u = (id: string, incarnation = 0): MemberUpdate => ({ id, address: id, incarnation, state: 'alive', meta: {} });

  it('sends least-sent, newest first, at most max per message, each update limit times', () => {
    const q = new DisseminationQueue();
    q.enqueue(u('a'));
    q.enqueue(u('b'));
    q.enqueue(u('c'));
    expect(q.select(2, 2).map((x) => x.id)).toEqual(['c', 'b']);
    expect(q.select(2, 2).map((x) => x.id)).toEqual(['a', 'c']);
    expect(q.select(2, 2).map((x) => x.id)).toEqual(['b', 'a']);
    expect(q.size).toBe(0);
    expect(q.select(2, 2)).toEqual([]);
  });

  it('keeps only the latest report per member, counted afresh, and can leave one out', () => {
    const q = new DisseminationQueue();
    q.enqueue(u('a', 1));
    q.enqueue(u('b'));
    q.select(2, 5);
    q.enqueue(u('a', 2));
    expect(q.size).toBe(2);
    expect(q.pending('a')?.incarnation).toBe(2);
    expect(q.select(1, 5)).toEqual([u('a', 2)]);
    expect(q.select(5, 5, 'a').map((x) => x.id)).toEqual(['b']);
    q.forget('a');
    expect(q.pending('a')).toBeUndefined();
  });
});

describe('SWIM configuration', () => {
  it('checks relations between the constants', () => {
    expect(swimConfig()).toEqual(DEFAULT_SWIM_CONFIG);
    expect(() => swimConfig({ pingTimeoutMs: 600 })).toThrow();
    expect(() => swimConfig({ protocolPeriodMs: 0 })).toThrow();
    expect(() => swimConfig({ joinRetryMaxMs: 1 })).toThrow();
    expect(() => swimConfig({ piggybackUpdatesMax: 0 })).toThrow();
    expect(swimConfig({ protocolPeriodMs: 200, pingTimeoutMs: 80 }).protocolPeriodMs).toBe(200);
  });

  it('suspicion and retransmission scale with log(n)', () => {
    expect(suspicionTimeoutMs(DEFAULT_SWIM_CONFIG, 5)).toBe(4000);
    expect(suspicionTimeoutMs(DEFAULT_SWIM_CONFIG, 10)).toBe(4000);
    expect(suspicionTimeoutMs(DEFAULT_SWIM_CONFIG, 100)).toBe(8000);
    expect(retransmitLimit(DEFAULT_SWIM_CONFIG, 1)).toBe(3);
    expect(retransmitLimit(DEFAULT_SWIM_CONFIG, 7)).toBe(9);
    expect(retransmitLimit(DEFAULT_SWIM_CONFIG, 20)).toBe(15);
  });
});
