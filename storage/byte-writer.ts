// A growable byte buffer shared by the key and row codecs; one instance is reused per encoder.

export class ByteWriter {
  buf: Buffer;
  view: DataView;
  length = 0;

  constructor(initialBytes = 1024) {
    this.buf = Buffer.alloc(initialBytes);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  reset(): void {
    this.length = 0;
  }

  ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.alloc(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  u8(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** The written bytes as a latin1 string: one char per byte, so strings compare like the bytes. */
  toLatin1(): string {
    return this.buf.toString('latin1', 0, this.length);
  }

  /** A copy of the written bytes, as a Buffer (what lmdb-js takes and returns). */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}
