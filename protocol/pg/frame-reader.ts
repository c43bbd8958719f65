// Cuts the client's byte stream into frames: a frame can span chunks and a chunk can hold many frames.

import { EonError } from '../../src/errors/index.js';
import { INPUT_BUFFER_BYTES_INITIAL, MESSAGE_BYTES_MAX, STARTUP_BYTES_MAX } from './limits.js';

/** `type` is 0 for startup-phase packets, which carry no type byte. `body` is valid only during the call. */
export type FrameHandler = (type: number, body: Buffer) => void;

export class FrameReader {
  /** While true, frames are startup packets (int32 length, no type byte). */
  startupPhase = true;
  /** Set by the handler to stop cutting frames (the connection is closing, or switching to TLS). */
  stopped = false;
  /**
   * Typed frames whose type byte is 0 here (a table of 256) fail at once, before their body arrives: a startup
   * packet sent after startup would otherwise be read as a type-0 frame of some megabytes and wait.
   */
  acceptedTypes: Readonly<Uint8Array> | null = null;
  /** How a refused type is reported, followed by the type's number. */
  refusedTypeMessage = 'invalid frontend message type';
  /** Bytes of the input not cut into frames when `stopped` was set (they are dropped, not kept). */
  unreadBytes = 0;
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;

  /**
   * Feeds a chunk and calls `onFrame` for each complete frame, in order. Throws protocol_violation
   * on an impossible length; the caller then closes the connection.
   */
  push(chunk: Buffer, onFrame: FrameHandler): void {
    if (this.start === this.end) {
      // Common case: nothing pending, so frames are read straight out of the chunk without copying.
      const used = this.drain(chunk, 0, chunk.length, onFrame);
      if (used < chunk.length && !this.stopped) this.keep(chunk, used);
      if (this.stopped) this.unreadBytes = chunk.length - used;
      return;
    }
    this.append(chunk);
    const used = this.drain(this.buf, this.start, this.end, onFrame);
    if (this.stopped) this.unreadBytes = this.end - used;
    this.start = used;
    if (this.start === this.end) this.start = this.end = 0;
  }

  /** Bytes received but not yet forming a whole frame. */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  private drain(src: Buffer, from: number, to: number, onFrame: FrameHandler): number {
    let at = from;
    while (!this.stopped) {
      const startup = this.startupPhase;
      const header = startup ? 4 : 5;
      if (to - at < header) {
        if (!startup && to > at) this.checkType(src[at] as number);
        break;
      }
      if (!startup) this.checkType(src[at] as number);
      const len = src.readInt32BE(startup ? at : at + 1);
      if (len < 4) throw new EonError('protocol_violation', `invalid message length ${len}`);
      const max = startup ? STARTUP_BYTES_MAX : MESSAGE_BYTES_MAX;
      if (len > max) {
        throw new EonError('protocol_violation', `message length ${len} exceeds the limit of ${max} bytes`);
      }
      const total = len + (startup ? 0 : 1);
      if (to - at < total) break;
      const type = startup ? 0 : (src[at] as number);
      onFrame(type, src.subarray(at + header, at + total));
      at += total;
    }
    return at;
  }

  private checkType(type: number): void {
    if (this.acceptedTypes !== null && this.acceptedTypes[type] === 0) {
      throw new EonError('protocol_violation', `${this.refusedTypeMessage} ${type}`);
    }
  }

  private keep(chunk: Buffer, from: number): void {
    const n = chunk.length - from;
    if (this.buf.length < n) this.buf = Buffer.allocUnsafe(Math.max(INPUT_BUFFER_BYTES_INITIAL, n * 2));
    chunk.copy(this.buf, 0, from);
    this.start = 0;
    this.end = n;
  }

  private append(chunk: Buffer): void {
    const pending = this.end - this.start;
    const need = pending + chunk.length;
    if (this.end + chunk.length > this.buf.length) {
      if (need <= this.buf.length) {
        this.buf.copy(this.buf, 0, this.start, this.end);
      } else {
        let size = Math.max(this.buf.length * 2, INPUT_BUFFER_BYTES_INITIAL);
        while (size < need) size *= 2;
        const next = Buffer.allocUnsafe(size);
        this.buf.copy(next, 0, this.start, this.end);
        this.buf = next;
      }
      this.start = 0;
      this.end = pending;
    }
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }
}
