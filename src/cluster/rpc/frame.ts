// The wire unit of node-to-node RPC: a fixed 16-byte header, a msgpack control body and an optional
// binary attachment (Arrow IPC bytes ride there untouched), plus a streaming decoder that copes with
// frames split across or packed into TCP chunks and refuses oversized frames from the header alone.

/** The one protocol version this build speaks; a peer with another is answered and closed. */
export const RPC_PROTOCOL_VERSION = 1;
/** First byte of every frame: lets garbage (an HTTP request, a pg client) be refused at byte one. */
export const FRAME_MAGIC = 0xe0;
/** magic u8 · version u8 · kind u8 · flags u8 · request id u32 · body length u32 · attachment length u32 (big-endian). */
export const FRAME_HEADER_BYTES = 16;
/** Largest frame (header + body + attachment) accepted from an authenticated peer. */
export const FRAME_BYTES_MAX = 64 * 1024 * 1024;
/** Largest frame accepted before the handshake completes: an anonymous socket cannot make us buffer more. */
export const HANDSHAKE_FRAME_BYTES_MAX = 4 * 1024;
/** Smallest buffer the decoder allocates when a frame spans chunks. */
export const DECODER_BUFFER_BYTES_MIN = 4 * 1024;
const U32_MAX = 0xffff_ffff;

if (FRAME_BYTES_MAX > U32_MAX || HANDSHAKE_FRAME_BYTES_MAX > FRAME_BYTES_MAX) {
  throw new Error('frame limits must fit a u32 length and the handshake limit must not exceed the frame limit');
}

/**
 * The frame kinds, in wire-code order (code = index + 1). hello/challenge/proof/welcome are the
 * handshake; cancel tells a server that the caller gave up on a request; connection-error is a
 * last word before the sender closes (e.g. naming the protocol version it supports).
 */
export const FRAME_KINDS = [
  'hello',
  'challenge',
  'proof',
  'welcome',
  'request',
  'response',
  'error-response',
  'one-way',
  'cancel',
  'connection-error',
] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];

const KIND_CODE: ReadonlyMap<FrameKind, number> = new Map(FRAME_KINDS.map((k, i) => [k, i + 1]));

export interface Frame {
  readonly kind: FrameKind;
  /** Pairs a response with its request; 0 for frames that belong to no request. */
  readonly requestId: number;
  readonly body: Uint8Array;
  readonly attachment: Uint8Array | undefined;
  /** Header + body + attachment, for accounting. */
  readonly bytes: number;
}

/** Header and body in one buffer, the attachment (if any) as its own buffer so it is never copied. */
export function encodeFrame(
  kind: FrameKind,
  requestId: number,
  body: Uint8Array,
  attachment?: Uint8Array,
  version: number = RPC_PROTOCOL_VERSION,
): Buffer[] {
  if (!Number.isInteger(requestId) || requestId < 0 || requestId > U32_MAX) throw new Error(`bad request id ${requestId}`);
  const attachmentLength = attachment?.byteLength ?? 0;
  const head = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.byteLength);
  head.writeUInt8(FRAME_MAGIC, 0);
  head.writeUInt8(version, 1);
  head.writeUInt8(KIND_CODE.get(kind) ?? 0, 2);
  head.writeUInt8(0, 3);
  head.writeUInt32BE(requestId, 4);
  head.writeUInt32BE(body.byteLength, 8);
  head.writeUInt32BE(attachmentLength, 12);
  head.set(body, FRAME_HEADER_BYTES);
  return attachment !== undefined && attachmentLength > 0 ? [head, toBuffer(attachment)] : [head];
}

