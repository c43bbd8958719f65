// Shared setup of the RPC socket tests: servers and pools on 127.0.0.1 port 0, all closed after each test.

import { connect, type Socket } from 'node:net';
import { expect } from 'vitest';
import { EonError } from '../../../../src/errors/index.js';
import { PeerPool, PeerServer, type PeerPoolOptions, type PeerServerOptions } from '../../../../src/cluster/rpc/index.js';

export const SECRET = 'correct horse battery staple';
export const HOST = '127.0.0.1';

const closers: (() => Promise<void> | void)[] = [];

/** Closes everything the helpers opened; every test file runs it in afterEach. */
export async function closeAll(): Promise<void> {
  for (const close of closers.splice(0).reverse()) await close();
}

export function onClose(close: () => Promise<void> | void): void {
  closers.push(close);
}

export async function server(
  options: Partial<PeerServerOptions> = {},
  port = 0,
): Promise<{ server: PeerServer; address: string; port: number }> {
  const s = new PeerServer({ nodeId: 'server', secret: SECRET, host: HOST, ...options });
  s.handle('echo', async (body, ctx) => ({ echoed: body, from: ctx.from }));
  const bound = await s.listen(HOST, port);
  closers.push(() => s.close());
  return { server: s, address: `${HOST}:${bound.port}`, port: bound.port };
}

export function pool(options: Partial<PeerPoolOptions> = {}): PeerPool {
  const p = new PeerPool({ nodeId: 'client', secret: SECRET, ...options });
  closers.push(() => p.close());
  return p;
}

export function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: HOST, port }, () => resolve(s));
    s.on('error', reject);
    closers.push(() => void s.destroy());
  });
}

/** Resolves with every byte the server sent once it closes the socket. */
export function bytesUntilClose(s: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => s.on('close', () => resolve(Buffer.concat(chunks))));
}

export async function rejection(p: Promise<unknown>): Promise<EonError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EonError);
    return e as EonError;
  }
  throw new Error('expected a rejection');
}

