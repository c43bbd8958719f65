// The reusable output buffer a connection builds its backend messages in, written to the socket once per batch.

import { OUTPUT_BUFFER_BYTES_INITIAL, OUTPUT_BUFFER_BYTES_RETAINED } from './limits.js';

/**
 * Messages are appended with `begin(type)` … field writes … `end()`; `end` back-fills the length.
 * `take()` copies the bytes out (so the socket owns them) and resets for the next batch.
 */
export class MessageWriter {
  private buf: Buffer = Buffer.allocUnsafe(OUTPUT_BUFFER_BYTES_INITIAL);
  private pos = 0;
  private messageStart = -1;

  get length(): number {
    return this.pos;
  }

  begin(type: number): void {
    this.ensure(5);
    this.buf[this.pos] = type;
    this.messageStart = this.pos + 1;
    this.pos += 5;
  }

  end(): void {
    this.buf.writeInt32BE(this.pos - this.messageStart, this.messageStart);
    this.messageStart = -1;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v | 0, this.pos);
    this.pos += 4;
  }

  uint32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }

  float32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatBE(v, this.pos);
    this.pos += 4;
  }

  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(s: string): void {
    this.ensure(s.length * 3 + 1);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    this.buf[this.pos++] = 0;
  }

  /** UTF-8 bytes with no terminator; returns the byte count. */
  utf8(s: string): number {
    this.ensure(s.length * 3);
    const n = this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
    return n;
  }

  /** A value prefixed by its int32 byte length, as DataRow and Bind carry them. */
  lengthPrefixedUtf8(s: string): void {
    this.ensure(4 + s.length * 3);
    const n = this.buf.write(s, this.pos + 4, 'utf8');
    this.buf.writeInt32BE(n, this.pos);
    this.pos += 4 + n;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Reserves an int32 slot to fill later with `patchInt32` (lengths known only after writing). */
  reserveInt32(): number {
    this.ensure(4);
    const at = this.pos;
    this.pos += 4;
    return at;
  }

  patchInt32(at: number, v: number): void {
    this.buf.writeInt32BE(v, at);
  }

  /** Current write offset, for measuring what was written since. */
  mark(): number {
    return this.pos;
  }

  /** Drops everything written since `mark` (a message that failed halfway through). */
  rewind(mark: number): void {
    this.pos = mark;
    this.messageStart = -1;
  }

  /** Hands the buffered bytes over (a copy the caller owns) and starts a new batch. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    if (this.buf.length > OUTPUT_BUFFER_BYTES_RETAINED) {
      this.buf = Buffer.allocUnsafe(OUTPUT_BUFFER_BYTES_INITIAL);
    }
    return out;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
