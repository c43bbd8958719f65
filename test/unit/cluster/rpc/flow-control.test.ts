import { afterEach, describe, expect, it } from 'vitest';
import type { EonError } from '../../../../src/errors/index.js';
import { RpcReply } from '../../../../src/cluster/rpc/index.js';
import { closeAll, pool, server } from './harness.js';

afterEach(closeAll);

/** Longest wait for the server to take its first requests. */
const SETTLE_MS_MAX = 10_000;

describe('flow control', () => {
  it('bounds in-flight requests per connection: slow handlers pause reading, and everything completes', async () => {
    const { address, server: s } = await server({ inFlightRequestsMax: 4 });
    let running = 0;
    let peak = 0;
    s.handle('slow', async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      return n;
    });
    const p = pool();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => p.request(address, 'slow', i)));
    expect(results.map((r) => r.body)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(peak).toBe(4);
    expect(s.stats().inFlight).toBe(0);
  });

  it('stops reading a connection at its in-flight limit, so stalled handlers do not buffer the stream', async () => {
    const { address, server: s } = await server({ inFlightRequestsMax: 2 });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    s.handle('gated', async (_b, ctx) => {
      await gate;
      return ctx.attachment!.byteLength;
    });
    const p = pool();
    const attachment = new Uint8Array(64 * 1024);
    const all = Promise.all(Array.from({ length: 100 }, () => p.request(address, 'gated', null, { attachment })));
    // Until the server has taken its two (bounded: a loaded machine connects slowly), then a
    // while longer for anything it would wrongly read past them.
    for (const t0 = Date.now(); s.stats().inFlight < 2 && Date.now() - t0 < SETTLE_MS_MAX; ) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    // 6.4 MiB were sent; the server took two requests and then at most a few socket buffers' worth.
    expect(s.stats().inFlight).toBe(2);
    expect(s.stats().bytesIn).toBeLessThan(2 * 1024 * 1024);
    release();
    expect((await all).every((r) => r.body === attachment.byteLength)).toBe(true);
  });

  it('keeps a connection whose responses outrun the send queue bound, and answers them all', async () => {
    const { address, server: s } = await server({ sendQueueBytesMax: 128 * 1024 });
    const blob = new Uint8Array(256 * 1024).fill(3);
    s.handle('blob', async () => new RpcReply(null, blob));
    const p = pool();
    const results = await Promise.all(Array.from({ length: 40 }, () => p.request(address, 'blob', null)));
    expect(results.every((r) => r.attachment!.byteLength === blob.byteLength)).toBe(true);
    expect(s.stats().connectionsTotal).toBe(1);
    expect(s.stats().errors.send_overflow).toBeUndefined();
  });

  it('fails a send beyond the send queue bound with peer_overloaded', async () => {
    const { address, server: s } = await server({ inFlightRequestsMax: 1 });
    s.handle('stall', () => new Promise(() => {}));
    const p = pool({ sendQueueBytesMax: 256 * 1024 });
    await p.request(address, 'echo', 0);
    // The server stops reading after one stalled request, so the socket buffers fill and then our queue.
    void p.request(address, 'stall', null).catch(() => {});
    const attachment = new Uint8Array(64 * 1024);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 400 }, () => p.request(address, 'echo', null, { attachment, timeoutMs: 300 })),
    );
    const codes = new Set(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as EonError).code : 'ok')));
    expect(codes.has('peer_overloaded')).toBe(true);
    expect(p.stats().errors.send_overflow).toBeGreaterThan(0);
  });

});