export function frameBytes(body: Uint8Array, attachment?: Uint8Array): number {
  return FRAME_HEADER_BYTES + body.byteLength + (attachment?.byteLength ?? 0);
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export type FrameDecodeFailure = 'bad_magic' | 'unsupported_version' | 'bad_kind' | 'bad_header' | 'frame_too_large';

export class FrameDecodeError extends Error {
  readonly reason: FrameDecodeFailure;
  /** The version byte the peer sent, for 'unsupported_version'. */
  readonly version: number | undefined;
  constructor(reason: FrameDecodeFailure, message: string, version?: number) {
    super(message);
    this.name = 'FrameDecodeError';
    this.reason = reason;
    this.version = version;
  }
}

interface PendingHeader {
  readonly kind: FrameKind;
  readonly requestId: number;
  readonly bodyLength: number;
  readonly attachmentLength: number;
}

/**
 * Pull-based: push() chunks as they arrive, next() returns one whole frame or undefined. Pulling
 * one frame at a time lets a server stop taking frames (and pause the socket) at its in-flight limit.
 *
 * Memory: a chunk that arrives on an empty decoder is adopted as is (no copy); bytes of a frame that
 * spans chunks are copied into a buffer that grows by doubling. A buffer is never written where a
 * returned frame points, so frames stay valid after further pushes.
 */
export class FrameDecoder {
  /** Adjustable: the handshake runs with a small limit, raised once the peer is authenticated. */
  frameBytesMax: number;
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  private header: PendingHeader | undefined;
  /** False while buf is a chunk adopted from the socket: that memory is never written. */
  private owned = false;
  private failure: FrameDecodeError | undefined;

  constructor(frameBytesMax: number = FRAME_BYTES_MAX) {
    this.frameBytesMax = frameBytesMax;
  }

  /** Bytes received but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): void {
    if (this.failure !== undefined || chunk.byteLength === 0) return;
    const bytes = toBuffer(chunk);
    if (this.start === this.end) {
      this.buf = bytes;
      this.owned = false;
      this.start = 0;
      this.end = bytes.byteLength;
      return;
    }
    if (!this.owned || this.end + bytes.byteLength > this.buf.byteLength) this.grow(bytes.byteLength);
    bytes.copy(this.buf, this.end);
    this.end += bytes.byteLength;
  }

  /** The next whole frame, or undefined until more bytes arrive. Throws FrameDecodeError (and stays failed). */
  next(): Frame | undefined {
    if (this.failure !== undefined) throw this.failure;
    if (this.header === undefined) {
      this.checkPrefix();
      if (this.bufferedBytes < FRAME_HEADER_BYTES) return undefined;
      this.header = this.parseHeader();
      this.start += FRAME_HEADER_BYTES;
    }
    const h = this.header;
    if (this.bufferedBytes < h.bodyLength + h.attachmentLength) return undefined;
    const body = this.buf.subarray(this.start, this.start + h.bodyLength);
    this.start += h.bodyLength;
    let attachment: Uint8Array | undefined;
    if (h.attachmentLength > 0) {
      attachment = this.buf.subarray(this.start, this.start + h.attachmentLength);
      this.start += h.attachmentLength;
    }
    this.header = undefined;
    if (this.start === this.end) this.release();
    return {
      kind: h.kind,
      requestId: h.requestId,
      body,
      attachment,
      bytes: FRAME_HEADER_BYTES + h.bodyLength + h.attachmentLength,
    };
  }

  private grow(extra: number): void {
    const live = this.end - this.start;
    const want = live + extra;
    // Once the header is known the whole frame is allocated at once (its size was already checked
    // against the limit), so a large frame is copied once rather than once per doubling.
    const frameRest = this.header === undefined ? 0 : this.header.bodyLength + this.header.attachmentLength;
    const capacity = Math.max(DECODER_BUFFER_BYTES_MIN, want, 2 * live, frameRest);
    const next = Buffer.allocUnsafe(capacity);
    this.buf.copy(next, 0, this.start, this.end);
    this.buf = next;
    this.owned = true;
    this.start = 0;
    this.end = live;
  }

  // Consumed everything: drop the buffer (returned frames may still point into it, so it is not reused).
  private release(): void {
    this.buf = Buffer.alloc(0);
    this.owned = false;
    this.start = 0;
    this.end = 0;
  }

  // Garbage is refused at its first byte and a foreign version at its second, not after 16 bytes.
  private checkPrefix(): void {
    const n = this.bufferedBytes;
    if (n >= 1 && this.buf[this.start] !== FRAME_MAGIC) {
      this.fail(new FrameDecodeError('bad_magic', `not an eon RPC frame (first byte 0x${this.buf[this.start]!.toString(16)})`));
    }
    if (n >= 2 && this.buf[this.start + 1] !== RPC_PROTOCOL_VERSION) {
      const v = this.buf[this.start + 1]!;
      this.fail(
        new FrameDecodeError('unsupported_version', `RPC protocol version ${v} is not supported (this node speaks ${RPC_PROTOCOL_VERSION})`, v),
      );
    }
  }

  private parseHeader(): PendingHeader {
    const b = this.buf;
    const s = this.start;
    const kind = FRAME_KINDS[b.readUInt8(s + 2) - 1];
    if (kind === undefined) this.fail(new FrameDecodeError('bad_kind', `unknown frame kind ${b.readUInt8(s + 2)}`));
    if (b.readUInt8(s + 3) !== 0) this.fail(new FrameDecodeError('bad_header', 'frame flags must be 0'));
    const requestId = b.readUInt32BE(s + 4);
    const bodyLength = b.readUInt32BE(s + 8);
    const attachmentLength = b.readUInt32BE(s + 12);
    const total = FRAME_HEADER_BYTES + bodyLength + attachmentLength;
    if (total > this.frameBytesMax) {
      this.fail(new FrameDecodeError('frame_too_large', `frame of ${total} bytes exceeds the limit of ${this.frameBytesMax}`));
    }
    return { kind: kind!, requestId, bodyLength, attachmentLength };
  }

  private fail(e: FrameDecodeError): never {
    this.failure = e;
    this.release();
    throw e;
  }
}
