import { afterEach, describe, expect, it } from 'vitest';
import { EonError } from '../../../../src/errors/index.js';
import { encodeFrame, PeerServer } from '../../../../src/cluster/rpc/index.js';
import { bytesUntilClose, closeAll, onClose, pool, rawSocket, rejection, SECRET, server, HOST } from './harness.js';

afterEach(closeAll);

describe('authentication', () => {
  it('refuses a client with the wrong secret, on both sides', async () => {
    const lines: { msg: string; fields: Record<string, unknown> }[] = [];
    const { address, server: s } = await server({ log: (_level, msg, fields) => lines.push({ msg, fields }) });
    const p = pool({ secret: 'wrong secret' });
    const e = await rejection(p.request(address, 'echo', 1));
    expect(e.code).toBe('peer_auth_failed');
    expect(lines.some((l) => l.msg === 'rpc connection closed' && l.fields.reason === 'auth_failed')).toBe(true);
    expect(s.stats().errors.auth_failed).toBe(1);
    expect(s.stats().requests).toBe(0);
  });

  it('refuses a server that cannot prove the secret', async () => {
    // A server without the secret cannot even pick the right mode; one with another secret fails the welcome MAC.
    const other = await server({ secret: 'another secret' });
    const p = pool();
    const e = await rejection(p.request(other.address, 'echo', 1));
    expect(e.code).toBe('peer_auth_failed');
    expect(p.stats().errors.auth_failed).toBeGreaterThanOrEqual(1);
  });

  it('refuses a mixed secret / no-secret pair', async () => {
    const { address } = await server({ secret: null });
    expect((await rejection(pool().request(address, 'echo', 1))).code).toBe('peer_auth_failed');
  });

  it('runs without a secret on loopback', async () => {
    const { address } = await server({ secret: null });
    const r = await pool({ secret: null }).request(address, 'echo', 'hi');
    expect(r.body).toEqual({ echoed: 'hi', from: 'client' });
  });

  it('refuses a secret-less server on a non-loopback host unless insecure', () => {
    expect(() => new PeerServer({ nodeId: 'n', secret: null, host: '0.0.0.0' })).toThrow(EonError);
    expect(() => new PeerServer({ nodeId: 'n', secret: null, host: '10.1.2.3' })).toThrow(/without a cluster secret/);
    expect(() => new PeerServer({ nodeId: 'n', secret: null, host: '0.0.0.0', insecure: true })).not.toThrow();
    expect(() => new PeerServer({ nodeId: 'n', secret: SECRET, host: '0.0.0.0' })).not.toThrow();
    expect(() => new PeerServer({ nodeId: 'n', secret: null, host: '::1' })).not.toThrow();
  });

  it('refuses to listen publicly after being built for loopback without a secret', async () => {
    const s = new PeerServer({ nodeId: 'n', secret: null, host: HOST });
    onClose(() => s.close());
    await expect(s.listen('0.0.0.0', 0)).rejects.toThrow(EonError);
  });

  it('closes a connection that sends a request before the handshake', async () => {
    const { port, server: s } = await server();
    const sock = await rawSocket(port);
    const closed = bytesUntilClose(sock);
    sock.write(Buffer.concat(encodeFrame('request', 1, new Uint8Array(0))));
    await closed;
    expect(s.stats().errors.handshake_failed).toBe(1);
  });

  it('closes a connection that never completes the handshake', async () => {
    const { port, server: s } = await server({ handshakeTimeoutMs: 100 });
    const sock = await rawSocket(port);
    await bytesUntilClose(sock);
    expect(s.stats().errors.handshake_timeout).toBe(1);
  });
});
