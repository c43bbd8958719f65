import { afterEach, describe, expect, it } from 'vitest';
import { decodeBody } from '../../../../src/cluster/rpc/codec.js';
import { encodeFrame, FRAME_MAGIC, FrameDecoder, RPC_PROTOCOL_VERSION } from '../../../../src/cluster/rpc/index.js';
import { bytesUntilClose, closeAll, HOST, pool, rawSocket, rejection, server } from './harness.js';

afterEach(closeAll);

describe('malformed input', () => {
  it('closes a connection that sends garbage and keeps serving others', async () => {
    const { port, address, server: s } = await server();
    const sock = await rawSocket(port);
    const closed = bytesUntilClose(sock);
    sock.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await closed;
    expect(s.stats().errors.bad_magic).toBe(1);
    expect((await pool().request(address, 'echo', 1)).body).toEqual({ echoed: 1, from: 'client' });
  });

  it('answers a foreign protocol version with an error frame naming the supported one, then closes', async () => {
    const { port, server: s } = await server();
    const sock = await rawSocket(port);
    const closed = bytesUntilClose(sock);
    sock.write(Buffer.concat(encodeFrame('hello', 0, new Uint8Array(0), undefined, RPC_PROTOCOL_VERSION + 1)));
    const bytes = await closed;
    const d = new FrameDecoder();
    d.push(bytes);
    const f = d.next()!;
    expect(f.kind).toBe('connection-error');
    expect(decodeBody(f.body)).toMatchObject({ code: 'protocol_violation', supportedVersion: RPC_PROTOCOL_VERSION });
    expect(s.stats().errors.unsupported_version).toBe(1);
  });

  it('closes on an oversized frame header without buffering the body', async () => {
    const { port, server: s } = await server();
    const sock = await rawSocket(port);
    const closed = bytesUntilClose(sock);
    const header = Buffer.alloc(16);
    header.writeUInt8(FRAME_MAGIC, 0);
    header.writeUInt8(RPC_PROTOCOL_VERSION, 1);
    header.writeUInt8(1, 2);
    header.writeUInt32BE(0xffff_fff0, 8);
    sock.write(header);
    await closed;
    expect(s.stats().errors.frame_too_large).toBe(1);
    expect(s.stats().bytesIn).toBe(16);
  });

  it('closes an authenticated connection that sends an oversized frame; the pool reconnects', async () => {
    const { address, server: s } = await server({ frameBytesMax: 4096 });
    const p = pool();
    const e = await rejection(p.request(address, 'echo', null, { attachment: new Uint8Array(8192) }));
    expect(e.code).toBe('peer_unavailable');
    expect(s.stats().errors.frame_too_large).toBe(1);
    expect((await p.request(address, 'echo', 1)).body).toEqual({ echoed: 1, from: 'client' });
  });

  it('drops one-way messages with an unknown type or a throwing handler, counted', async () => {
    const { address, server: s } = await server();
    let got = 0;
    s.onMessage('bad', () => {
      throw new Error('handler bug');
    });
    s.onMessage('good', () => void got++);
    const p = pool();
    p.send(address, 'nobody', 1);
    p.send(address, 'bad', 1);
    p.send(address, 'good', 1);
    await p.request(address, 'echo', 0); // ordered after the messages on the same connection
    expect(got).toBe(1);
    expect(s.stats().errors.unknown_type).toBe(1);
    expect(s.stats().errors.handler_error).toBe(1);
    expect(s.stats().messages).toBe(3);
  });

  it('drops one-way messages to an unreachable peer, counted', async () => {
    const { port, server: s } = await server();
    await s.close();
    const p = pool({ reconnectBackoffMinMs: 5_000 });
    p.send(`${HOST}:${port}`, 'x', 1);
    await new Promise((r) => setTimeout(r, 50));
    p.send(`${HOST}:${port}`, 'x', 2); // in backoff now: dropped at once
    expect(p.stats().errors.dropped_unreachable).toBe(2);
  });
});
