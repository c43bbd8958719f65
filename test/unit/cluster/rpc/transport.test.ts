import { afterEach, describe, expect, it } from 'vitest';
import type { NodeId, Transport } from '../../../../src/cluster/runtime.js';
import { PeerPool, PeerServer, routeMessages, rpcTransport } from '../../../../src/cluster/rpc/index.js';

const SECRET = 'transport test secret';
const HOST = '127.0.0.1';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface Ping {
  readonly kind: 'ping';
  readonly n: number;
}
const isPing = (b: unknown): b is Ping =>
  typeof b === 'object' && b !== null && (b as Ping).kind === 'ping' && Number.isInteger((b as Ping).n);

/** A node: a server, a pool and an address book shared by the test. */
async function node(id: NodeId, book: Map<NodeId, string>): Promise<{ server: PeerServer; pool: PeerPool; transport: Transport<Ping> }> {
  const server = new PeerServer({ nodeId: id, secret: SECRET, host: HOST });
  const { port } = await server.listen(HOST, 0);
  book.set(id, `${HOST}:${port}`);
  const pool = new PeerPool({ nodeId: id, secret: SECRET });
  closers.push(() => server.close(), () => pool.close());
  return { server, pool, transport: rpcTransport<Ping>(pool, 'ping', (to) => book.get(to)) };
}

describe('rpcTransport and routeMessages', () => {
  it('runs a synchronous ping-pong protocol over one-way messages, with authenticated senders', async () => {
    const book = new Map<NodeId, string>();
    const a = await node('a', book);
    const b = await node('b', book);
    const seen: string[] = [];
    let done: () => void = () => {};
    const finished = new Promise<void>((r) => (done = r));
    for (const [self, n] of [['a', a], ['b', b]] as const) {
      routeMessages(n.server, 'ping', isPing, (from, msg) => {
        seen.push(`${from}->${self}:${msg.n}`);
        if (msg.n >= 20) return done();
        n.transport.send(from, { kind: 'ping', n: msg.n + 1 });
      });
    }
    a.transport.send('b', { kind: 'ping', n: 0 });
    await finished;
    expect(seen).toHaveLength(21);
    expect(seen[0]).toBe('a->b:0');
    expect(seen[1]).toBe('b->a:1');
    expect(seen[20]).toBe('a->b:20');
  });

  it('drops messages to nodes without an address and invalid arrivals, counted', async () => {
    const book = new Map<NodeId, string>();
    const a = await node('a', book);
    const b = await node('b', book);
    let invalid = 0;
    const got: Ping[] = [];
    routeMessages(b.server, 'ping', isPing, (_from, m) => got.push(m), () => invalid++);
    a.transport.send('nobody', { kind: 'ping', n: 1 });
    expect(a.pool.stats().errors.dropped_unknown_node).toBe(1);
    // A peer sending a malformed body of the same type (a bug, or an older version).
    a.pool.send(book.get('b')!, 'ping', { kind: 'ping', n: 'x' });
    a.transport.send('b', { kind: 'ping', n: 2 });
    b.server.handle('sync', async () => null);
    await a.pool.request(book.get('b')!, 'sync', null);
    expect(invalid).toBe(1);
    expect(got).toEqual([{ kind: 'ping', n: 2 }]);
  });
});
