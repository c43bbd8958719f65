// A TCP proxy for real-process tests: it sits in front of one node's port and forwards byte for
// byte, and the test can cut it (live connections destroyed, new ones blackholed) for every client
// or only for the clients it recognises by their first bytes (e.g. a peer naming itself in a hello).

import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A client that has not been recognised after this many bytes never will be: it is forwarded as unknown. */
export const PROXY_HEAD_BYTES_MAX = 4 * 1024;
/** Connections the proxy holds at once (forwarded and blackholed); more are refused. */
export const PROXY_CONNECTIONS_MAX = 256;
/** Bytes buffered for a connection while its target is still connecting; more pauses the client. */
export const PROXY_PENDING_BYTES_MAX = 1024 * 1024;

if (PROXY_HEAD_BYTES_MAX > PROXY_PENDING_BYTES_MAX) throw new Error('the head must fit in what a connection may buffer');

/** Who a client is, from the bytes it sent first: a label, null when it cannot be known, undefined to read more. */
export type ClientIdentifier = (head: Buffer) => string | null | undefined;

export interface TcpProxyOptions {
  readonly targetHost: string;
  readonly targetPort: number;
  /** Without one, every client is unknown and only cut() without a label affects it. */
  readonly identify?: ClientIdentifier;
  readonly listenHost?: string;
}

/** What the proxy did, for assertions. */
export interface TcpProxyStats {
  accepted: number;
  /** Live connections destroyed by a cut. */
  destroyed: number;
  /** New connections swallowed while cut. */
  blackholed: number;
  refused: number;
}

interface Link {
  readonly client: net.Socket;
  target: net.Socket | null;
  /** null until the client was recognised (or given up on); '' for unknown. */
  label: string | null;
  head: Buffer;
  blackholed: boolean;
}

const ALL = '*';

export class TcpProxy {
  readonly stats: TcpProxyStats = { accepted: 0, destroyed: 0, blackholed: 0, refused: 0 };
  private readonly links = new Set<Link>();
  /** Labels cut; ALL cuts every client, recognised or not. */
  private readonly cutLabels = new Set<string>();
  private stopped = false;

  private constructor(
    private readonly server: net.Server,
    private readonly options: TcpProxyOptions,
    /** The port clients connect to. */
    readonly port: number,
  ) {}

  static async start(options: TcpProxyOptions): Promise<TcpProxy> {
    const server = net.createServer({ pauseOnConnect: true });
    const host = options.listenHost ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const proxy = new TcpProxy(server, options, (server.address() as AddressInfo).port);
    server.on('connection', (socket) => proxy.accept(socket));
    return proxy;
  }

  /** Cuts the clients labelled `label` (all clients when none is given): live ones are destroyed, new ones blackholed. */
  cut(label?: string): void {
    this.cutLabels.add(label ?? ALL);
    for (const link of [...this.links]) {
      if (link.blackholed || !this.isCut(link.label)) continue;
      this.stats.destroyed++;
      this.drop(link);
    }
  }

  /** Forwards again; clients blackholed meanwhile are closed so that they reconnect. */
  heal(label?: string): void {
    if (label === undefined) this.cutLabels.clear();
    else this.cutLabels.delete(label);
    for (const link of [...this.links]) if (link.blackholed && !this.isCut(link.label)) this.drop(link);
  }

  /** Connections held now (forwarded or blackholed). */
  get connections(): number {
    return this.links.size;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const link of [...this.links]) this.drop(link);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private isCut(label: string | null): boolean {
    if (this.cutLabels.has(ALL)) return true;
    return label !== null && label !== '' && this.cutLabels.has(label);
  }

  private accept(client: net.Socket): void {
    if (this.stopped || this.links.size >= PROXY_CONNECTIONS_MAX) {
      this.stats.refused++;
      client.destroy();
      return;
    }
    this.stats.accepted++;
    const link: Link = { client, target: null, label: this.options.identify === undefined ? '' : null, head: Buffer.alloc(0), blackholed: false };
    this.links.add(link);
    client.on('error', () => this.drop(link));
    client.on('close', () => this.drop(link));
    if (this.cutLabels.has(ALL)) return this.blackhole(link);
    client.on('data', (chunk: Buffer) => this.fromClient(link, chunk));
    client.resume();
    if (link.label !== null) this.connectTarget(link);
  }

  private fromClient(link: Link, chunk: Buffer): void {
    if (link.blackholed) return;
    if (link.label === null) {
      link.head = Buffer.concat([link.head, chunk]);
      const label = this.options.identify?.(link.head);
      if (label === undefined && link.head.byteLength < PROXY_HEAD_BYTES_MAX) return;
      link.label = label ?? '';
      if (this.isCut(link.label)) return this.blackhole(link);
      this.connectTarget(link);
      return;
    }
    this.forward(link, chunk);
  }

  private connectTarget(link: Link): void {
    const target = net.connect(this.options.targetPort, this.options.targetHost);
    link.target = target;
    target.on('error', () => this.drop(link));
    target.on('close', () => this.drop(link));
    target.on('data', (chunk: Buffer) => {
      if (!link.client.write(chunk)) {
        target.pause();
        link.client.once('drain', () => target.resume());
      }
    });
    if (link.head.byteLength > 0) {
      const head = link.head;
      link.head = Buffer.alloc(0);
      this.forward(link, head);
    }
  }

  private forward(link: Link, chunk: Buffer): void {
    const target = link.target;
    if (target === null) return;
    // Writes before the target connects are buffered by the socket; back-pressure bounds them.
    if (!target.write(chunk) || target.writableLength > PROXY_PENDING_BYTES_MAX) {
      link.client.pause();
      target.once('drain', () => link.client.resume());
    }
  }

  /** Keeps the client's socket open and reads (and drops) what it sends, as a dead link would. */
  private blackhole(link: Link): void {
    this.stats.blackholed++;
    link.blackholed = true;
    link.head = Buffer.alloc(0);
    link.target?.destroy();
    link.target = null;
    link.client.removeAllListeners('data');
    link.client.on('data', () => {});
    link.client.resume();
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) return;
    link.client.destroy();
    link.target?.destroy();
  }
}
