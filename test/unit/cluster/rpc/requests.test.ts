import { randomFillSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { EonError } from '../../../../src/errors/index.js';
import { RpcReply } from '../../../../src/cluster/rpc/index.js';
import { closeAll, HOST, pool, rejection, server } from './harness.js';

afterEach(closeAll);

describe('PeerServer and PeerPool', () => {
  it('round-trips a request and tells the server who called', async () => {
    const { address, server: s } = await server();
    const p = pool();
    const r = await p.request(address, 'echo', { a: 1, s: 'x', list: [1, 2, 3] });
    expect(r.body).toEqual({ echoed: { a: 1, s: 'x', list: [1, 2, 3] }, from: 'client' });
    expect(r.attachment).toBeUndefined();
    expect(p.peerIdOf(address)).toBe('server');
    expect(s.stats().requests).toBe(1);
    expect(p.stats().framesOut).toBeGreaterThanOrEqual(3);
  });

  it('serves many concurrent requests over one connection', async () => {
    const { address, server: s } = await server();
    s.handle('square', async (n) => {
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      return (n as number) * (n as number);
    });
    const p = pool();
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => p.request(address, 'square', i)));
    expect(results.map((r) => r.body)).toEqual(Array.from({ length: 500 }, (_, i) => i * i));
    expect(s.stats().connectionsTotal).toBe(1);
    expect(p.stats().inFlight).toBe(0);
    expect(s.stats().inFlight).toBe(0);
  });

  it('carries a 10 MiB binary attachment both ways', async () => {
    const { address, server: s } = await server();
    s.handle('reverse', async (_body, ctx) => new RpcReply({ n: ctx.attachment!.byteLength }, Uint8Array.from(ctx.attachment!).reverse()));
    const p = pool();
    const data = randomFillSync(new Uint8Array(10 * 1024 * 1024));
    const r = await p.request(address, 'reverse', null, { attachment: data });
    expect(r.body).toEqual({ n: data.byteLength });
    expect(r.attachment!.byteLength).toBe(data.byteLength);
    expect(Buffer.from(r.attachment!).equals(Buffer.from(data.reverse()))).toBe(true);
  });

  it('answers an unknown request type with an error response, and keeps the connection', async () => {
    const { address, server: s } = await server();
    const p = pool();
    const e = await rejection(p.request(address, 'no.such.type', 1));
    expect(e.code).toBe('feature_not_supported');
    expect((await p.request(address, 'echo', 2)).body).toEqual({ echoed: 2, from: 'client' });
    expect(s.stats().errors.unknown_type).toBe(1);
    expect(s.stats().connectionsTotal).toBe(1);
  });

  it('re-throws a handler EonError with the same code on the caller; other throws become internal_error', async () => {
    const { address, server: s } = await server();
    s.handle('conflict', async () => {
      throw new EonError('unique_violation', 'duplicate key value', { detail: 'Key (id)=(1) already exists.' });
    });
    s.handle('bug', () => {
      throw new TypeError('boom');
    });
    const p = pool();
    const e = await rejection(p.request(address, 'conflict', null));
    expect(e.code).toBe('unique_violation');
    expect(e.sqlstate).toBe('23505');
    expect(e.message).toBe('duplicate key value');
    expect(e.detail).toBe('Key (id)=(1) already exists.');
    const bug = await rejection(p.request(address, 'bug', null));
    expect(bug.code).toBe('internal_error');
    expect(bug.message).toContain('boom');
    expect(s.stats().errors.handler_error).toBe(2);
  });

  it('times out a slow request with peer_timeout and aborts the handler', async () => {
    const { address, server: s } = await server();
    let aborted: Promise<void> | undefined;
    s.handle('slow', (_b, ctx) => {
      aborted = new Promise((r) => ctx.signal.addEventListener('abort', () => r()));
      return new Promise(() => {});
    });
    const p = pool();
    const e = await rejection(p.request(address, 'slow', null, { timeoutMs: 100 }));
    expect(e.code).toBe('peer_timeout');
    await aborted;
    expect(p.stats().errors.timeout).toBe(1);
    expect((await p.request(address, 'echo', 1)).body).toEqual({ echoed: 1, from: 'client' });
  });

  it('cancels a request through its AbortSignal', async () => {
    const { address, server: s } = await server();
    s.handle('slow', () => new Promise(() => {}));
    const p = pool();
    const controller = new AbortController();
    const pending = p.request(address, 'slow', null, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect((await rejection(pending)).code).toBe('query_canceled');
  });

  it('rejects pending requests with peer_unavailable when the connection is lost', async () => {
    const { address, server: s } = await server();
    s.handle('slow', () => new Promise(() => {}));
    const p = pool();
    const pending = p.request(address, 'slow', null);
    await new Promise((r) => setTimeout(r, 30));
    await s.close();
    expect((await rejection(pending)).code).toBe('peer_unavailable');
  });

  it('reports peer_unavailable for an address nobody listens on', async () => {
    const { port, server: s } = await server();
    await s.close();
    const p = pool();
    expect((await rejection(p.request(`${HOST}:${port}`, 'echo', 1, { timeoutMs: 1000 }))).code).toBe('peer_unavailable');
  });

  it('reconnects after the server restarts on the same port', async () => {
    const first = await server();
    const p = pool({ reconnectBackoffMinMs: 10, reconnectBackoffMaxMs: 50 });
    expect((await p.request(first.address, 'echo', 1)).body).toEqual({ echoed: 1, from: 'client' });
    await first.server.close();
    expect((await rejection(p.request(first.address, 'echo', 2))).code).toBe('peer_unavailable');
    await server({}, first.port);
    let body: unknown;
    for (let i = 0; i < 50 && body === undefined; i++) {
      try {
        body = (await p.request(first.address, 'echo', 3)).body;
      } catch (e) {
        expect((e as EonError).code).toBe('peer_unavailable');
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect(body).toEqual({ echoed: 3, from: 'client' });
    expect(p.stats().reconnects).toBe(1);
  });

  it('forgets a peer: closes its connection, rejects its pending requests, reconnects on next use', async () => {
    const { address, server: s } = await server();
    s.handle('slow', () => new Promise(() => {}));
    const p = pool();
    const pending = p.request(address, 'slow', null);
    await p.request(address, 'echo', 1);
    await p.forget(address);
    expect((await rejection(pending)).code).toBe('peer_unavailable');
    expect(p.peerIdOf(address)).toBeUndefined();
    expect((await p.request(address, 'echo', 2)).body).toEqual({ echoed: 2, from: 'client' });
    expect(s.stats().connectionsTotal).toBe(2);
  });

  it('refuses a request larger than the frame limit before sending it', async () => {
    const { address } = await server();
    const p = pool({ frameBytesMax: 1024 });
    const e = await rejection(p.request(address, 'echo', null, { attachment: new Uint8Array(2048) }));
    expect(e.code).toBe('program_limit_exceeded');
  });
});
