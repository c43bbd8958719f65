// One TCP socket speaking frames, shared by both ends: feeds the streaming decoder, delivers frames
// one at a time (so the owner can stop reading at its in-flight limit), writes with backpressure
// through a bounded send queue, and closes once with a reason.

import type { Socket } from 'node:net';
import { EonError } from '../../errors/index.js';
import { encodeFrame, FrameDecodeError, FrameDecoder, frameBytes, type Frame, type FrameKind } from './frame.js';
import type { RpcCounters } from './stats.js';

/** Structurally the node's Logger (src/node/log.ts), so the node passes its own. */
export type RpcLogger = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;

export interface FramedSocketEvents {
  frame(frame: Frame): void;
  decodeError(error: FrameDecodeError): void;
  /** The socket drained and our queue was flushed into it: pendingBytes fell. */
  drain(): void;
  /** Exactly once, after the socket is gone. */
  close(error: Error | undefined): void;
}

export interface FramedSocketLimits {
  readonly frameBytesMax: number;
  readonly sendQueueBytesMax: number;
}

export class FramedSocket {
  readonly decoder: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private blocked = false;
  private readPaused = false;
  private closed = false;
  private delivering = false;
  private closeError: Error | undefined;

  constructor(
    readonly socket: Socket,
    private readonly limits: FramedSocketLimits,
    private readonly counters: RpcCounters,
    private readonly events: FramedSocketEvents,
    handshakeFrameBytesMax: number,
  ) {
    this.decoder = new FrameDecoder(handshakeFrameBytesMax);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.counters.values.bytesIn += chunk.byteLength;
      // After closeAfter() the socket keeps flowing (so the peer's FIN is seen) but nothing is kept.
      if (this.closed) return;
      this.decoder.push(chunk);
      this.deliver();
    });
    socket.on('drain', () => {
      this.flush();
      this.events.drain();
    });
    socket.on('error', (e) => {
      this.closeError ??= e;
    });
    socket.on('close', () => {
      this.closed = true;
      this.queue.length = 0;
      this.queuedBytes = 0;
      this.events.close(this.closeError);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Raise the frame limit from the handshake's to the full one, once the peer is authenticated. */
  authenticated(): void {
    this.decoder.frameBytesMax = this.limits.frameBytesMax;
  }

  /** Stop taking frames (and stop reading the socket) until resumeReading(). */
  pauseReading(): void {
    if (this.readPaused) return;
    this.readPaused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.readPaused || this.closed) return;
    this.readPaused = false;
    this.socket.resume();
    this.deliver();
  }

  /** Bytes waiting to go out: our queue plus what the socket itself still holds. */
  get pendingBytes(): number {
    return this.queuedBytes + this.socket.writableLength;
  }

  get sendQueueFull(): boolean {
    return this.pendingBytes >= this.limits.sendQueueBytesMax;
  }

  /**
   * Queues one frame. Throws EonError program_limit_exceeded for a frame over the limit and
   * peer_overloaded when the queue is full; a single frame is always accepted on an idle queue.
   * bounded=false skips the queue bound (a server's responses: their number is already bounded by
   * the in-flight limit, and the server stops reading while the queue is full).
   */
  write(kind: FrameKind, requestId: number, body: Uint8Array, attachment?: Uint8Array, bounded = true): void {
    if (this.closed) throw new EonError('peer_unavailable', 'connection closed');
    const size = frameBytes(body, attachment);
    if (size > this.limits.frameBytesMax) {
      throw new EonError('program_limit_exceeded', `RPC frame of ${size} bytes exceeds the limit of ${this.limits.frameBytesMax}`);
    }
    const pending = this.pendingBytes;
    if (bounded && pending > 0 && pending + size > this.limits.sendQueueBytesMax) {
      this.counters.error('send_overflow');
      throw new EonError('peer_overloaded', `send queue to peer is full (${pending} bytes queued)`);
    }
    const parts = encodeFrame(kind, requestId, body, attachment);
    this.counters.values.framesOut++;
    this.counters.values.bytesOut += size;
    if (this.blocked) {
      for (const p of parts) this.queue.push(p);
      this.queuedBytes += size;
      return;
    }
    // All parts of one frame go to the socket together: a frame is never interleaved with another.
    for (const p of parts) if (!this.socket.write(p)) this.blocked = true;
  }

  /** Sends a last frame, then closes after it flushes (or after lingerMs). Arriving bytes are discarded. */
  closeAfter(kind: FrameKind, body: Uint8Array, lingerMs: number): void {
    if (this.closed) return;
    try {
      this.write(kind, 0, body, undefined, false);
    } catch {
      // closed already: nothing to say
    }
    this.closed = true;
    // end() must come after every queued byte: hand the queue to the socket (it buffers) first.
    for (const p of this.queue.splice(0)) this.socket.write(p);
    this.queuedBytes = 0;
    if (this.readPaused) {
      this.readPaused = false;
      this.socket.resume();
    }
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), lingerMs);
    t.unref();
    this.socket.once('close', () => clearTimeout(t));
  }

  close(error?: Error): void {
    if (error !== undefined) this.closeError ??= error;
    if (this.socket.destroyed) return;
    this.closed = true;
    this.socket.destroy();
  }

  private flush(): void {
    this.blocked = false;
    while (this.queue.length > 0 && !this.blocked) {
      const p = this.queue.shift()!;
      this.queuedBytes -= p.byteLength;
      if (!this.socket.write(p)) this.blocked = true;
    }
  }

  // Re-entrancy guard: a frame handler that resumes reading must not start a second delivery loop.
  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (!this.readPaused && !this.closed) {
        let frame: Frame | undefined;
        try {
          frame = this.decoder.next();
        } catch (e) {
          if (!(e instanceof FrameDecodeError)) throw e;
          this.events.decodeError(e);
          return;
        }
        if (frame === undefined) return;
        this.counters.values.framesIn++;
        this.events.frame(frame);
      }
    } finally {
      this.delivering = false;
    }
  }
}
