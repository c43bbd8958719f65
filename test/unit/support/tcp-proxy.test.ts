// The test TCP proxy (test/support/tcp-proxy.ts): it forwards both ways, a cut destroys the live
// connections of the clients it names and swallows their new ones while others go through, heal
// restores them, and stop closes everything; plus the --advertise-peer flag the link-cut test uses.

import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../../support/tcp-proxy.js';
import type { ClientIdentifier } from '../../support/tcp-proxy.js';
import { UsageError, parseCommandLine } from '../../../src/cli/args.js';

/** Every wait in this file gives up after this long. */
const WAIT_MS = 2_000;

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** An echo server that answers every chunk with "echo:" + the chunk. */
async function echoServer(): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.on('data', (chunk) => s.write(`echo:${chunk.toString()}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/** Clients introduce themselves with "name;" before anything else. */
const byName: ClientIdentifier = (head) => {
  const text = head.toString();
  const end = text.indexOf(';');
  return end < 0 ? undefined : text.slice(0, end);
};

interface Client {
  socket: net.Socket;
  received: () => string;
  closed: () => boolean;
}

async function connect(port: number, name: string): Promise<Client> {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  let closed = false;
  socket.on('data', (chunk) => (received += chunk.toString()));
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`${name};`);
  closers.push(async () => void socket.destroy());
  return { socket, received: () => received, closed: () => closed };
}

async function waitFor(check: () => boolean): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < WAIT_MS) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

describe('TcpProxy', () => {
  it('forwards, cuts only the named clients (live ones destroyed, new ones swallowed), heals and stops', async () => {
    const target = await echoServer();
    const proxy = await TcpProxy.start({ targetHost: '127.0.0.1', targetPort: target, identify: byName });
    closers.push(() => proxy.stop());

    const a = await connect(proxy.port, 'a');
    const b = await connect(proxy.port, 'b');
    expect(await waitFor(() => a.received() === 'echo:a;' && b.received() === 'echo:b;')).toBe(true);

    proxy.cut('a');
    expect(await waitFor(() => a.closed())).toBe(true);
    expect(proxy.stats.destroyed).toBe(1);
    b.socket.write('still');
    expect(await waitFor(() => b.received().endsWith('echo:still'))).toBe(true);
    // A new connection from 'a' is accepted and then hears nothing: a dead link, not a refusal.
    const a2 = await connect(proxy.port, 'a');
    a2.socket.write('anyone?');
    expect(await waitFor(() => proxy.stats.blackholed === 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(a2.received()).toBe('');
    expect(a2.closed()).toBe(false);

    // Healing closes the swallowed connection so that its client reconnects, and forwards again.
    proxy.heal('a');
    expect(await waitFor(() => a2.closed())).toBe(true);
    const a3 = await connect(proxy.port, 'a');
    expect(await waitFor(() => a3.received() === 'echo:a;')).toBe(true);

    // cut() without a name cuts everyone.
    proxy.cut();
    expect(await waitFor(() => a3.closed() && b.closed())).toBe(true);
    proxy.heal();
    const c = await connect(proxy.port, 'c');
    expect(await waitFor(() => c.received() === 'echo:c;')).toBe(true);
    await proxy.stop();
    expect(await waitFor(() => c.closed())).toBe(true);
    expect(proxy.connections).toBe(0);
  });

  it('forwards a client it cannot identify as unknown: only a cut of everyone affects it', async () => {
    const target = await echoServer();
    const proxy = await TcpProxy.start({ targetHost: '127.0.0.1', targetPort: target, identify: () => null });
    closers.push(() => proxy.stop());
    const x = await connect(proxy.port, 'x');
    expect(await waitFor(() => x.received() === 'echo:x;')).toBe(true);
    proxy.cut('x');
    x.socket.write('more');
    expect(await waitFor(() => x.received().endsWith('echo:more'))).toBe(true);
    proxy.cut();
    expect(await waitFor(() => x.closed())).toBe(true);
  });
});

describe('eon start --advertise-peer', () => {
  it('takes a HOST:PORT other members reach the node at, and refuses anything else', () => {
    const command = parseCommandLine(['start', '--peer-port', '9500', '--advertise-peer', '127.0.0.1:19500'], {});
    expect(command.kind === 'start' ? command.config.advertisePeer : null).toBe('127.0.0.1:19500');
    const plain = parseCommandLine(['start'], {});
    expect(plain.kind === 'start' ? plain.config.advertisePeer : null).toBeUndefined();
    expect(() => parseCommandLine(['start', '--advertise-peer', 'nowhere'], {})).toThrow(UsageError);
    expect(() => parseCommandLine(['status', '--advertise-peer', '127.0.0.1:1'], {})).toThrow(UsageError);
  });
});
