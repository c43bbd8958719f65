// A bare socket client for wire-protocol tests: sends crafted bytes and collects the server's messages.

import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { serialize } from 'pg-protocol';

export interface BackendMessage {
  readonly type: string;
  readonly body: Buffer;
}

const WAIT_MS_DEFAULT = 5_000;

export class RawClient {
  readonly messages: BackendMessage[] = [];
  /** Bytes that are not framed messages (the 'N' answer to SSLRequest). */
  rawBytes = Buffer.alloc(0);
  ended = false;
  private pending = Buffer.alloc(0);
  private expectRawByte = 0;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Reads from a socket that is already connected (a TLS socket after the handshake, or a plain one some bytes into
   * the conversation); resumes it if it was paused. */
  static over(socket: Socket): RawClient {
    const c = new RawClient(socket);
    socket.resume();
    return c;
  }

  /** Connects and completes a trust startup. */
  static async ready(port: number, params: Record<string, string> = { user: 'eon', database: 'eon' }): Promise<RawClient> {
    const c = await RawClient.connect(port);
    c.send(serialize.startup(params));
    await c.waitFor('Z');
    c.messages.length = 0;
    return c;
  }

  /** The next byte(s) received are unframed (SSLRequest/GSSENCRequest answers). */
  expectRaw(n: number): void {
    this.expectRawByte = n;
  }

  send(b: Buffer | Uint8Array): void {
    this.socket.write(b);
  }

  /** Waits until a message of `type` has arrived (or the socket ended); returns all messages so far. */
  async waitFor(type: string, timeoutMs = WAIT_MS_DEFAULT): Promise<BackendMessage[]> {
    await this.waitUntil(() => this.messages.some((m) => m.type === type) || this.ended, timeoutMs);
    return this.messages;
  }

  async waitForEnd(timeoutMs = WAIT_MS_DEFAULT): Promise<void> {
    await this.waitUntil(() => this.ended, timeoutMs);
  }

  /** Waits for the n-th message of a type. */
  async waitForCount(type: string, n: number, timeoutMs = WAIT_MS_DEFAULT): Promise<BackendMessage[]> {
    await this.waitUntil(() => this.messages.filter((m) => m.type === type).length >= n || this.ended, timeoutMs);
    return this.messages;
  }

  /** The fields of the first ErrorResponse; throws if none has arrived. */
  error(): Record<string, string> {
    const e = this.messages.find((m) => m.type === 'E');
    if (e === undefined) throw new Error(`no ErrorResponse in '${this.types()}'`);
    return errorFields(e);
  }

  types(): string {
    return this.messages.map((m) => m.type).join('');
  }

  close(): void {
    this.socket.destroy();
  }

  /** Waits for any condition over the received messages (checked on every arrival). */
  waitUntil(cond: () => boolean, timeoutMs = WAIT_MS_DEFAULT): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out; got ${this.types()}`));
      }, timeoutMs);
      const check = (): void => {
        if (!cond()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  private onData(chunk: Buffer): void {
    let buf = Buffer.concat([this.pending, chunk]);
    if (this.expectRawByte > 0) {
      const n = Math.min(this.expectRawByte, buf.length);
      this.rawBytes = Buffer.concat([this.rawBytes, buf.subarray(0, n)]);
      this.expectRawByte -= n;
      buf = buf.subarray(n);
    }
    let at = 0;
    while (buf.length - at >= 5) {
      const len = buf.readInt32BE(at + 1);
      if (buf.length - at < len + 1) break;
      this.messages.push({ type: String.fromCharCode(buf[at] as number), body: Buffer.from(buf.subarray(at + 5, at + 1 + len)) });
      at += len + 1;
    }
    this.pending = Buffer.from(buf.subarray(at));
    this.notify();
  }
}

/** Error/notice fields by their one-letter code. */
export function errorFields(m: BackendMessage): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < m.body.length && m.body[at] !== 0) {
    const code = String.fromCharCode(m.body[at] as number);
    const end = m.body.indexOf(0, at + 1);
    out[code] = m.body.toString('utf8', at + 1, end);
    at = end + 1;
  }
  return out;
}

/** DataRow values as text (null for NULL). */
export function dataRowTexts(m: BackendMessage): (string | null)[] {
  const n = m.body.readInt16BE(0);
  const out: (string | null)[] = [];
  let at = 2;
  for (let i = 0; i < n; i++) {
    const len = m.body.readInt32BE(at);
    at += 4;
    if (len < 0) {
      out.push(null);
      continue;
    }
    out.push(m.body.toString('utf8', at, at + len));
    at += len;
  }
  return out;
}

/** DataRow values as raw bytes. */
export function dataRowBytes(m: BackendMessage): (Buffer | null)[] {
  const n = m.body.readInt16BE(0);
  const out: (Buffer | null)[] = [];
  let at = 2;
  for (let i = 0; i < n; i++) {
    const len = m.body.readInt32BE(at);
    at += 4;
    if (len < 0) {
      out.push(null);
      continue;
    }
    out.push(m.body.subarray(at, at + len));
    at += len;
  }
  return out;
}

/** A frame with the given type byte and raw body. */
export function frame(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
