// transfer.pull is validated on arrival: wrong versions, keys of another partition, rows out of
// key order and cursors that do not move on are refused, so a peer cannot make a transfer loop.
import { describe, expect, it } from 'vitest';
import { TRANSFER_PROTOCOL_VERSION, parsePullReply, parsePullRequest } from '../../../../src/cluster/transfer/index.js';
import type { RowsRequest } from '../../../../src/cluster/transfer/index.js';

const Q = 64;
const key = (p: number, ...rest: number[]): Uint8Array => Uint8Array.from([p >> 8, p & 0xff, ...rest]);
const entry = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 97]);
const rows: RowsRequest = { kind: 'rows', v: TRANSFER_PROTOCOL_VERSION, partition: 3, table: 't', shape: 's', after: key(3, 1) };

describe('transfer.pull messages', () => {
  it('accepts well-formed requests and replies', () => {
    expect(parsePullRequest({ kind: 'tables', v: 1 }, Q)).toEqual({ kind: 'tables', v: 1 });
    expect(parsePullRequest({ ...rows }, Q)).toEqual(rows);
    const reply = parsePullReply({ kind: 'rows', v: 1, rows: [{ k: key(3, 2), e: entry, r: null }, { k: key(3, 5), e: entry, r: Uint8Array.from([1]) }], next: key(3, 5) }, rows, Q);
    expect(reply.kind === 'rows' && reply.rows.length).toBe(2);
  });

  it('refuses another protocol version, kind or partition', () => {
    expect(() => parsePullRequest({ kind: 'tables', v: 2 }, Q)).toThrow(/protocol version/);
    expect(() => parsePullRequest({ kind: 'push', v: 1 }, Q)).toThrow(/kind/);
    expect(() => parsePullRequest({ ...rows, partition: Q }, Q)).toThrow(/partition/);
    expect(() => parsePullRequest({ ...rows, after: key(4, 1) }, Q)).toThrow(/partition 4/);
  });

  it('refuses rows out of key order, before the cursor, or a cursor that does not move on', () => {
    const reply = (r: unknown[], next: Uint8Array | null): unknown => ({ kind: 'rows', v: 1, rows: r, next });
    expect(() => parsePullReply(reply([{ k: key(3, 1), e: entry, r: null }], null), rows, Q)).toThrow(/order/);
    expect(() => parsePullReply(reply([{ k: key(3, 4), e: entry, r: null }, { k: key(3, 3), e: entry, r: null }], null), rows, Q)).toThrow(/order/);
    expect(() => parsePullReply(reply([], key(3, 1)), rows, Q)).toThrow(/move on/);
    expect(() => parsePullReply(reply([{ k: key(5, 4), e: entry, r: null }], null), rows, Q)).toThrow(/partition/);
    expect(() => parsePullReply(reply([{ k: key(3, 4), e: 'x', r: null }], null), rows, Q)).toThrow(/version entry/);
  });
});
