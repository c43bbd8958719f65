import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody, decodeEnvelope, decodeError, encodeBody } from '../../../../src/cluster/rpc/codec.js';
import { EonError } from '../../../../src/errors/index.js';
import {
  encodeFrame,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  FrameDecodeError,
  FrameDecoder,
  RPC_PROTOCOL_VERSION,
  type Frame,
} from '../../../../src/cluster/rpc/frame.js';

function wire(kind: 'request' | 'response' | 'one-way', id: number, body: unknown, attachment?: Uint8Array): Buffer {
  return Buffer.concat(encodeFrame(kind, id, encodeBody(body), attachment));
}

function drain(d: FrameDecoder): Frame[] {
  const out: Frame[] = [];
  for (let f = d.next(); f !== undefined; f = d.next()) out.push(f);
  return out;
}

function failureOf(d: FrameDecoder): FrameDecodeError {
  try {
    drain(d);
  } catch (e) {
    if (e instanceof FrameDecodeError) return e;
    throw e;
  }
  throw new Error('decoder did not fail');
}

describe('FrameDecoder', () => {
  const frames = [
    wire('request', 1, ['kv.put', { key: 'a', value: 1 }]),
    wire('response', 1, { ok: true }, new Uint8Array([1, 2, 3, 4, 5])),
    wire('one-way', 0, ['swim', { ping: 7 }]),
    wire('response', 2, undefined),
  ];
  const stream = Buffer.concat(frames);

  function check(got: Frame[]): void {
    expect(got.map((f) => f.kind)).toEqual(['request', 'response', 'one-way', 'response']);
    expect(got.map((f) => f.requestId)).toEqual([1, 1, 0, 2]);
    expect(decodeBody(got[0]!.body)).toEqual(['kv.put', { key: 'a', value: 1 }]);
    expect(decodeBody(got[1]!.body)).toEqual({ ok: true });
    expect([...got[1]!.attachment!]).toEqual([1, 2, 3, 4, 5]);
    expect(got[2]!.attachment).toBeUndefined();
    expect(decodeBody(got[3]!.body)).toBeUndefined();
    expect(got.reduce((n, f) => n + f.bytes, 0)).toBe(stream.byteLength);
  }

  it('decodes frames fed one byte at a time', () => {
    const d = new FrameDecoder();
    const got: Frame[] = [];
    for (const byte of stream) {
      d.push(Uint8Array.of(byte));
      got.push(...drain(d));
    }
    check(got);
    expect(d.bufferedBytes).toBe(0);
  });

  it('decodes frames coalesced into one chunk', () => {
    const d = new FrameDecoder();
    d.push(stream);
    check(drain(d));
  });

  it('decodes any split of the stream, and frames stay intact after later pushes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.byteLength - 1 }), { maxLength: 12 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.byteLength];
        const d = new FrameDecoder();
        const got: Frame[] = [];
        for (let i = 0; i + 1 < points.length; i++) {
          d.push(stream.subarray(points[i], points[i + 1]));
          got.push(...drain(d));
        }
        check(got);
      }),
      { numRuns: 100 },
    );
  });

  it('does not copy a chunk that holds whole frames', () => {
    const d = new FrameDecoder();
    d.push(stream);
    const f = d.next()!;
    expect(f.body.buffer).toBe(stream.buffer);
  });

  it('refuses garbage at its first byte', () => {
    const d = new FrameDecoder();
    d.push(Buffer.from('G'));
    const e = failureOf(d);
    expect(e.reason).toBe('bad_magic');
    // and stays failed
    d.push(stream);
    expect(() => d.next()).toThrow(FrameDecodeError);
  });

  it('refuses a foreign protocol version at its second byte and names it', () => {
    const d = new FrameDecoder();
    d.push(Uint8Array.of(FRAME_MAGIC, RPC_PROTOCOL_VERSION + 1));
    const e = failureOf(d);
    expect(e.reason).toBe('unsupported_version');
    expect(e.version).toBe(RPC_PROTOCOL_VERSION + 1);
  });

  it('refuses an oversized frame from its header, before the body arrives', () => {
    const d = new FrameDecoder(1024);
    const header = encodeFrame('request', 1, new Uint8Array(0))[0]!;
    header.writeUInt32BE(2000, 8);
    d.push(header);
    const e = failureOf(d);
    expect(e.reason).toBe('frame_too_large');
    expect(d.bufferedBytes).toBe(0);
  });

  it('refuses an attachment that pushes a frame over the limit', () => {
    const d = new FrameDecoder(FRAME_HEADER_BYTES + 100);
    d.push(wire('response', 1, 1, new Uint8Array(200)).subarray(0, FRAME_HEADER_BYTES));
    expect(failureOf(d).reason).toBe('frame_too_large');
  });

  it('refuses an unknown kind and non-zero flags', () => {
    const bad = wire('request', 1, 1);
    bad.writeUInt8(200, 2);
    const d = new FrameDecoder();
    d.push(bad);
    expect(failureOf(d).reason).toBe('bad_kind');
    const flagged = wire('request', 1, 1);
    flagged.writeUInt8(1, 3);
    const d2 = new FrameDecoder();
    d2.push(flagged);
    expect(failureOf(d2).reason).toBe('bad_header');
  });

  it('round-trips a large attachment split into socket-sized chunks', () => {
    const attachment = new Uint8Array(1_000_003).map((_, i) => i % 251);
    const bytes = wire('response', 9, { n: 1 }, attachment);
    const d = new FrameDecoder();
    const got: Frame[] = [];
    for (let i = 0; i < bytes.byteLength; i += 65_536) {
      d.push(bytes.subarray(i, i + 65_536));
      got.push(...drain(d));
    }
    expect(got).toHaveLength(1);
    expect(Buffer.from(got[0]!.attachment!).equals(Buffer.from(attachment))).toBe(true);
  });

  it('fails only with FrameDecodeError on arbitrary bytes behind a valid prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 8 }), (junk, split) => {
        const d = new FrameDecoder(1024);
        const bytes = Buffer.concat([Uint8Array.of(FRAME_MAGIC, RPC_PROTOCOL_VERSION), junk]);
        try {
          for (let i = 0; i < bytes.byteLength; i += split) {
            d.push(bytes.subarray(i, i + split));
            drain(d);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(FrameDecodeError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('body codec', () => {
  it('refuses malformed bodies with protocol_violation, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 32 }), (junk) => {
        try {
          decodeEnvelope(junk);
        } catch (e) {
          expect(e).toBeInstanceOf(EonError);
          expect((e as EonError).code).toBe('protocol_violation');
        }
        expect(decodeError(junk, 'peer x')).toBeInstanceOf(EonError);
      }),
      { numRuns: 300 },
    );
    expect(() => decodeEnvelope(encodeBody({ type: 'x' }))).toThrow(/malformed RPC envelope/);
    expect(() => decodeEnvelope(encodeBody(['', 1]))).toThrow(/malformed RPC envelope/);
    expect(decodeEnvelope(encodeBody(['kv.get', { k: 1 }]))).toEqual({ type: 'kv.get', body: { k: 1 } });
  });

  it('rebuilds a peer error with its code, and maps an unknown code to internal_error', () => {
    const known = decodeError(encodeBody({ code: 'division_by_zero', message: 'division by zero', hint: 'h' }), 'peer b');
    expect(known.code).toBe('division_by_zero');
    expect(known.hint).toBe('h');
    expect(known.where).toBe('peer b');
    const unknown = decodeError(encodeBody({ code: 'from_the_future', message: 'm' }), 'peer b');
    expect(unknown.code).toBe('internal_error');
    expect(unknown.message).toContain('from_the_future');
  });
});
